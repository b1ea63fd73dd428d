#!/usr/bin/env bash
# Regenerates scenarios/synth/: one synthesised scenario per node of the common and the per-CPU
# LRU flowcharts (`mapsim synth`, docs/synth.md). Nodes without a scenario are listed at the end
# with the reason mapsim gave; a solver timeout is reported as a timeout.
#
#   bash scripts/regen-synth.sh            rewrite scenarios/synth/{common,percpu}/<node>.yaml
#   bash scripts/regen-synth.sh --check    regenerate into a temporary folder and compare with
#                                          the checked-in files, comment lines aside (exit 1
#                                          on any other difference)
#
# Synthesis is deterministic (Z3 and DPOR), so --check is an exact comparison of everything but
# the opening comments (whose "in execution N" follows the simulator's exploration order and
# could change with an unrelated simulator change). Options for every
# node: 2 CPUs, at most 5 operations, 600 s of solver time (wall clock: generous, so that a
# loaded machine does not turn a 5 s solve into a timeout; a timeout is reported, never hidden).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
check=0
if [[ "${1:-}" == "--check" ]]; then check=1; fi

bash scripts/build.sh -- mapsim > /dev/null
mapsim=$repo_root/build/cli/mapsim
destination=scenarios/synth
if [[ $check -eq 1 ]]; then destination=$(mktemp -d); fi

start=$(date +%s)
# One `mapsim synth` per node, two at a time (the machine's two cores); each leaves its last
# stderr line in $results/<lru>.<node> prefixed with its exit status.
results=$(mktemp -d)
synthesise() {
  local lru=$1 node=$2 status=0 log
  log=$("$mapsim" synth --target "$node" --lru "$lru" --cpus 2 --max-steps 5 --timeout 600 \
        -o "$destination/$lru/$node.yaml" 2>&1) || status=$?
  [[ $status -eq 0 ]] || rm -f "$destination/$lru/$node.yaml"
  echo "$status $(echo "$log" | tail -n 1)" > "$results/$lru.$node"
  echo "$log" | tail -n 1
}
export -f synthesise
export mapsim destination results
for lru in common percpu; do
  mkdir -p "$destination/$lru"
  "$mapsim" synth --list --lru "$lru" | sed "s/^/$lru /"
done | xargs -P 2 -n 2 bash -c 'synthesise "$0" "$1"'

found=0
missing=()
for result in "$results"/*; do
  read -r status line < "$result"
  if [[ $status -eq 0 ]]; then
    found=$((found + 1))
  else
    missing+=("$(basename "$result") (exit $status): $line")
  fi
done
rm -rf "$results"
echo "regen-synth: $found scenarios in $(( $(date +%s) - start )) s"
for line in "${missing[@]}"; do echo "regen-synth: no scenario: $line"; done

if [[ $check -eq 1 ]]; then
  # Comment lines (timings aside, they name the DPOR execution that showed the node) may change
  # with the simulator's exploration order; the scenarios themselves may not.
  if diff -r -I '^#' "$destination" scenarios/synth > /dev/null; then
    echo "regen-synth: the checked-in scenarios are what synthesis produces"
    rm -rf "$destination"
  else
    diff -r -I '^#' "$destination" scenarios/synth | head -40
    echo "regen-synth: scenarios/synth differs from a fresh synthesis (left in $destination)" >&2
    exit 1
  fi
fi
