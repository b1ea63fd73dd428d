// Record and replay (sim/schedule.h, sim/strategy/replay.h, Explorer::replay): schedules of
// random executions of real LRU maps replay to identical traces; schedules that do not belong to
// the scenario, or that the execution does not follow, are refused or reported as divergent;
// the determinism self-check catches a scenario that is not deterministic.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "impl/uapi.h"
#include "sim/explorer.h"
#include "sim/strategy/random_walk.h"
#include "sim/testing/map_scenarios.h"

namespace mapsim::sim {
namespace {

struct Recorded {
  std::string schedule;
  uint64_t hash = 0;
  std::string trace;  // kept for a sample only
};

void record_and_replay(const Scenario& scenario, uint64_t seed, uint64_t executions,
                       double failure_probability = 0.0) {
  std::vector<Recorded> recorded;
  ExplorerOptions options;
  options.execution.max_allocation_failures = failure_probability > 0 ? 2 : 0;
  options.observer = [&recorded](const ExecutionRecord& record) {
    Recorded entry{record.schedule->to_compact(), record.result->trace_hash, ""};
    if (record.index % 50 == 0) {
      entry.trace = record.trace->format(*record.instance, *record.outcome);
    }
    EXPECT_FALSE(record.result->failure) << record.result->failure.message;
    recorded.push_back(std::move(entry));
  };
  Explorer explorer(scenario, options);
  RandomWalkOptions random_options;
  random_options.seed = seed;
  random_options.budget = executions;
  random_options.allocation_failure_probability = failure_probability;
  RandomWalkStrategy random(random_options);
  const ExploreReport report = explorer.explore(random);
  ASSERT_EQ(report.executions, executions) << report.header;
  ASSERT_TRUE(report.ok());
  size_t with_failures = 0;
  for (const Recorded& entry : recorded) {
    with_failures += entry.schedule.find(".v1") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(with_failures > 0, failure_probability > 0);
  for (const Recorded& entry : recorded) {
    const ReplayReport replay = explorer.replay(std::string_view(entry.schedule));
    ASSERT_TRUE(replay.ok()) << replay.error << replay.divergence << "\n" << entry.schedule;
    EXPECT_EQ(replay.result.trace_hash, entry.hash);
    if (!entry.trace.empty()) {
      EXPECT_EQ(replay.trace, entry.trace);
    }
  }
}

TEST(ReplayTest, ThousandRandomLruExecutionsReplayToIdenticalTraces) {
  record_and_replay(testing::map_scenario(testing::lru_three_cpus(false)), 11, 500);
  record_and_replay(testing::map_scenario(testing::lru_three_cpus(true)), 12, 500);
}

// Nested programs fire at recorded points and allocations fail at recorded points.
TEST(ReplayTest, NestedProgramsAndInjectedFailuresReplayToIdenticalTraces) {
  using Kind = testing::MapOperation::Kind;
  testing::MapScenarioConfig config = testing::hash_two_cpus();
  config.name = "hash no_prealloc nested";
  config.attr.map_flags |= bpf::kFNoPrealloc;
  config.nested = {{0, {{Kind::kProgramUpdate, 1}, {Kind::kProgramDelete, 2}}},
                   {1, {{Kind::kProgramLookup, 3}}}};
  record_and_replay(testing::map_scenario(config), 13, 300, 0.3);
}

TEST(ReplayTest, ScheduleOfAnotherScenarioIsRefused) {
  Explorer lru(testing::map_scenario(testing::lru_three_cpus()));
  Explorer hash(testing::map_scenario(testing::hash_two_cpus()));
  Schedule schedule;
  schedule.scenario = hash.scenario().name;
  schedule.fingerprint = hash.fingerprint();
  const ReplayReport report = lru.replay(schedule);
  EXPECT_NE(report.error.find("recorded for scenario 'hash 2 cpus x 3 ops', not for 'lru 3 cpus'"),
            std::string::npos)
      << report.error;
}

TEST(ReplayTest, ScheduleOfAChangedScenarioIsRefused) {
  testing::MapScenarioConfig config = testing::hash_two_cpus();
  Explorer original(testing::map_scenario(config));
  Schedule schedule;
  schedule.scenario = config.name;
  schedule.fingerprint = original.fingerprint();
  config.cpus[1].pop_back();  // same name, one operation fewer
  Explorer changed(testing::map_scenario(config));
  const ReplayReport report = changed.replay(schedule);
  EXPECT_NE(report.error.find("fingerprint does not match"), std::string::npos) << report.error;
}

TEST(ReplayTest, CorruptScheduleTextIsRefused) {
  Explorer explorer(testing::map_scenario(testing::hash_two_cpus()));
  const ReplayReport report = explorer.replay(std::string_view("mapsim-schedule/1 choices=0.q"));
  EXPECT_NE(report.error.find("choice 1 'q'"), std::string::npos) << report.error;
}

// The schedule of one random execution.
Schedule recorded_schedule(const Scenario& scenario) {
  Schedule recorded;
  ExplorerOptions options;
  options.observer = [&recorded](const ExecutionRecord& record) { recorded = *record.schedule; };
  Explorer explorer(scenario, options);
  RandomWalkOptions one;
  one.budget = 1;
  RandomWalkStrategy random(one);
  explorer.explore(random);
  return recorded;
}

TEST(ReplayTest, ScheduleTheExecutionDoesNotFollowIsReportedAsDivergent) {
  Explorer explorer(testing::map_scenario(testing::hash_two_cpus()));
  const Schedule good = recorded_schedule(explorer.scenario());
  ASSERT_TRUE(explorer.replay(good).ok());

  Schedule truncated = good;
  truncated.choices.resize(good.choices.size() / 2);
  truncated.trace_hash = 0;
  ReplayReport report = explorer.replay(truncated);
  EXPECT_TRUE(report.diverged);
  EXPECT_NE(report.divergence.find("the schedule has ended"), std::string::npos)
      << report.divergence;

  Schedule extended = good;
  extended.choices.push_back(Choice::context(0));
  report = explorer.replay(extended);
  EXPECT_TRUE(report.diverged);
  EXPECT_NE(report.divergence.find("1 choices of the schedule unused"), std::string::npos)
      << report.divergence;

  Schedule wrong = good;
  wrong.choices[0] = Choice::context(7);
  report = explorer.replay(wrong);
  EXPECT_TRUE(report.diverged);
  EXPECT_NE(report.divergence.find("picks context 7 but only 0, 1 can run"), std::string::npos)
      << report.divergence;

  Schedule outcome = good;
  outcome.choices[1] = Choice::outcome(1);
  report = explorer.replay(outcome);
  EXPECT_TRUE(report.diverged);
  EXPECT_NE(report.divergence.find("has an outcome (v1) where the execution picks a context"),
            std::string::npos)
      << report.divergence;
}

// A scenario whose behaviour depends on how many times it was built: not deterministic.
Scenario nondeterministic_scenario() {
  Scenario scenario;
  scenario.name = "nondeterministic";
  scenario.possible_cpus = 1;
  auto builds = std::make_shared<int>(0);
  scenario.build = [builds](SimPlatform&) {
    const int round = (*builds)++;
    auto cell = std::make_shared<SimPlatform::Racy<int>>(0);
    ScenarioInstance instance;
    instance.cpus.resize(1);
    instance.cpus[0].push_back(Operation{"touch", [cell, round] {
      for (int i = 0; i <= round % 2; ++i) cell->store(i);
      return int64_t{0};
    }});
    instance.state = cell;
    return instance;
  };
  return scenario;
}

TEST(ReplayTest, DeterminismSelfCheckPassesForMapsAndCatchesANondeterministicScenario) {
  ExplorerOptions options;
  options.determinism_check_every = 1;
  options.max_executions = 200;
  Explorer lru(testing::map_scenario(testing::lru_three_cpus()), options);
  RandomWalkStrategy random(RandomWalkOptions{});
  const ExploreReport good = lru.explore(random);
  EXPECT_TRUE(good.ok()) << good.failures.front().message;
  EXPECT_EQ(good.determinism_checks, 200u);

  options.max_executions = 5;
  Explorer bad(nondeterministic_scenario(), options);
  RandomWalkStrategy again(RandomWalkOptions{});
  const ExploreReport report = bad.explore(again);
  ASSERT_FALSE(report.failures.empty());
  EXPECT_EQ(report.failures[0].kind, FailureKind::kReplayDiverged);
  EXPECT_NE(report.failures[0].message.find("determinism self-check"), std::string::npos)
      << report.failures[0].message;
}

}  // namespace
}  // namespace mapsim::sim
