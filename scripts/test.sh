#!/usr/bin/env bash
# THE test command: every test of mapsim, three ways.
#
#   1. plain build (build/): the whole suite (the differential test runs
#      MAPSIM_DIFF_SCRIPTS=2000 random op scripts against the live kernel);
#   2. ASan+UBSan build (build-asan/): the whole suite again;
#   3. ThreadSanitizer build (build-tsan/): the tests named *Stress* or *RealThread*.
#
# Every phase runs even when an earlier one failed, so one run shows everything. The last line is
# "N passed, N failed[, N skipped]" summed over the three runs; the exit status is non-zero when
# any build or test failed.
set -uo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
log_dir=$repo_root/out/test-logs
mkdir -p "$log_dir"

total_passed=0
total_failed=0
total_skipped=0
failed_steps=()
timings=()

# Adds the counts of a ctest log to the totals. ctest's summary line counts skipped tests among
# the passed ones ("N% tests passed, F tests failed out of T"); disabled tests are in neither.
count_ctest_log() {
  local log=$1 summary total failed skipped
  summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [[ -z "$summary" ]]; then
    return
  fi
  failed=$(sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/' <<<"$summary")
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$summary")
  skipped=$(grep -cE '^[[:space:]]+[0-9]+ - .* \(Skipped\)$' "$log" || true)
  total_failed=$((total_failed + failed))
  total_skipped=$((total_skipped + skipped))
  total_passed=$((total_passed + total - failed - skipped))
}

# run_step NAME COMMAND...: runs a step, records its wall time and whether it failed.
run_step() {
  local name=$1 started=$SECONDS status
  shift
  echo "==> $name"
  "$@"
  status=$?
  timings+=("$name: $((SECONDS - started)) s")
  if [[ $status -ne 0 ]]; then
    failed_steps+=("$name")
    echo "==> $name FAILED (exit $status)"
  fi
  return $status
}

# Runs a command with its output shown and saved to LOG; returns the command's status.
run_logged() {
  local log=$1
  shift
  "$@" 2>&1 | tee "$log"
  return "${PIPESTATUS[0]}"
}

# run_ctest NAME BUILD_DIR [LAUNCHER...] -- [CTEST ARGS...]: LAUNCHER is e.g. `env A=1`.
run_ctest() {
  local name=$1 build_dir=$2 log=$log_dir/$1.log status
  shift 2
  local launcher=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do launcher+=("$1"); shift; done
  shift
  run_step "$name" run_logged "$log" "${launcher[@]}" \
    ctest --test-dir "$build_dir" --output-on-failure -j2 --no-tests=ignore "$@"
  status=$?
  count_ctest_log "$log"
  return $status
}

# Test source files that hold Stress or RealThread tests: only these are built under TSan.
tsan_test_targets() {
  grep -lE 'Stress|RealThread' tests/*_test.cc 2>/dev/null | xargs -r -n1 basename | sed 's/\.cc$//'
}

sanitizer_options=(
  "ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1"
  "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
)
tsan_options=("TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1")

started_all=$SECONDS
run_step deps bash scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

if run_step build bash scripts/build.sh; then
  run_ctest test build env MAPSIM_DIFF_SCRIPTS=2000 --
  # The synthesised scenarios are what synthesis produces today (docs/synth.md): one check.
  if run_step regen-synth-check bash scripts/regen-synth.sh --check; then
    total_passed=$((total_passed + 1))
  else
    total_failed=$((total_failed + 1))
  fi
fi

# The sanitizer build compiles what its tests run (every test and the mapsim executable some of
# them drive), not the benchmarks: they are never run there, and skipping them saves CI minutes.
mapfile -t asan_targets < <(ls tests/*_test.cc | xargs -n1 basename | sed 's/\.cc$//')
# Under ASan the suite looks for memory errors, not for breadth, so tests that are about
# breadth do less there (CI's 30 minutes): the reference-model comparison runs 300 random
# scripts instead of 1500 (memory errors show on any script), and the mutation score, whose
# mutants are planted bugs that corrupt map state by design, is measured in the plain run only.
# So is its real-code test (every bundled scenario passing on its full budget): under ASan
# ScenarioRunExamplesTest already runs every one of those files, up to 2000 executions each.
if run_step build-asan bash scripts/build.sh --sanitize address -- mapsim "${asan_targets[@]}"; then
  run_ctest test-asan build-asan env "${sanitizer_options[@]}" MAPSIM_MODEL_SCRIPTS=300 -- \
    --exclude-regex '^MutationScoreTest\.(EveryMutantIsKilledWithASmallCounterexample|RealCodePassesEveryBundledScenario)$'
fi

mapfile -t tsan_targets < <(tsan_test_targets)
if [[ ${#tsan_targets[@]} -eq 0 ]]; then
  echo "==> test-tsan: no Stress or RealThread tests in tests/*_test.cc"
elif run_step build-tsan bash scripts/build.sh --sanitize thread -- "${tsan_targets[@]}"; then
  # TSan needs its fixed memory layout; without ASLR it works whatever vm.mmap_rnd_bits is.
  run_ctest test-tsan build-tsan setarch "$(uname -m)" -R env "${tsan_options[@]}" -- \
    -R 'Stress|RealThread' --exclude-regex '_NOT_BUILT$'
fi

echo
echo "Phase wall times:"
printf '  %s\n' "${timings[@]}" "total: $((SECONDS - started_all)) s"
if [[ ${#failed_steps[@]} -gt 0 ]]; then
  echo "Failed steps: ${failed_steps[*]}"
fi
summary="$total_passed passed, $total_failed failed"
if [[ $total_skipped -gt 0 ]]; then
  summary+=", $total_skipped skipped"
fi
echo "$summary"
if [[ ${#failed_steps[@]} -gt 0 || $total_failed -gt 0 ]]; then
  exit 1
fi
