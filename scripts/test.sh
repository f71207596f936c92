#!/usr/bin/env bash
# The whole test suite: builds with warnings as errors, then runs every unit and integration test.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${OPF_BUILD_DIR:-build}
cmake -S . -B "$build" -DOPF_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j2
