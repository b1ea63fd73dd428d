// sim/explorer.h: what a report says. A failure comes with its kind, message, schedule, trace
// tail and the way to reproduce it; exploration stops at the first failure unless told not
// to; only `failures_kept` failures are kept in full; a scenario that cannot run is an error.
#include "sim/explorer.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "impl/uapi.h"

#include "sim/strategy/bounded_dfs.h"
#include "sim/strategy/dpor.h"
#include "sim/testing/canaries.h"
#include "sim/testing/map_scenarios.h"

namespace mapsim::sim {
namespace {

TEST(ExplorerTest, FailureReportCarriesScheduleTraceAndReproduction) {
  Explorer explorer(testing::broken_bucket_scenario());
  DporStrategy dpor(DporOptions{});
  const ExploreReport report = explorer.explore(dpor);
  EXPECT_EQ(report.header.rfind("SEED=0 strategy=dpor", 0), 0u) << report.header;
  EXPECT_NE(report.header.find("scenario=canary bucket"), std::string::npos);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failing_executions, 1u);
  const FailureReport& failure = report.failures[0];
  EXPECT_EQ(failure.kind, FailureKind::kCheck);
  EXPECT_EQ(failure.schedule.scenario, "canary bucket");
  EXPECT_EQ(failure.schedule.fingerprint, explorer.fingerprint());
  EXPECT_NE(failure.schedule.trace_hash, 0u);
  EXPECT_NE(failure.trace.find("cpu0  begin update key 1"), std::string::npos) << failure.trace;
  EXPECT_NE(failure.trace.find("bucket_lock obj#"), std::string::npos) << failure.trace;
  EXPECT_NE(failure.reproduce.find(failure.schedule.to_compact()), std::string::npos);
  EXPECT_FALSE(report.ok());
}

TEST(ExplorerTest, ContinuesPastFailuresWhenAskedAndKeepsOnlySome) {
  ExplorerOptions options;
  options.stop_on_failure = false;
  options.failures_kept = 2;
  Explorer explorer(testing::broken_bucket_scenario(), options);
  BoundedDfsOptions dfs_options;
  dfs_options.first_bound = BoundedDfsOptions::kUnbounded;
  BoundedDfsStrategy dfs(dfs_options);
  const ExploreReport report = explorer.explore(dfs);
  EXPECT_TRUE(report.exhausted);
  EXPECT_GT(report.failing_executions, 2u);
  EXPECT_LT(report.failing_executions, report.executions);
  EXPECT_EQ(report.failures.size(), 2u);
}

TEST(ExplorerTest, RealMapScenarioPassesExhaustiveDpor) {
  Explorer explorer(testing::map_scenario(testing::hash_two_cpus()));
  DporStrategy dpor(DporOptions{});
  const ExploreReport report = explorer.explore(dpor);
  EXPECT_TRUE(report.ok()) << report.failures.front().message << report.failures.front().trace;
  EXPECT_TRUE(report.exhausted);
  EXPECT_GT(report.executions, 10u);
}

TEST(ExplorerTest, NestedUpdateOnTheSameCpuGetsEdeadlkFromTheRealHashMap) {
  testing::MapScenarioConfig config = testing::hash_two_cpus();
  config.name = "hash nested";
  config.cpus = {{{testing::MapOperation::Kind::kUpdate, 1}}};
  config.nested = {{0, {{testing::MapOperation::Kind::kProgramUpdate, 1}}}};
  bool saw_edeadlk = false;
  bool saw_success = false;
  ExplorerOptions options;
  options.observer = [&](const ExecutionRecord& record) {
    const int64_t nested = record.outcome->nested_results(0)[0];
    saw_edeadlk = saw_edeadlk || nested == -35;
    saw_success = saw_success || nested == 0;
  };
  Explorer explorer(testing::map_scenario(config), options);
  DporStrategy dpor(DporOptions{});
  const ExploreReport report = explorer.explore(dpor);
  EXPECT_TRUE(report.ok()) << report.failures.front().message;
  EXPECT_TRUE(report.exhausted);
  EXPECT_TRUE(saw_edeadlk);
  EXPECT_TRUE(saw_success);
}

TEST(ExplorerTest, InjectedAllocationFailureMakesANoPreallocUpdateReturnEnomem) {
  testing::MapScenarioConfig config = testing::hash_two_cpus();
  config.name = "hash no_prealloc";
  config.attr.map_flags |= bpf::kFNoPrealloc;
  std::set<int64_t> first_update_results;
  ExplorerOptions options;
  options.execution.max_allocation_failures = 1;
  options.observer = [&](const ExecutionRecord& record) {
    first_update_results.insert(record.outcome->cpu_results(0)[0]);
  };
  Explorer explorer(testing::map_scenario(config), options);
  DporStrategy dpor(DporOptions{});
  const ExploreReport report = explorer.explore(dpor);
  EXPECT_TRUE(report.ok()) << report.failures.front().message;
  EXPECT_TRUE(report.exhausted);
  EXPECT_EQ(first_update_results, (std::set<int64_t>{0, bpf::kENOMEM}));
}

TEST(ExplorerTest, ScenarioWithoutBuildOrWithBadCpuCountIsAnError) {
  Scenario no_build;
  no_build.name = "empty";
  Explorer empty(no_build);
  DporStrategy dpor(DporOptions{});
  EXPECT_EQ(empty.explore(dpor).error, "scenario: no build function");
  Scenario zero_cpus = testing::map_scenario(testing::hash_two_cpus());
  zero_cpus.possible_cpus = 0;
  Explorer zero(zero_cpus);
  DporStrategy again(DporOptions{});
  EXPECT_NE(zero.explore(again).error.find("possible_cpus must be in [1, 4096], got 0"),
            std::string::npos);
}

}  // namespace
}  // namespace mapsim::sim
