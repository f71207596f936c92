#!/usr/bin/env bash
# Prints the path of a python3 that imports every module of tests/requirements.txt: the python3 on PATH
# when it does (nothing is installed), else the virtual environment OPF_VENV (default .venv) with the
# requirements installed by pip. When they cannot be installed, says why in one line and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
check=tests/python_requirements.py
venv=${OPF_VENV:-$PWD/.venv}

command -v python3 >/dev/null || { echo "python3 is not installed (Debian package python3)" >&2; exit 1; }
python3 "$check" 2>/dev/null && exit 0
[ -x "$venv/bin/python3" ] && "$venv/bin/python3" "$check" 2>/dev/null && exit 0

if ! out=$(python3 -m venv "$venv" 2>&1); then
  echo "cannot create the virtual environment $venv (Debian package python3-venv): $(tail -n1 <<<"$out")" >&2
  exit 1
fi
log=$venv/pip.log
if ! "$venv/bin/python3" -m pip install --disable-pip-version-check -r tests/requirements.txt >"$log" 2>&1; then
  why=$(grep '^ERROR:' "$log" | tail -n1 | sed 's/^ERROR: //')
  grep -q 'NewConnectionError\|Network is unreachable' "$log" && why="$why; the package index is unreachable"
  echo "cannot install tests/requirements.txt into $venv: ${why:-pip failed} (pip's log: $log)" >&2
  exit 1
fi
"$venv/bin/python3" "$check"
