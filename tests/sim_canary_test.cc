// Canaries (sim/testing/canaries.h): deliberately broken code that every strategy must catch
// within its default budget, with a schedule that replays to the same failure; the fixed
// variants pass exhaustive exploration.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/explorer.h"
#include "sim/strategy/bounded_dfs.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/pct.h"
#include "sim/strategy/random_walk.h"
#include "sim/testing/canaries.h"

namespace mapsim::sim {
namespace {

using StrategyFactory = std::function<std::unique_ptr<Strategy>()>;

std::vector<std::pair<std::string, StrategyFactory>> default_strategies() {
  return {
      {"random", [] { return std::make_unique<RandomWalkStrategy>(RandomWalkOptions{}); }},
      {"pct", [] { return std::make_unique<PctStrategy>(PctOptions{}); }},
      {"dfs", [] { return std::make_unique<BoundedDfsStrategy>(BoundedDfsOptions{}); }},
      {"dpor", [] { return std::make_unique<DporStrategy>(DporOptions{}); }},
  };
}

// `kinds`: the failure kinds the canary's bug may show as (the first is the usual one).
void expect_caught_and_replayable(const Scenario& scenario, ExplorerOptions options = {},
                                  std::vector<FailureKind> kinds = {FailureKind::kCheck}) {
  for (const auto& [name, make] : default_strategies()) {
    Explorer explorer(scenario, options);
    std::unique_ptr<Strategy> strategy = make();
    const ExploreReport report = explorer.explore(*strategy);
    ASSERT_EQ(report.failures.size(), 1u) << scenario.name << " escaped " << name;
    const FailureReport& failure = report.failures[0];
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), failure.kind), kinds.end())
        << failure_kind_name(failure.kind) << ": " << failure.message;
    std::printf("%-24s %-6s caught after %llu executions: %s\n", scenario.name.c_str(),
                name.c_str(), static_cast<unsigned long long>(failure.execution + 1),
                failure.message.c_str());
    for (const std::string& text : {failure.schedule.to_compact(), failure.schedule.to_json()}) {
      const ReplayReport replay = explorer.replay(std::string_view(text));
      EXPECT_TRUE(replay.ok()) << replay.error << replay.divergence;
      EXPECT_EQ(replay.result.failure.kind, failure.kind);
      EXPECT_EQ(replay.result.failure.message, failure.message);
    }
  }
}

TEST(CanaryTest, BucketThatUnlinksBeforeLockingIsCaughtByEveryStrategy) {
  expect_caught_and_replayable(testing::broken_bucket_scenario());
}

TEST(CanaryTest, RealHashMapWithoutBucketExclusionIsCaughtByEveryStrategy) {
  // The locks that exclude nobody also guard the free lists, whose links are plain fields: the
  // race detector may see their unordered accesses before a key goes missing.
  expect_caught_and_replayable(testing::unlocked_hash_map_scenario(), {},
                               {FailureKind::kCheck, FailureKind::kDataRace});
}

TEST(CanaryTest, RealLruMapWithoutListExclusionIsCaughtByEveryStrategy) {
  expect_caught_and_replayable(testing::unlocked_lru_map_scenario(), {},
                               {FailureKind::kDataRace});
}

TEST(CanaryTest, LruStealWithoutTheVictimsLockIsCaughtByEveryStrategy) {
  ExplorerOptions options;
  options.execution.mutants = MutantSet(testing::kLruStealCanaryMutant);
  expect_caught_and_replayable(testing::lru_steal_scenario(), options,
                               {FailureKind::kCheck, FailureKind::kAssertion,
                                FailureKind::kDataRace, FailureKind::kStepCheck});
}

TEST(CanaryTest, LruStealScenarioWithoutTheMutantPassesItsBudgets) {
  for (const auto& [name, make] : default_strategies()) {
    ExplorerOptions options;
    options.max_executions = 2000;
    Explorer explorer(testing::lru_steal_scenario(), options);
    std::unique_ptr<Strategy> strategy = make();
    const ExploreReport report = explorer.explore(*strategy);
    EXPECT_TRUE(report.ok()) << name << ": " << report.failures.front().message;
    EXPECT_GT(report.executions, 100u) << name;
  }
}

TEST(CanaryTest, FixedVariantsPassExhaustiveExploration) {
  for (const Scenario& scenario :
       {testing::broken_bucket_scenario(true), testing::unlocked_hash_map_scenario(true),
        testing::unlocked_lru_map_scenario(true)}) {
    Explorer explorer(scenario);
    DporStrategy dpor(DporOptions{});
    const ExploreReport report = explorer.explore(dpor);
    EXPECT_TRUE(report.ok()) << scenario.name << ": " << report.failures.front().message;
    EXPECT_TRUE(report.exhausted) << scenario.name;
    EXPECT_GT(report.executions, 1u) << scenario.name;
  }
}

}  // namespace
}  // namespace mapsim::sim
