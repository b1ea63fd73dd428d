// The cost of the scenario runner's per-step invariant check (scenarios/run/map_invariants.h)
// on bundled scenario files (Google Benchmark; never timed tests).
//
//   BM_ScenarioStepCheck/<file>/checked:<0|1>: run_scenario() of one bundled file as the file
//     says (strategy, seed, budget), with the map invariants off (0: `checks: {invariants:
//     false}`, neither after every step nor at the end) and on (1: the default, after every
//     visible step and at the end). Counters: steps/s and ns/step over all executions; the
//     ratio of the two ns/step is the slowdown the check costs. Files: 0 lru_steal_race (LRU,
//     3 CPUs, random walk, 2,000 executions), 1 hash_replace_same_bucket (HASH, DPOR, every
//     interleaving), 2 lru_delete_pending_elsewhere (LRU, DPOR), 3 devmap_hash_walk (DEVMAP_HASH,
//     DPOR), 4 nomem_fault (NO_PREALLOC HASH with allocation failures, random walk).
#include <benchmark/benchmark.h>

#include <string>

#include "scenarios/run/scenario_run.h"
#include "scenarios/scenario_yaml.h"

namespace mapsim::scenario {
namespace {

const char* const kFiles[] = {
    "scenarios/suite/lru_steal_race.yaml",
    "scenarios/suite/hash_replace_same_bucket.yaml",
    "scenarios/suite/lru_delete_pending_elsewhere.yaml",
    "scenarios/suite/devmap_hash_walk.yaml",
    "scenarios/examples/nomem_fault.yaml",
};

void BM_ScenarioStepCheck(benchmark::State& state) {
  const std::string path = std::string(MAPSIM_SOURCE_DIR) + "/" + kFiles[state.range(0)];
  const ScenarioParse parsed = load_scenario_file(path);
  if (!parsed.ok()) {
    state.SkipWithError((path + ": " + parsed.errors.front()).c_str());
    return;
  }
  ScenarioSpec spec = parsed.spec;
  spec.checks.invariants = state.range(1) != 0;
  uint64_t steps = 0;
  for (auto _ : state) {
    const ScenarioResult result = run_scenario(spec);
    if (!result.ok()) state.SkipWithError("the bundled scenario did not pass");
    steps += result.steps;
  }
  state.SetLabel(spec.name);
  state.counters["steps/s"] =
      benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
  state.counters["ns/step"] = benchmark::Counter(
      static_cast<double>(steps) * 1e-9,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ScenarioStepCheck)
    ->ArgNames({"file", "checked"})
    ->ArgsProduct({{0, 1, 2, 3, 4}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mapsim::scenario
