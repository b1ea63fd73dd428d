#!/usr/bin/env bash
# Builds and runs the map benchmarks (bench/hash_map_bench) and writes the tables of
# docs/benchmarks.md to out/bench/hash_map.md (raw results: out/bench/hash_map.json).
# Extra arguments go to the benchmark program (e.g. --benchmark_filter=lookup_hit).
# MAPSIM_BUILD_DIR chooses the build directory (default build/).
# Run it on a quiet machine: other work on the CPUs shows up in the wall-time figures.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

bash scripts/install-deps.sh
build_dir=${MAPSIM_BUILD_DIR:-build}
bash scripts/build.sh --build-dir "$build_dir" -- hash_map_bench
mkdir -p out/bench
"$build_dir"/bench/hash_map_bench \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.2 \
  --benchmark_out=out/bench/hash_map.json --benchmark_out_format=json "$@"
{
  echo "### CPU time per operation"
  echo
  python3 scripts/bench_table.py out/bench/hash_map.json
  echo
  echo "### Wall time per operation per thread"
  echo
  python3 scripts/bench_table.py --wall out/bench/hash_map.json
} > out/bench/hash_map.md
echo "bench.sh: tables in out/bench/hash_map.md"
