#!/usr/bin/env python3
"""No source file of src/ or checks/ (.c, .h) is over LIMIT lines: a file that grows past it holds more than one
concern and is split by concern.

Files that are being split are listed in scripts/file-size.allow, one path per line with the reason after a '#'.
A file over the limit that no line names fails, and so does a line whose file is no longer over it (or no longer
exists), so the list can only shrink.

Usage: scripts/file-size.py [ROOT]   (exit 0: every file within the limit or listed, 1: otherwise)
"""
import os
import sys

LIMIT = 600
ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
ALLOW = os.path.join(ROOT, "scripts", "file-size.allow")
TREES = ("src", "checks")


def sizes():
    """Each source file of the trees, relative to ROOT, with its number of lines."""
    for tree in TREES:
        for folder, _, names in os.walk(os.path.join(ROOT, tree)):
            for name in sorted(names):
                if name.endswith((".c", ".h")):
                    path = os.path.join(folder, name)
                    with open(path, encoding="utf-8", errors="replace") as f:
                        yield os.path.relpath(path, ROOT), sum(1 for _ in f)


def load_allow():
    """{path: line number} of the allow-list; a line without its reason stops the check."""
    allowed = {}
    with open(ALLOW) as f:
        for number, line in enumerate(f, 1):
            path, _, reason = line.partition("#")
            if not path.strip():
                continue
            if not reason.strip() or len(path.split()) != 1:
                sys.exit("%s:%d: one path, then its reason after '#'" % (os.path.relpath(ALLOW, ROOT), number))
            allowed[path.strip()] = number
    return allowed


def main():
    allowed = load_allow()
    found = dict(sizes())
    problems = []
    for path, lines in sorted(found.items()):
        if lines > LIMIT and path not in allowed:
            problems.append("%s: %d lines, over the limit of %d: split it by concern" % (path, lines, LIMIT))
        elif lines > LIMIT:
            print("known (%s:%d): %s: %d lines" % (os.path.relpath(ALLOW, ROOT), allowed[path], path, lines))
    for path, number in sorted(allowed.items(), key=lambda item: item[1]):
        if found.get(path, 0) <= LIMIT:
            problems.append("%s:%d: %s is %s: remove the line" % (
                os.path.relpath(ALLOW, ROOT), number, path,
                "%d lines, within the limit" % found[path] if path in found else "gone"))
    for p in problems:
        print(p)
    print("%d files: %s" % (len(found), "%d problem(s)" % len(problems) if problems else
                            "none over %d lines beyond the known ones" % LIMIT))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
