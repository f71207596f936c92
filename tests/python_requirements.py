"""Checks that this Python imports every module of tests/requirements.txt.

Prints the interpreter's path and exits 0 when it does; otherwise writes one line naming the first missing
module and how to install the requirements, and exits 1. CMake runs it on OPF_PYTHON at configure time,
scripts/test-python.sh on the python3 it tries.
"""
import importlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REQUIREMENTS = os.path.join(HERE, "requirements.txt")
VENV_PYTHON = os.path.join(os.path.dirname(HERE), ".venv", "bin", "python3")  # scripts/test-python.sh's


def modules(path):
    """(requirement, module) for every requirement line: the module is "# import: NAME" or the package name."""
    with open(path) as f:
        for line in f:
            req, _, comment = line.partition("#")
            req = req.strip()
            if not req:
                continue
            named = re.match(r"\s*import:\s*(\S+)", comment)
            yield req, named.group(1) if named else re.split(r"[\[<>=!~; ]", req)[0].replace("-", "_").lower()


def main():
    for req, module in modules(REQUIREMENTS):
        try:
            importlib.import_module(module)
        except Exception as e:  # an ImportError, or a broken install failing while it imports
            sys.stderr.write("%s cannot import %s (%s; tests/requirements.txt: %s): install the test requirements"
                             " with `bash scripts/test-python.sh`, then configure with -DOPF_PYTHON=%s\n"
                             % (sys.executable, module, e, req, VENV_PYTHON))
            return 1
    print(sys.executable)
    return 0


if __name__ == "__main__":
    sys.exit(main())
