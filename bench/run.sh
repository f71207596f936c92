#!/usr/bin/env bash
# The benchmark from one command: bench/run.sh [bench/run.py options]; see bench/README.md.
exec python3 "$(dirname "$0")/run.py" "$@"
