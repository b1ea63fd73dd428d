// Simulator throughput (Google Benchmark; never timed tests).
//
//   BM_SimRandomWalk/hash:   random walk over "hash 2 cpus x 3 ops" (the real HASH map on
//                            SimPlatform): steps/s and executions/s. Target on one core:
//                            >= 5M steps/s and >= 50k executions/s.
//   BM_SimRandomWalk/lru:    the same for "lru 3 cpus" (real LRU_HASH, common lists).
//   BM_SimRandomWalk/cells:  2 CPUs x 64 racy stores: the bare cost of a scheduling point.
//   BM_SimDpor/<n>:          one exhaustive DPOR exploration per iteration (the label names the
//                            scenario): "hash 2 cpus x 3 ops", "lru 2 cpus", lastzero(5), where
//                            the naive count stops at its cap, and lastzero(3) and
//                            indexer(3,2,6), counted in full:
//                            executions/s, and the counters dpor_executions vs
//                            naive_interleavings (brute-force DFS, capped at 2M) and their
//                            ratio naive_per_dpor show the reduction.
//   rss_growth_kb:           resident memory growth over the whole benchmark: it must not grow
//                            with the number of executions explored.
//   BM_SimMemory/<s>/<n>:    n executions in one go (s = 0: random walk over "hash 2 cpus x 3
//                            ops"; s = 1: DPOR over "lru 3 cpus", which it cannot exhaust), run
//                            smallest n first in one process: max_rss_kb (the process's peak,
//                            getrusage) must not grow with n.
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "sim/explorer.h"
#include "sim/strategy/bounded_dfs.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/random_walk.h"
#include "sim/testing/cell_programs.h"
#include "sim/testing/map_scenarios.h"

namespace mapsim::sim {
namespace {

long max_resident_kb() {
  struct rusage usage {};
  return getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_maxrss : 0;
}

long resident_kb() {
  long pages_total = 0;
  long pages_resident = 0;
  FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  if (std::fscanf(statm, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
  std::fclose(statm);
  return pages_resident * 4;
}


// The simulator's own cost: the map scenarios run without their after-every-step invariant
// check (bench/sim_invariants_bench.cc measures that check).
Scenario unchecked(testing::MapScenarioConfig config) {
  config.check_every_step = false;
  return testing::map_scenario(config);
}

Scenario random_walk_scenario(int which) {
  switch (which) {
    case 0: return unchecked(testing::hash_two_cpus());
    case 1: return unchecked(testing::lru_three_cpus());
    default: return testing::independent_stores_scenario(2, 64);
  }
}

// 0-2: the naive count hits its cap (a map operation is about 14 steps, so even one update per
// CPU has C(28, 14) interleavings); 3-4: small enough to count every interleaving.
Scenario dpor_scenario(int which) {
  switch (which) {
    case 0: return unchecked(testing::hash_two_cpus());
    case 1: return unchecked(testing::lru_two_cpus());
    case 2: return testing::lastzero_scenario(5);
    case 3: return testing::lastzero_scenario(3);
    default: return testing::indexer_scenario(3, 2, 6);
  }
}

// Executions per iteration of BM_SimRandomWalk: enough to amortise the explorer setup.
constexpr uint64_t kBatch = 1000;

void BM_SimRandomWalk(benchmark::State& state) {
  ExplorerOptions options;
  options.max_executions = kBatch;
  Explorer explorer(random_walk_scenario(static_cast<int>(state.range(0))), options);
  uint64_t steps = 0;
  uint64_t executions = 0;
  uint64_t seed = 0;
  const long rss_before = resident_kb();
  for (auto _ : state) {
    RandomWalkOptions random_options;
    random_options.seed = ++seed;
    RandomWalkStrategy random(random_options);
    const ExploreReport report = explorer.explore(random);
    if (!report.ok()) state.SkipWithError("a simulated execution failed");
    steps += report.steps;
    executions += report.executions;
  }
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(steps),
                                                 benchmark::Counter::kIsRate);
  state.counters["executions/s"] = benchmark::Counter(static_cast<double>(executions),
                                                      benchmark::Counter::kIsRate);
  state.counters["steps/execution"] =
      static_cast<double>(steps) / static_cast<double>(executions == 0 ? 1 : executions);
  state.counters["rss_growth_kb"] = static_cast<double>(resident_kb() - rss_before);
}
BENCHMARK(BM_SimRandomWalk)->ArgName("hash0_lru1_cells2")->Arg(0)->Arg(1)->Arg(2);

uint64_t naive_interleavings(const Scenario& scenario, bool* capped) {
  ExplorerOptions options;
  options.max_executions = 2'000'000;
  Explorer explorer(scenario, options);
  BoundedDfsOptions dfs_options;
  dfs_options.first_bound = BoundedDfsOptions::kUnbounded;
  BoundedDfsStrategy dfs(dfs_options);
  const ExploreReport report = explorer.explore(dfs);
  *capped = !report.exhausted;
  return report.executions;
}

void BM_SimDpor(benchmark::State& state) {
  const Scenario scenario = dpor_scenario(static_cast<int>(state.range(0)));
  Explorer explorer(scenario);
  uint64_t executions = 0;
  uint64_t per_exploration = 0;
  for (auto _ : state) {
    DporStrategy dpor(DporOptions{});
    const ExploreReport report = explorer.explore(dpor);
    if (!report.ok() || !report.exhausted) state.SkipWithError("DPOR did not finish cleanly");
    executions += report.executions;
    per_exploration = report.executions;
  }
  bool capped = false;
  state.counters["executions/s"] = benchmark::Counter(static_cast<double>(executions),
                                                      benchmark::Counter::kIsRate);
  state.counters["dpor_executions"] = static_cast<double>(per_exploration);
  const uint64_t naive = naive_interleavings(scenario, &capped);
  state.counters["naive_interleavings"] = static_cast<double>(naive);
  state.counters["naive_capped"] = capped ? 1 : 0;
  state.counters["naive_per_dpor"] =
      static_cast<double>(naive) / static_cast<double>(per_exploration == 0 ? 1 : per_exploration);
  state.SetLabel(scenario.name);
}
BENCHMARK(BM_SimDpor)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);

void BM_SimMemory(benchmark::State& state) {
  const bool dpor = state.range(0) == 1;
  const uint64_t executions = static_cast<uint64_t>(state.range(1));
  ExplorerOptions options;
  options.max_executions = executions;
  Explorer explorer(unchecked(dpor ? testing::lru_three_cpus() : testing::hash_two_cpus()),
                    options);
  uint64_t explored = 0;
  for (auto _ : state) {
    std::unique_ptr<Strategy> strategy;
    if (dpor) {
      strategy = std::make_unique<DporStrategy>(DporOptions{});
    } else {
      strategy = std::make_unique<RandomWalkStrategy>(RandomWalkOptions{});
    }
    const ExploreReport report = explorer.explore(*strategy);
    if (!report.ok()) state.SkipWithError("a simulated execution failed");
    explored += report.executions;
  }
  state.counters["executions"] = static_cast<double>(explored);
  state.counters["max_rss_kb"] = static_cast<double>(max_resident_kb());
  state.counters["rss_kb"] = static_cast<double>(resident_kb());
}
BENCHMARK(BM_SimMemory)
    ->ArgNames({"dpor", "executions"})
    ->Args({0, 10'000})
    ->Args({0, 300'000})
    ->Args({1, 2'000})
    ->Args({1, 20'000})
    ->Args({1, 100'000})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mapsim::sim
