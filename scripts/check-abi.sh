#!/usr/bin/env bash
# The ABI check: the symbols the built shared library exports (nm -D --defined-only) must be exactly the
# committed list of the public API. A change in either fails with the difference; when the change is
# intended (a function added to or removed from include/orgpreflight/ with OPF_API), update the list with
#   nm -D --defined-only LIB | awk '{print $3}' | sort > include/orgpreflight/liborgpreflight.symbols
# Usage: scripts/check-abi.sh LIB SYMBOLS
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 LIB SYMBOLS" >&2
  exit 64
fi
lib=$1
list=$2
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | LC_ALL=C sort)
if ! diff=$(diff -u --label "$list (committed)" --label "$lib (built)" "$list" <(printf '%s\n' "$exported")); then
  printf '%s\n' "$diff"
  echo "$lib: the exported symbols differ from $list (+ exported, not listed; - listed, not exported)" >&2
  exit 1
fi
echo "$lib: exports exactly the $(wc -l <"$list") symbols of $list"
