#!/usr/bin/env bash
# The whole test suite: builds with warnings as errors and runs every unit and integration test; then builds
# again with AddressSanitizer + UndefinedBehaviorSanitizer and runs the suite once more (the slow
# least-privilege sweep excepted: it exercises IAM policies, not new code paths).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${OPF_BUILD_DIR:-build}
cmake -S . -B "$build" -DOPF_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j2

if [ "${OPF_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== the same suite under AddressSanitizer + UndefinedBehaviorSanitizer"
  cmake -S . -B "$build-sanitize" -DOPF_WERROR=ON -DOPF_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build "$build-sanitize" -j"$(nproc)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$build-sanitize" --output-on-failure -j2 -E 'least_privilege|install_package'
fi
