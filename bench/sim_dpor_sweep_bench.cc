// DPOR against brute force over many generated programs (Google Benchmark; a measurement, not
// a timed test). tests/sim_dpor_test.cc checks a few dozen programs on every run; this sweeps
// hundreds of seeds and shapes and reports what the docs quote:
//
//   programs:        programs compared (brute force finished within its cap)
//   skipped:         programs whose brute force hit the cap (not compared)
//   missed_traces:   traces brute force reached and DPOR did not (must be 0)
//   missed_failing:  failing traces DPOR missed (must be 0)
//   extra_traces:    traces DPOR reached and brute force did not (must be 0)
//   inconsistent:    traces whose equivalent executions showed different values (must be 0)
//   optimal:         programs where DPOR ran exactly one execution per trace
//   not_optimal_without_nested: of the others, those without a nested program
//   worst_ratio:     the largest DPOR executions per trace (1.0 is optimal)
//
// Shapes (seed s): 2 or 3 CPUs, 2-3 steps each over 2 cells; with spin-locked increments when
// s % 2, with allocations (one injected failure) when s % 3 == 0, and the last list nested on
// CPU 0 when s % 5 == 0.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "sim/testing/cell_programs.h"
#include "sim/testing/dpor_check.h"

namespace mapsim::sim {
namespace {

constexpr uint64_t kBruteForceCap = 200'000;

void BM_DporSweep(benchmark::State& state) {
  const uint64_t seeds = static_cast<uint64_t>(state.range(0));
  uint64_t programs = 0, skipped = 0, optimal = 0, not_optimal_without_nested = 0;
  uint64_t missed_traces = 0, missed_failing = 0, extra_traces = 0, inconsistent = 0;
  double worst_ratio = 0;
  for (auto _ : state) {
    for (uint64_t seed = 1; seed <= seeds; ++seed) {
      const int cpus = 2 + static_cast<int>(seed % 2);
      const int steps = cpus == 2 ? 3 : 2;
      const bool locks = seed % 2 == 1;
      const bool allocations = seed % 3 == 0;
      const bool nested = seed % 5 == 0;
      const testing::CellProgram program =
          testing::random_cell_program(seed, cpus, steps, 2, locks, allocations);
      const Scenario scenario = testing::cell_program_scenario(
          "sweep-" + std::to_string(seed), program, 2, true, nested ? 0 : -1);
      const testing::DporComparison compared = testing::compare_dpor_with_brute_force(
          scenario, allocations ? 1 : 0, kBruteForceCap);
      if (!compared.brute_force.exhausted || !compared.dpor.exhausted) {
        ++skipped;
        continue;
      }
      ++programs;
      missed_traces += compared.missed_traces;
      missed_failing += compared.missed_failing;
      extra_traces += compared.extra_traces;
      inconsistent +=
          compared.brute_force.inconsistent.size() + compared.dpor.inconsistent.size();
      optimal += compared.ratio() == 1.0 ? 1 : 0;
      not_optimal_without_nested += compared.ratio() != 1.0 && !nested ? 1 : 0;
      if (compared.missed_traces + compared.missed_failing + compared.extra_traces > 0) {
        std::fprintf(stderr, "DPOR differs from brute force on\n%s",
                     testing::describe(program).c_str());
      }
      worst_ratio = std::max(worst_ratio, compared.ratio());
    }
  }
  state.counters["programs"] = static_cast<double>(programs);
  state.counters["skipped"] = static_cast<double>(skipped);
  state.counters["missed_traces"] = static_cast<double>(missed_traces);
  state.counters["missed_failing"] = static_cast<double>(missed_failing);
  state.counters["extra_traces"] = static_cast<double>(extra_traces);
  state.counters["inconsistent"] = static_cast<double>(inconsistent);
  state.counters["optimal"] = static_cast<double>(optimal);
  state.counters["not_optimal_without_nested"] = static_cast<double>(not_optimal_without_nested);
  state.counters["worst_ratio"] = worst_ratio;
  if (missed_traces + missed_failing + extra_traces + inconsistent > 0) {
    state.SkipWithError("DPOR and brute force disagree");
  }
}
BENCHMARK(BM_DporSweep)->Arg(400)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
}  // namespace mapsim::sim
