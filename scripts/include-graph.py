#!/usr/bin/env python3
"""The dependency graph between the source files of src/, checks/ and include/, and its rules.

Two graphs are built from the sources alone:
  - includes: header -> header, from #include lines (resolved as the build does: the including file's folder,
    src/, the root, include/);
  - uses: X.c -> Y.c when X.c names a function or variable that Y.c defines (not static), which is what
    including a header of Y.c's buys.
It fails on a circle in either (a header including itself through others; two .c files each using the other,
directly or around a longer loop), and on a layering rule broken (src/core including a private header of
checks/; a public header in include/ including a private one; src/aws/client.h, the client's own state,
included outside src/aws), printing every one it finds.

Known circles that are being taken apart are listed, one per line with the reason after a '#', in
scripts/include-graph.allow as the files they may span (paths or shell patterns such as src/collect/*.c,
separated by spaces). A circle with a file outside every line fails, and so does a line that no circle needs
any more, so the list can only shrink.

Usage: scripts/include-graph.py [ROOT]   (exit 0: no circle beyond the allow-list, 1: otherwise)
"""
import fnmatch
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
ALLOW = os.path.join(ROOT, "scripts", "include-graph.allow")
TREES = ("src", "checks", "include")

# comments and literals blanked so that neither yields an include, a definition or a use
LEXEMES = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])+\'', re.S)
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]', re.M)
# at the start of a line, not static: `type name(params) {` or `type name[] = ` / `type name = `
FUNCTION = re.compile(r'^(?!static\b|typedef\b|extern\b|return\b|else\b)[A-Za-z_][\w \t*]*?\b(\w+)[ \t]*\([^;{)]*\)'
                      r'[^;{]*\{', re.M)
VARIABLE = re.compile(r'^(?!static\b|typedef\b|extern\b|return\b)[A-Za-z_][\w \t*]*?\b(\w+)[ \t]*(?:\[[^\]]*\])?'
                      r'[ \t]*=', re.M)
WORD = re.compile(r'\b[A-Za-z_]\w*\b')
TAG = re.compile(r'\b(?:struct|union|enum)\s+\w+')  # a tag is another namespace than the functions'



def sources():
    for tree in TREES:
        for folder, _, names in os.walk(os.path.join(ROOT, tree)):
            for name in sorted(names):
                if name.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(folder, name), ROOT)


def blank(text):
    """The text without comments, with string and character literals emptied; #include lines are kept."""
    kept = INCLUDE.findall(text)
    return LEXEMES.sub(lambda m: '""' if m.group(0).startswith('"') else " ", text), kept


def resolve(path, quote, name, files):
    folders = [os.path.dirname(path), "src", "", "include"] if quote == '"' else ["include"]
    for folder in folders:
        candidate = os.path.normpath(os.path.join(folder, name))
        if candidate in files:
            return candidate
    return None  # a system or third-party header


def circles(graph):
    """The strongly connected components with a loop (Tarjan), each as a sorted list."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def loop(graph, component):
    """One loop through the component, from its first file back to it, for the message."""
    members, start = set(component), component[0]
    paths, queue = {start: [start]}, [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph.get(v, ())):
            if w == start:
                return paths[v] + [start]
            if w in members and w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return component


def load_allow():
    allowed = []
    if not os.path.exists(ALLOW):
        return allowed
    with open(ALLOW) as f:
        for number, line in enumerate(f, 1):
            files, _, reason = line.partition("#")
            if files.strip():
                if not reason.strip():
                    sys.exit("%s:%d: a known circle needs its reason after '#'" % (ALLOW, number))
                allowed.append((files.split(), number))
    return allowed


def main():
    files = set(sources())
    includes, defines, words = {}, {}, {}
    for path in sorted(files):
        with open(os.path.join(ROOT, path), encoding="utf-8", errors="replace") as f:
            text, kept = blank(f.read())
        includes[path] = {r for q, n in kept if (r := resolve(path, q, n, files))}
        words[path] = set(WORD.findall(TAG.sub(" ", text)))
        if path.endswith(".c"):
            for name in FUNCTION.findall(text) + VARIABLE.findall(text):
                defines.setdefault(name, set()).add(path)

    problems = []
    for path in sorted(files):
        for header in sorted(includes[path]):
            if path.startswith("src/core/") and header.startswith("checks/"):
                problems.append("%s includes %s: src/core must not include a private header of checks/" %
                                (path, header))
            if not path.startswith("src/aws/") and header == "src/aws/client.h":
                problems.append("%s includes %s: outside src/aws, the client is reached through src/aws/aws.h "
                                "(collectors: src/aws/collector.h)" % (path, header))
            if path.startswith("include/") and not header.startswith("include/"):
                problems.append("%s includes %s: a public header includes only public headers" % (path, header))

    header_graph = {p: {h for h in includes[p] if h.endswith(".h")} for p in files if p.endswith(".h")}
    for component in circles(header_graph):
        problems.append("include circle: " + " -> ".join(loop(header_graph, component)))

    uses, why = {}, {}
    for path in sorted(p for p in files if p.endswith(".c")):
        for name in sorted(words[path]):
            for other in defines.get(name, ()):
                if other != path:
                    uses.setdefault(path, set()).add(other)
                    why.setdefault((path, other), name)
    allowed = load_allow()
    needed = set()
    for component in circles(uses):
        path = loop(uses, component)
        text = " -> ".join("%s (%s)" % (a, why[(a, b)]) for a, b in zip(path, path[1:])) + " -> " + path[-1]
        known = [n for patterns, n in allowed if all(any(fnmatch.fnmatch(f, p) for p in patterns) for f in component)]
        if known:
            needed.add(known[0])
            print("known circle (%s:%d): %s" % (os.path.relpath(ALLOW, ROOT), known[0], text))
        else:
            problems.append("circle between files: %s\n  all files of this circle: %s" % (text, " ".join(component)))
    for patterns, number in allowed:
        if number not in needed:
            problems.append("%s:%d: no circle among %s any more: remove the line" %
                            (os.path.relpath(ALLOW, ROOT), number, " ".join(patterns)))

    for p in problems:
        print(p)
    print("%d files, %d include edges, %d use edges: %s" % (
        len(files), sum(len(v) for v in includes.values()), sum(len(v) for v in uses.values()),
        "%d problem(s)" % len(problems) if problems else "no circle beyond the known ones"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
