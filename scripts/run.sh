#!/usr/bin/env bash
# THE main job: installs dependencies, builds `mapsim`, then runs the bundled default job.
#
# First the bundled scenario suite: `mapsim run scenarios/ --out out/` explores and checks every
# scenario file (*.yaml) under scenarios/, prints a summary, and writes out/report.json,
# out/junit.xml and a trace per failure in out/traces/ (docs/cli.md); then every regression
# trace in scenarios/regressions/*.json is replayed (`mapsim replay`), and must reproduce.
#
# Then the op scripts: every op script in scenarios/scripts/*.jsonl runs on mapsim's simulated
# maps (`mapsim exec`), printing each script's name and its output, and saving the output to
# out/scripts/<name>.out. A script runs with the CPU count it is written for: its
# "# possible-cpus: N" header line, else 2 (scenarios/scripts/README.md). Where the kernel's
# answer is recorded (scenarios/scripts/expected/<name>.jsonl), the script's line says whether
# mapsim printed exactly that. Exit status: non-zero when a scenario failed (mapsim run's status:
# 1 findings, 2 bad input, 3 internal error), a regression trace did not reproduce, a script
# produced an "error" line (an input problem) or mapsim failed.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

bash scripts/install-deps.sh
bash scripts/build.sh -- mapsim
mapsim=$repo_root/build/cli/mapsim
if [[ ! -x "$mapsim" ]]; then
  echo "run.sh: $mapsim was not built" >&2
  exit 1
fi

shopt -s nullglob
suite_status=0
echo "=== mapsim run scenarios/ --out out/"
"$mapsim" run scenarios/ --out out/ || suite_status=$?
regressions=(scenarios/regressions/*.json)
regression_failures=0
for trace in "${regressions[@]}"; do
  echo "=== mapsim replay $trace"
  if ! "$mapsim" replay "$trace"; then
    regression_failures=$((regression_failures + 1))
  fi
done

scripts=(scenarios/scripts/*.jsonl)
if [[ ${#scripts[@]} -eq 0 ]]; then
  echo "run.sh: no op scripts in scenarios/scripts/" >&2
  exit 1
fi

# The CPU count a script declares in its leading comment lines, else the scripts' default.
script_cpus() {
  local line
  while IFS= read -r line && [[ "$line" == "#"* ]]; do
    if [[ "$line" =~ ^#\ possible-cpus:\ ([0-9]+) ]]; then
      echo "${BASH_REMATCH[1]}"
      return
    fi
  done < "$1"
  echo 2
}

mkdir -p out/scripts
failures=0
for script in "${scripts[@]}"; do
  name=$(basename "$script" .jsonl)
  output=out/scripts/$name.out
  cpus=$(script_cpus "$script")
  expected=scenarios/scripts/expected/$name.jsonl
  verdict=""
  status=0
  "$mapsim" exec --possible-cpus "$cpus" "$script" > "$output" || status=$?
  if [[ -f "$expected" ]]; then
    if cmp -s "$output" "$expected"; then
      verdict=" (same output as the kernel's, recorded in $expected)"
    else
      verdict=" (DIFFERS from the kernel's output recorded in $expected)"
    fi
  fi
  echo "=== $script, $cpus possible CPUs$verdict"
  cat "$output"
  # An output line with an "error" member is an input problem, never a map result.
  if grep -q '"error"' "$output"; then
    echo "run.sh: $script produced error lines" >&2
    failures=$((failures + 1))
  elif [[ $status -ne 0 ]]; then
    echo "run.sh: mapsim exec $script exited with $status" >&2
    failures=$((failures + 1))
  fi
done

echo "run.sh: scenario suite exit status $suite_status (report: out/report.json," \
  "out/junit.xml); ${#regressions[@]} regression traces, $regression_failures not reproduced;" \
  "${#scripts[@]} scripts, $failures with errors (outputs in out/scripts/)"
[[ $suite_status -eq 0 && $regression_failures -eq 0 && $failures -eq 0 ]]
