// Split explorations (sim/partition.h): the parts together do what one exploration does,
// whatever the number of threads that runs them.
//
// - DPOR parts reach every Mazurkiewicz trace (brute force by DFS) and every failing one (the
//   parts may repeat a trace another part ran: their sum is at least the trace count);
// - bounded-DFS parts run exactly the executions of one bounded DFS;
// - random parts run exactly the executions of one random walk;
// - run_parts_in_order gives the same counted parts on 1 and 3 threads, stopping after the
//   first stopping part.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "sim/explorer.h"
#include "sim/partition.h"
#include "sim/strategy/bounded_dfs.h"
#include "sim/testing/cell_programs.h"
#include "sim/testing/mazurkiewicz.h"

namespace mapsim::sim {
namespace {

struct Runs {
  std::set<std::string> traces;     // canonical Mazurkiewicz names
  std::set<std::string> failing;
  std::multiset<std::string> schedules;  // every execution's choices
  uint64_t executions = 0;
  uint64_t aborted = 0;
};

ExplorerOptions collecting(Runs* runs, uint32_t allocation_failures) {
  ExplorerOptions options;
  options.execution.max_allocation_failures = allocation_failures;
  options.stop_on_failure = false;
  options.observer = [runs](const ExecutionRecord& record) {
    const std::string name = testing::canonical_trace(testing::transitions_of(*record.trace));
    runs->traces.insert(name);
    if (record.result->failure) runs->failing.insert(name);
    runs->schedules.insert(record.schedule->choices_text());
  };
  return options;
}

Runs run_whole(const Scenario& scenario, const StrategyConfig& config,
               uint32_t allocation_failures) {
  Runs runs;
  Explorer explorer(scenario, collecting(&runs, allocation_failures));
  auto strategy = make_strategy(config);
  EXPECT_TRUE(strategy.ok()) << strategy.error();
  const ExploreReport report = explorer.explore(*strategy.value());
  EXPECT_TRUE(report.error.empty()) << report.error;
  runs.executions = report.executions;
  runs.aborted = report.aborted;
  return runs;
}

Runs run_split(const Scenario& scenario, const StrategyConfig& config,
               uint32_t allocation_failures, size_t* part_count = nullptr) {
  Runs runs;
  ExplorerOptions options = collecting(&runs, allocation_failures);
  const PartitionPlan plan = plan_partition(scenario, config, options);
  EXPECT_TRUE(plan.error.empty()) << plan.error;
  if (part_count != nullptr) *part_count = plan.parts.size();
  for (const ExplorationPart& part : plan.parts) {
    Explorer explorer(scenario, options);
    auto strategy = make_part_strategy(config, part);
    EXPECT_TRUE(strategy.ok()) << strategy.error();
    const ExploreReport report = explorer.explore(*strategy.value());
    EXPECT_TRUE(report.error.empty()) << report.error;
    runs.executions += report.executions;
    runs.aborted += report.aborted;
  }
  return runs;
}

Runs brute_force(const Scenario& scenario, uint32_t allocation_failures) {
  Runs runs;
  Explorer explorer(scenario, collecting(&runs, allocation_failures));
  BoundedDfsOptions options;
  options.first_bound = BoundedDfsOptions::kUnbounded;
  BoundedDfsStrategy dfs(options);
  explorer.explore(dfs);
  return runs;
}

StrategyConfig dpor(int max_injected_failures = 0) {
  StrategyConfig config;
  config.name = "dpor";
  config.max_injected_failures = max_injected_failures;
  return config;
}

TEST(PartitionTest, DporPartsReachEveryTraceWithoutLocks) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const testing::CellProgram program = testing::random_cell_program(seed, 3, 3, 2, false);
    const Scenario scenario =
        testing::cell_program_scenario("split-" + std::to_string(seed), program, 2, true);
    size_t parts = 0;
    const Runs split = run_split(scenario, dpor(), 0, &parts);
    const Runs all = brute_force(scenario, 0);
    EXPECT_GT(parts, 1u) << testing::describe(program);
    EXPECT_EQ(split.traces, all.traces) << testing::describe(program);
    EXPECT_EQ(split.failing, all.failing) << testing::describe(program);
    EXPECT_GE(split.executions, all.traces.size()) << testing::describe(program);
    std::printf("%-10s traces %4zu  parts %2zu  executions %4llu  ratio %.2f\n",
                scenario.name.c_str(), all.traces.size(), parts,
                static_cast<unsigned long long>(split.executions),
                static_cast<double>(split.executions) / static_cast<double>(all.traces.size()));
  }
}

TEST(PartitionTest, DporPartsReachEveryTraceWithLocksNestingAndFaults) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    const testing::CellProgram locked = testing::random_cell_program(seed, 2, 3, 2, true);
    const Scenario with_locks =
        testing::cell_program_scenario("locked-" + std::to_string(seed), locked, 2, true);
    EXPECT_EQ(run_split(with_locks, dpor(), 0).traces, brute_force(with_locks, 0).traces);

    const testing::CellProgram nested = testing::random_cell_program(seed, 3, 2, 2, false);
    const Scenario with_nesting = testing::cell_program_scenario(
        "nested-" + std::to_string(seed), nested, 2, true, /*nested_cpu=*/0);
    EXPECT_EQ(run_split(with_nesting, dpor(), 0).traces, brute_force(with_nesting, 0).traces);

    const testing::CellProgram faulty =
        testing::random_cell_program(seed, 2, 3, 2, false, /*with_allocations=*/true);
    const Scenario with_faults =
        testing::cell_program_scenario("faults-" + std::to_string(seed), faulty, 2, true);
    const Runs split = run_split(with_faults, dpor(1), 1);
    const Runs all = brute_force(with_faults, 1);
    EXPECT_EQ(split.traces, all.traces) << testing::describe(faulty);
    EXPECT_EQ(split.failing, all.failing) << testing::describe(faulty);
  }
}

TEST(PartitionTest, BoundedPartsRunTheExecutionsOfOneBoundedSearch) {
  for (int bound : {0, 1, 2}) {
    const testing::CellProgram program = testing::random_cell_program(7, 3, 3, 2, true);
    const Scenario scenario = testing::cell_program_scenario("bounded", program, 2, true);
    StrategyConfig config;
    config.name = "bounded";
    config.preemption_bound = bound;
    const Runs whole = run_whole(scenario, config, 0);
    const Runs split = run_split(scenario, config, 0);
    EXPECT_EQ(split.schedules, whole.schedules) << "bound " << bound;
    EXPECT_EQ(split.executions, whole.executions) << "bound " << bound;
  }
}

TEST(PartitionTest, RandomPartsRunTheExecutionsOfOneRandomWalk) {
  const testing::CellProgram program = testing::random_cell_program(3, 3, 4, 2, true);
  const Scenario scenario = testing::cell_program_scenario("random", program, 2, true);
  StrategyConfig config;
  config.name = "random";
  config.seed = 42;
  config.executions = 37;  // not a multiple of the part count
  size_t parts = 0;
  const Runs split = run_split(scenario, config, 0, &parts);
  const Runs whole = run_whole(scenario, config, 0);
  EXPECT_EQ(parts, kTargetParts);
  EXPECT_EQ(split.executions, 37u);
  EXPECT_EQ(split.schedules, whole.schedules);
}

TEST(PartitionTest, PlanDependsOnTheScenarioOnly) {
  const Scenario scenario = testing::lastzero_scenario(3);
  const PartitionPlan first = plan_partition(scenario, dpor(), ExplorerOptions{});
  const PartitionPlan second = plan_partition(scenario, dpor(), ExplorerOptions{});
  ASSERT_EQ(first.parts.size(), second.parts.size());
  for (size_t i = 0; i < first.parts.size(); ++i) {
    EXPECT_EQ(first.parts[i].prefix.choices, second.parts[i].prefix.choices);
    EXPECT_EQ(first.parts[i].executions, second.parts[i].executions);
  }
  StrategyConfig bad;
  bad.name = "exhaustive";
  EXPECT_NE(plan_partition(scenario, bad, ExplorerOptions{}).error.find("not one of"),
            std::string::npos);
}

// Parts 0..9; parts 3 and 6 "fail". Whatever the thread count, parts 0..3 count.
TEST(PartitionTest, RunPartsInOrderStopsAfterTheFirstStoppingPart) {
  for (int jobs : {1, 3, 8}) {
    std::mutex mutex;
    std::set<size_t> ran;
    const size_t counted = run_parts_in_order(10, jobs, [&](size_t part,
                                                            const std::atomic<size_t>&) {
      std::lock_guard<std::mutex> lock(mutex);
      ran.insert(part);
      return part == 3 || part == 6;
    });
    EXPECT_EQ(counted, 4u) << jobs << " jobs";
    for (size_t part = 0; part < 4; ++part) EXPECT_TRUE(ran.count(part)) << part;
  }
  EXPECT_EQ(run_parts_in_order(5, 2, [](size_t, const std::atomic<size_t>&) { return false; }),
            5u);
}

}  // namespace
}  // namespace mapsim::sim
