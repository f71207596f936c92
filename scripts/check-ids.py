#!/usr/bin/env python3
"""No check id outside checks/: the audit engine (src/core) and the runbook (src/runbook) name no check, and the
runbook reads no evidence.

A check's rule and its place in the runbook live in its own file (its placement, its facts); code elsewhere
that names a check id (a role table, a copied rule, a parsed citation) fails here with file:line. The ids are
the built-in catalogue's, read from the built CLI (`orgpreflight checks --format json`). An id counts as a
whole word, in code, strings or comments ("move-after-wait-period" does not name wait-period). The runbook is
built from the report alone: a call of the bundle or evidence API in src/runbook fails too.

usage: check-ids.py CLI SOURCE_DIR
"""
import json
import os
import re
import subprocess
import sys

SCANNED = ("src/core", "src/runbook")
# what reads a bundle or its evidence: the runbook has the report's rows and their facts instead
EVIDENCE_API = re.compile(r"\b(opf_evidence_get|opf_require|opf_bundle_\w+|opf_org_\w+|opf_chk_\w+|opf_subject)\b|->bundle\b")
# (file, word): why the word is there although it spells a check id
ALLOWED = {
    ("src/core/inputs.c", "payment-method"): "the attestation fact of the same name",
    ("src/core/core.h", "payment-method"): "the attestation fact of the same name",
}


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 64
    cli, root = sys.argv[1], sys.argv[2]
    out = subprocess.run([cli, "checks", "--format", "json"], capture_output=True, check=True, timeout=60).stdout
    ids = sorted(c["id"] for c in json.loads(out)["checks"])
    if len(ids) < 10:
        print("check-ids: the catalogue lists only %d checks" % len(ids), file=sys.stderr)
        return 1
    word = re.compile(r"(?<![A-Za-z0-9_-])(%s)(?![A-Za-z0-9_-])" % "|".join(re.escape(i) for i in ids))
    found = 0
    for top in SCANNED:
        for folder, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith((".c", ".h", ".inc")):
                    continue
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, root)
                with open(path, encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        api = EVIDENCE_API.search(line) if top == "src/runbook" else None
                        if api:
                            print("%s:%d: reads evidence (%s): %s" % (rel, n, api.group(0), line.strip()))
                            found += 1
                        for m in word.finditer(line):
                            if (rel, m.group(1)) in ALLOWED:
                                continue
                            print("%s:%d: names the check %s: %s" % (rel, n, m.group(1), line.strip()))
                            found += 1
    if found:
        print("check-ids: %d mentions of a check id or of evidence in %s; a check's knowledge belongs in its file "
              "(its runbook placement, its facts)" % (found, ", ".join(SCANNED)), file=sys.stderr)
        return 1
    print("check-ids: none of the %d check ids appears in %s; src/runbook reads no evidence" % (len(ids), ", ".join(SCANNED)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
