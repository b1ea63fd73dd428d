// DPOR is complete and does not waste work (sim/strategy/dpor.h).
//
// For small programs over shared cells, brute force (depth-first search over every
// interleaving) collects the Mazurkiewicz traces by canonicalisation
// (sim/testing/mazurkiewicz.h). Optimal DPOR must reach every trace, find every failing trace,
// and run exactly one execution per trace when nothing blocks; with locks, the executions it
// runs per trace are reported and bounded.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

#include "sim/explorer.h"
#include "sim/strategy/bounded_dfs.h"
#include "sim/strategy/dpor.h"
#include "sim/testing/cell_programs.h"
#include "sim/testing/mazurkiewicz.h"

namespace mapsim::sim {
namespace {

struct Classes {
  std::set<std::string> traces;
  std::set<std::string> failing;
  uint64_t executions = 0;
  uint64_t aborted = 0;
  bool exhausted = false;
};

Classes explore_classes(const Scenario& scenario, Strategy& strategy,
                        uint32_t allocation_failures) {
  Classes classes;
  ExplorerOptions options;
  options.execution.max_allocation_failures = allocation_failures;
  options.stop_on_failure = false;
  options.max_executions = 2'000'000;
  options.observer = [&classes](const ExecutionRecord& record) {
    const std::string name = testing::canonical_trace(testing::transitions_of(*record.trace));
    classes.traces.insert(name);
    if (record.result->failure) classes.failing.insert(name);
  };
  Explorer explorer(scenario, options);
  const ExploreReport report = explorer.explore(strategy);
  EXPECT_TRUE(report.error.empty()) << report.error;
  classes.executions = report.executions;
  classes.aborted = report.aborted;
  classes.exhausted = report.exhausted;
  return classes;
}

Classes brute_force(const Scenario& scenario, uint32_t allocation_failures) {
  BoundedDfsOptions options;
  options.first_bound = BoundedDfsOptions::kUnbounded;
  BoundedDfsStrategy dfs(options);
  return explore_classes(scenario, dfs, allocation_failures);
}

Classes optimal_dpor(const Scenario& scenario, uint32_t allocation_failures) {
  DporStrategy dpor(DporOptions{});
  return explore_classes(scenario, dpor, allocation_failures);
}

// DPOR reaches every trace and every failing trace; returns executions per trace.
double expect_complete(const Scenario& scenario, uint32_t allocation_failures = 0) {
  const Classes all = brute_force(scenario, allocation_failures);
  const Classes reduced = optimal_dpor(scenario, allocation_failures);
  EXPECT_TRUE(all.exhausted);
  EXPECT_TRUE(reduced.exhausted);
  EXPECT_EQ(reduced.traces, all.traces) << scenario.name;
  EXPECT_EQ(reduced.failing, all.failing) << scenario.name;
  const double ratio = static_cast<double>(reduced.executions + reduced.aborted) /
                       static_cast<double>(all.traces.size());
  std::printf("%-28s interleavings %7llu  traces %6zu  dpor executions %6llu (+%llu blocked)"
              "  ratio %.3f\n",
              scenario.name.c_str(), static_cast<unsigned long long>(all.executions),
              all.traces.size(), static_cast<unsigned long long>(reduced.executions),
              static_cast<unsigned long long>(reduced.aborted), ratio);
  return ratio;
}

TEST(DporTest, LastzeroIsOptimal) {
  for (int n : {2, 3}) {
    const Scenario scenario = testing::lastzero_scenario(n);
    EXPECT_EQ(expect_complete(scenario), 1.0) << scenario.name;
  }
}

TEST(DporTest, IndexerIsOptimal) {
  for (const Scenario& scenario :
       {testing::indexer_scenario(2, 2, 7), testing::indexer_scenario(3, 1, 7),
        testing::indexer_scenario(3, 2, 6)}) {
    EXPECT_EQ(expect_complete(scenario), 1.0) << scenario.name;
  }
}

TEST(DporTest, ReadersWritersIsOptimal) {
  EXPECT_EQ(expect_complete(testing::readers_writers_scenario(2, 2, false)), 1.0);
}

TEST(DporTest, LockedReadersWritersReachesEveryTrace) {
  EXPECT_LE(expect_complete(testing::readers_writers_scenario(2, 2, true)), 1.5);
}

TEST(DporTest, GeneratedProgramsWithoutLocksAreOptimal) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const testing::CellProgram program = testing::random_cell_program(seed, 3, 3, 2, false);
    const Scenario scenario =
        testing::cell_program_scenario("generated-" + std::to_string(seed), program, 2, true);
    EXPECT_EQ(expect_complete(scenario), 1.0) << testing::describe(program);
  }
}

TEST(DporTest, GeneratedProgramsWithLocksReachEveryTrace) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const int cpus = seed <= 4 ? 3 : 2;
    const testing::CellProgram program =
        testing::random_cell_program(seed, cpus, 5 - cpus, 2, true);
    const Scenario scenario =
        testing::cell_program_scenario("locked-" + std::to_string(seed), program, 2, true);
    EXPECT_LE(expect_complete(scenario), 1.5) << testing::describe(program);
  }
}

// The last list runs nested on CPU 0, fired at every distinct point DPOR finds.
TEST(DporTest, GeneratedProgramsWithANestedProgramAreOptimal) {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const testing::CellProgram program = testing::random_cell_program(seed, 3, 2, 2, seed > 4);
    const Scenario scenario = testing::cell_program_scenario(
        "nested-" + std::to_string(seed), program, 2, true, /*nested_cpu=*/0);
    EXPECT_LE(expect_complete(scenario), 1.5) << testing::describe(program);
  }
}

// One injected allocation failure: DPOR's fault plans against DFS's outcome branches.
TEST(DporTest, GeneratedProgramsWithAllocationFailuresReachEveryTrace) {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const testing::CellProgram program =
        testing::random_cell_program(seed, 2, 3, 2, false, /*with_allocations=*/true);
    const Scenario scenario =
        testing::cell_program_scenario("faults-" + std::to_string(seed), program, 2, true);
    EXPECT_EQ(expect_complete(scenario, 1), 1.0) << testing::describe(program);
  }
}

}  // namespace
}  // namespace mapsim::sim
