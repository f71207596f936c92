#!/usr/bin/env bash
# The whole test suite: finds a python3 with tests/requirements.txt or installs them into .venv
# (scripts/test-python.sh; OPF_PYTHON=PATH names one instead), builds with warnings as errors and the tests
# on, and runs every unit and integration test; then builds again with AddressSanitizer +
# UndefinedBehaviorSanitizer and runs the suite once more (except the slow least-privilege sweep, which
# exercises IAM policies, not new code paths, and the install and Python-requirement tests, which exercise
# packaging and configuring, not the code); then runs the CLI of a few integration tests under valgrind
# memcheck (OPF_SKIP_MEMCHECK=1 skips it), runs the live collection against moto with the CLI built with
# ThreadSanitizer (OPF_SKIP_TSAN=1 skips it) and fuzzes every parser for OPF_FUZZ_SECONDS in all (default 60;
# OPF_SKIP_FUZZ=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${OPF_BUILD_DIR:-build}
python=${OPF_PYTHON:-}
[ -n "$python" ] || python=$(bash scripts/test-python.sh)
cmake -S . -B "$build" -DBUILD_TESTING=ON -DOPF_PYTHON="$python" -DOPF_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j2

if [ "${OPF_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== the same suite under AddressSanitizer + UndefinedBehaviorSanitizer"
  cmake -S . -B "$build-sanitize" -DBUILD_TESTING=ON -DOPF_PYTHON="$python" -DOPF_WERROR=ON -DOPF_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build "$build-sanitize" -j"$(nproc)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$build-sanitize" --output-on-failure -j2 -E 'least_privilege|install_package|python_requirements'
fi

if [ "${OPF_SKIP_MEMCHECK:-0}" != 1 ]; then
  # The offline and the live audit paths (curl's event loop, c-ares, the collectors' threads) with the
  # CLI under valgrind: any memory error or definite/indirect leak exits 99, which fails the test.
  echo "== the CLI under valgrind memcheck: offline and live audits"
  OPF_CLI_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
--errors-for-leak-kinds=definite,indirect --child-silent-after-fork=yes" \
    ctest --test-dir "$build" --output-on-failure -j2 -R "${OPF_MEMCHECK_TESTS:-integration/(test_cli_audit|test_live_audit)\$}"
fi

if [ "${OPF_SKIP_TSAN:-0}" != 1 ]; then
  # The collector's worker threads (one per account in flight) and the AWS client's event-loop thread, in a
  # live collection against moto, with the CLI built with ThreadSanitizer: a data race or a lock-order
  # inversion exits 66, which fails the test (scripts/tsan.supp: what is reported and is not one).
  echo "== the live collection under ThreadSanitizer"
  cmake -S . -B "$build-tsan" -DBUILD_TESTING=ON -DOPF_PYTHON="$python" -DOPF_WERROR=ON -DOPF_TSAN=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build-tsan" -j"$(nproc)" --target orgpreflight-cli
  TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan.supp" \
    ctest --test-dir "$build-tsan" --output-on-failure -R "${OPF_TSAN_TESTS:-integration/test_live_audit\$}"
fi

if [ "${OPF_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzzing every parser (libFuzzer, ASan + UBSan) for ${OPF_FUZZ_SECONDS:-60} s in all"
  OPF_FUZZ_BUILD_DIR="$build-fuzz" bash fuzz/run.sh "${OPF_FUZZ_SECONDS:-60}"
fi
