// The cost of checking the map invariants after every simulator step (Google Benchmark; never
// timed tests).
//
//   BM_StepCheck/<scenario>/checked:<0|1>: random walks (1000 executions per iteration) over a
//     map scenario (sim/testing/map_scenarios.h) without (0) and with (1) the step check of
//     model/invariants/check_map.h (sim/testing/map_step_check.h). Counters: steps/s and
//     ns/step; the overhead of the check per step is the difference of ns/step, the ratio of
//     the two steps/s is the slowdown. Scenarios: 0 "hash 2 cpus x 3 ops" (HASH, 4 entries),
//     1 "lru 3 cpus" (LRU_HASH common lists, 4 entries), 2 "lru 3 cpus (per-cpu lists)",
//     3 "hash no_prealloc" (3 CPUs, nested program).
#include <benchmark/benchmark.h>

#include "sim/explorer.h"
#include "sim/strategy/random_walk.h"
#include "sim/testing/map_scenarios.h"

namespace mapsim::sim {
namespace {

constexpr uint64_t kBatch = 1000;

testing::MapScenarioConfig scenario_config(int which) {
  switch (which) {
    case 0: return testing::hash_two_cpus();
    case 1: return testing::lru_three_cpus(false);
    case 2: return testing::lru_three_cpus(true);
    default: return testing::map_scenarios_for_invariants()[1];  // hash no_prealloc
  }
}

void BM_StepCheck(benchmark::State& state) {
  testing::MapScenarioConfig config = scenario_config(static_cast<int>(state.range(0)));
  config.check_every_step = state.range(1) != 0;
  ExplorerOptions options;
  options.max_executions = kBatch;
  Explorer explorer(testing::map_scenario(config), options);
  uint64_t steps = 0;
  uint64_t seed = 0;
  for (auto _ : state) {
    RandomWalkOptions random_options;
    random_options.seed = ++seed;  // the same seeds with and without the check
    RandomWalkStrategy random(random_options);
    const ExploreReport report = explorer.explore(random);
    if (!report.ok()) state.SkipWithError("a simulated execution failed");
    steps += report.steps;
  }
  state.counters["steps/s"] =
      benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
  state.counters["ns/step"] = benchmark::Counter(
      static_cast<double>(steps) * 1e-9,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_StepCheck)
    ->ArgNames({"scenario", "checked"})
    ->ArgsProduct({{0, 1, 2, 3}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mapsim::sim
