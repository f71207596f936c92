#!/usr/bin/env python3
"""Golden outputs: every report format and the runbook of the committed bundles, byte for byte.

Each case audits (and plans) one committed bundle with a fixed --now and compares every output with
tests/golden/expected/CASE/FILE. Only the run's own duration is masked: it is the one value that changes from
run to run; and the build's plugin folder, which the runbook's re-run commands name, reads {plugins}. An
intended change of output is made with --update, which rewrites the expected files, so that the change shows
in the diff of the commit that makes it.

usage: golden.py --cli PATH --plugins DIR [--case NAME] [--update]
"""
import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXPECTED = os.path.join(SOURCE_DIR, "tests", "golden", "expected")
NOW = "2026-11-25T09:00:00Z"
EXAMPLE = ["--evidence", "examples/evidence.json", "--config", "examples/config.json",
           "--attestations", "examples/attestations.json", "--waivers", "examples/waivers.json"]
AUDIT_FORMATS = {"text": "report.txt", "summary": "summary.txt", "json": "report.json", "csv": "report.csv",
                 "junit": "report.xml", "markdown": "report.md", "html": "report.html",
                 "prometheus": "report.prom", "openmetrics": "report.om", "asff": "report.asff.json",
                 "ocsf": "report.ocsf.json"}
PLAN_FORMATS = {"markdown": "runbook.md", "json": "runbook.json"}

# name: (arguments common to audit and plan, the audit's formats, extra audit arguments)
CASES = {
    "example": (EXAMPLE, AUDIT_FORMATS, []),
    "example-verbose": (EXAMPLE, {"text": "report.txt"}, ["--verbose"]),
    "example-direct": (EXAMPLE + ["--path", "direct"], {"json": "report.json", "text": "report.txt"}, []),
    "example-fail-on-blocker": (EXAMPLE + ["--fail-on", "blocker"], {"json": "report.json", "text": "report.txt"}, []),
    "example-plugin": (EXAMPLE + ["--plugin", "{plugins}/account_name_convention.so"],
                       {"json": "report.json", "text": "report.txt"}, []),
    "example-scoped": (EXAMPLE + ["--accounts", "418273645091,527381946503,741852963074"],
                       {"json": "report.json", "text": "report.txt"}, []),
    "test-org": (["--evidence", "tests/data/evidence/org.json"], AUDIT_FORMATS, []),
    "moto-org": (["--evidence", "tests/golden/bundles/moto-org.json", "--config", "tests/golden/bundles/moto-config.json"],
                 AUDIT_FORMATS, []),
}

# The run's duration, in every format that states it; nothing else is masked.
DURATION = [
    (re.compile(r'("duration_ms": )\d+'), r"\g<1>0"),
    (re.compile(r"(run took )\d+( ms)"), r"\g<1>0\g<2>"),
    (re.compile(r"(run took )[0-9.]+( s)"), r"\g<1>0\g<2>"),
    (re.compile(r"(orgpreflight_run_duration_seconds(?:\{[^}]*\})? )[0-9.e+-]+"), r"\g<1>0"),
    (re.compile(r'(<testsuites?\b[^>]*\btime=")[0-9.]+(")'), r"\g<1>0\g<2>"),
    (re.compile(r'("duration": )\d+'), r"\g<1>0"),
]


def normalize(data):
    text = data.decode("utf-8")
    for pattern, repl in DURATION:
        text = pattern.sub(repl, text)
    return text


def run(cli, args, tmp, outputs):
    cmd = [cli] + args + ["--now", NOW, "--quiet"]
    for fmt, name in outputs.items():
        cmd += ["--format", fmt, "-o", os.path.join(tmp, name)]
    r = subprocess.run(cmd, cwd=SOURCE_DIR, capture_output=True, timeout=300)
    if r.returncode not in (0, 1, 2):
        raise SystemExit("golden: %s exited %d: %s" % (" ".join(cmd), r.returncode, r.stderr.decode().strip()))
    return r.returncode


def produce(cli, plugins, name):
    common, formats, extra = CASES[name]
    common = [a.replace("{plugins}", plugins) for a in common]
    tmp = tempfile.mkdtemp(prefix="opf-golden-")
    files = {"exit-codes.txt": ""}
    rc_audit = run(cli, ["audit"] + common + extra, tmp, formats)
    rc_plan = run(cli, ["plan"] + common, tmp, PLAN_FORMATS)
    for fname in list(formats.values()) + list(PLAN_FORMATS.values()):
        with open(os.path.join(tmp, fname), "rb") as f:
            # the plugins' folder is the build's: the re-run commands name it
            files[fname] = normalize(f.read()).replace(plugins, "{plugins}")
        os.unlink(os.path.join(tmp, fname))
    os.rmdir(tmp)
    files["exit-codes.txt"] = "audit %d\nplan %d\n" % (rc_audit, rc_plan)
    return files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--case", action="append", choices=sorted(CASES))
    ap.add_argument("--update", action="store_true")
    a = ap.parse_args()
    failed = 0
    for name in a.case or sorted(CASES):
        got = produce(os.path.abspath(a.cli), os.path.abspath(a.plugins), name)
        folder = os.path.join(EXPECTED, name)
        if a.update:
            os.makedirs(folder, exist_ok=True)
            for old in os.listdir(folder):
                if old not in got:
                    os.unlink(os.path.join(folder, old))
            for fname, text in got.items():
                with open(os.path.join(folder, fname), "w", encoding="utf-8", newline="") as f:
                    f.write(text)
            print("golden: %s: %d files written" % (name, len(got)))
            continue
        present = set(os.listdir(folder)) if os.path.isdir(folder) else set()
        for fname in sorted(present - set(got)):
            print("golden: %s/%s: expected, but no longer produced" % (name, fname))
            failed += 1
        for fname, text in sorted(got.items()):
            path = os.path.join(folder, fname)
            if not os.path.exists(path):
                print("golden: %s/%s: produced, but not expected (run with --update to add it)" % (name, fname))
                failed += 1
                continue
            with open(path, encoding="utf-8", newline="") as f:
                want = f.read()
            if want != text:
                failed += 1
                diff = list(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                                 "expected/%s/%s" % (name, fname), "produced", n=2))
                print("golden: %s/%s differs (%d diff lines; first 40):" % (name, fname, len(diff)))
                sys.stdout.writelines(diff[:40])
    if failed:
        print("golden: %d outputs differ; if the change is intended, rerun with --update and commit the diff" % failed)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
