// The strategies (sim/strategy/*.h): parameters are validated with a message that names the
// parameter; random walks are reproducible from their seed; PCT respects its depth; iterative
// context bounding counts executions by preemptions; DPOR explores one execution for
// independent programs.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/explorer.h"
#include "sim/strategy/bounded_dfs.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/pct.h"
#include "sim/strategy/random_walk.h"
#include "sim/strategy/strategy_config.h"
#include "sim/testing/cell_programs.h"

namespace mapsim::sim {
namespace {

TEST(StrategyTest, OutOfRangeParametersAreNamedInTheError) {
  RandomWalkOptions random;
  random.allocation_failure_probability = 1.5;
  EXPECT_NE(RandomWalkStrategy::make(random).error().find("allocation_failure_probability"),
            std::string::npos);
  PctOptions pct;
  pct.depth = 0;
  EXPECT_NE(PctStrategy::make(pct).error().find("pct: depth must be in [1, 32], got 0"),
            std::string::npos);
  pct.depth = 33;
  EXPECT_FALSE(PctStrategy::make(pct).ok());
  pct.depth = 3;
  pct.budget = 0;
  EXPECT_NE(PctStrategy::make(pct).error().find("budget"), std::string::npos);
  BoundedDfsOptions dfs;
  dfs.max_preemptions = -2;
  EXPECT_NE(BoundedDfsStrategy::make(dfs).error().find("max_preemptions"), std::string::npos);
  dfs.max_preemptions = 1;
  dfs.first_bound = 2;
  EXPECT_NE(BoundedDfsStrategy::make(dfs).error().find("first_bound (2) must not exceed"),
            std::string::npos);
  DporOptions dpor;
  dpor.max_injected_failures = 9;
  EXPECT_NE(DporStrategy::make(dpor).error().find("max_injected_failures"), std::string::npos);
  EXPECT_TRUE(DporStrategy::make(DporOptions{}).ok());
}

// StrategyConfig (scenario files, the command line): every out-of-range parameter is refused by
// make_strategy() with the field named, never clamped into a silently different strategy.
TEST(StrategyTest, StrategyConfigRefusesOutOfRangeParametersByName) {
  struct Bad {
    StrategyConfig config;
    std::string complaint;
  };
  auto with = [](std::string name, auto&& change) {
    StrategyConfig config;
    config.name = std::move(name);
    change(config);
    return config;
  };
  const Bad cases[] = {
      {with("dfs", [](StrategyConfig&) {}), "'dfs' is not one of random, pct, bounded, dpor"},
      {with("pct", [](StrategyConfig& c) { c.pct_depth = 0; }), "pct depth must be in [1, 32]"},
      {with("pct", [](StrategyConfig& c) { c.pct_depth = 33; }), "got 33"},
      {with("bounded", [](StrategyConfig& c) { c.preemption_bound = -1; }),
       "preemption_bound must be >= 0, got -1"},
      {with("dpor", [](StrategyConfig& c) { c.max_injected_failures = -1; }),
       "max_injected_failures must be in [0, "},
      {with("dpor", [](StrategyConfig& c) { c.max_injected_failures = 99; }), "got 99"},
      {with("random", [](StrategyConfig& c) { c.allocation_failure_probability = -0.1; }),
       "allocation_failure_probability must be in [0, 1]"},
      {with("random", [](StrategyConfig& c) { c.allocation_failure_probability = std::numeric_limits<double>::quiet_NaN(); }),
       "allocation_failure_probability must be in [0, 1]"},
  };
  for (const Bad& bad : cases) {
    const auto made = make_strategy(bad.config);
    ASSERT_FALSE(made.ok()) << bad.complaint;
    EXPECT_NE(made.error().find(bad.complaint), std::string::npos) << made.error();
  }
  for (const char* name : {"random", "pct", "bounded", "dpor"}) {
    StrategyConfig config;
    config.name = name;
    const auto made = make_strategy(config);
    ASSERT_TRUE(made.ok()) << made.error();
    EXPECT_EQ(made.value()->default_budget(), config.budget()) << name;
  }
}


struct Explored {
  ExploreReport report;
  std::vector<std::string> schedules;
};

Explored explore_with(const Scenario& scenario, Strategy& strategy, uint64_t max_executions = 0) {
  Explored result;
  ExplorerOptions options;
  options.max_executions = max_executions;
  options.observer = [&result](const ExecutionRecord& record) {
    result.schedules.push_back(record.schedule->choices_text());
  };
  Explorer explorer(scenario, options);
  result.report = explorer.explore(strategy);
  return result;
}

TEST(StrategyTest, RandomWalkIsReproducibleFromItsSeed) {
  RandomWalkOptions options;
  options.seed = 42;
  options.budget = 50;
  RandomWalkStrategy first(options);
  RandomWalkStrategy second(options);
  options.seed = 43;
  RandomWalkStrategy other(options);
  const Explored a = explore_with(testing::independent_stores_scenario(3, 4), first);
  const Explored b = explore_with(testing::independent_stores_scenario(3, 4), second);
  const Explored c = explore_with(testing::independent_stores_scenario(3, 4), other);
  EXPECT_EQ(a.schedules.size(), 50u);
  EXPECT_EQ(a.schedules, b.schedules);
  EXPECT_NE(a.schedules, c.schedules);
  EXPECT_NE(a.report.header.find("SEED=42 strategy=random"), std::string::npos)
      << a.report.header;
}

TEST(StrategyTest, RandomWalkReportsExhaustionWhenThereIsNoChoice) {
  RandomWalkStrategy random(RandomWalkOptions{});
  const Explored single = explore_with(testing::independent_stores_scenario(1, 3), random);
  EXPECT_TRUE(single.report.exhausted);
  EXPECT_EQ(single.report.executions, 1u);
}

int switches(const std::string& choices) {
  int count = 0;
  char previous = 0;
  for (char c : choices) {
    if (c == '.') continue;
    if (previous != 0 && c != previous) ++count;
    previous = c;
  }
  return count;
}

TEST(StrategyTest, PctSwitchesAtMostOncePerContextAndChangePoint) {
  for (int depth : {1, 2, 4}) {
    PctOptions options;
    options.depth = depth;
    options.seed = 7;
    options.budget = 200;
    PctStrategy pct(options);
    const Explored result = explore_with(testing::independent_stores_scenario(3, 5), pct);
    ASSERT_EQ(result.schedules.size(), 200u);
    std::set<std::string> distinct(result.schedules.begin(), result.schedules.end());
    int most = 0;
    for (const std::string& schedule : result.schedules) {
      most = std::max(most, switches(schedule));
    }
    // Without blocking, only finishing contexts and change points cause a switch.
    EXPECT_LE(most, 2 + depth - 1) << "depth " << depth;
    if (depth > 1) {
      EXPECT_GT(distinct.size(), 6u) << "depth " << depth;
    }
  }
}

TEST(StrategyTest, IterativeContextBoundingCountsExecutionsByPreemptions) {
  // Two contexts of two steps: AABB, BBAA (0 preemptions), ABBA, BAAB (1), ABAB, BABA (2).
  std::map<int, uint64_t> expected{{0, 2}, {1, 4}, {2, 6}};
  for (const auto& [bound, executions] : expected) {
    BoundedDfsOptions options;
    options.max_preemptions = bound;
    BoundedDfsStrategy dfs(options);
    const Explored result = explore_with(testing::independent_stores_scenario(2, 2), dfs);
    EXPECT_EQ(result.report.executions, executions) << "bound " << bound;
    EXPECT_EQ(result.report.exhausted, bound == 2) << "bound " << bound;
    const std::set<std::string> distinct(result.schedules.begin(), result.schedules.end());
    EXPECT_EQ(distinct.size(), result.schedules.size()) << "repeats are not counted";
  }
  BoundedDfsStrategy until_done(BoundedDfsOptions{});
  const Explored all = explore_with(testing::independent_stores_scenario(2, 2), until_done);
  EXPECT_EQ(all.report.executions, 6u);
  EXPECT_TRUE(all.report.exhausted);
  EXPECT_GT(all.report.repeats, 0u);
}

TEST(StrategyTest, DporExploresOneExecutionForIndependentContexts) {
  DporStrategy dpor(DporOptions{});
  const Explored result = explore_with(testing::independent_stores_scenario(3, 3), dpor);
  EXPECT_EQ(result.report.executions, 1u);
  EXPECT_TRUE(result.report.exhausted);
}

TEST(StrategyTest, BudgetStopsExplorationAndIsReported) {
  BoundedDfsOptions options;
  options.first_bound = BoundedDfsOptions::kUnbounded;
  BoundedDfsStrategy dfs(options);
  const Explored result = explore_with(testing::independent_stores_scenario(3, 3), dfs, 10);
  EXPECT_EQ(result.report.executions, 10u);
  EXPECT_TRUE(result.report.budget_reached);
  EXPECT_FALSE(result.report.exhausted);
}

}  // namespace
}  // namespace mapsim::sim
