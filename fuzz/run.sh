#!/usr/bin/env bash
# Builds the libFuzzer targets (OPF_FUZZ=ON, clang) in build-fuzz and runs every target, one after the
# other, for its share of SECONDS_TOTAL (default 60) starting from its seeds (fuzz/corpus/TARGET) and the
# inputs of past findings (fuzz/regressions/TARGET). Fails when any target crashes, leaks, hits undefined
# behaviour, breaks an invariant or hangs; the offending input is kept under build-fuzz/fuzz/artifacts/.
#   fuzz/run.sh [SECONDS_TOTAL]      OPF_FUZZ_TARGETS="bundle sigv4" to run only some targets
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-60}
build=${OPF_FUZZ_BUILD_DIR:-build-fuzz}

cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DOPF_FUZZ=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzzers >/dev/null

if [ -n "${OPF_FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$OPF_FUZZ_TARGETS"
else
  targets=()
  for src in fuzz/fuzz_*.c; do
    name=${src#fuzz/fuzz_}
    targets+=("${name%.c}")
  done
fi
share=$(( total / ${#targets[@]} ))
[ "$share" -ge 1 ] || share=1

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for t in "${targets[@]}"; do
  work="$build/fuzz/work/$t" artifacts="$build/fuzz/artifacts/$t/" log="$build/fuzz/logs/$t.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  dirs=("$work" "fuzz/corpus/$t")   # new inputs go to the first directory, never into the source tree
  [ -d "fuzz/regressions/$t" ] && dirs+=("fuzz/regressions/$t")
  rc=0
  "$build/fuzz/fuzz_$t" -max_total_time="$share" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1 || true)
  printf '%-18s %4ss  execs %-9s %s  %s\n' "$t" "$share" "${execs:-?}" "${cov:-}" "$([ $rc = 0 ] && echo ok || echo FAILED)"
  if [ $rc != 0 ]; then
    failed+=("$t")
    grep -E 'ERROR: |runtime error|fuzz invariant|Test unit written|SUMMARY' "$log" | head -20 || true
    echo "  full log: $log"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing FAILED: ${failed[*]} (replay: $build/fuzz/fuzz_TARGET ARTIFACT)"
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets, no crash, leak or undefined behaviour"
