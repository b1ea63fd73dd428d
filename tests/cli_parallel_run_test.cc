// Split runs (cli/parallel_run.h, cli/result_merge.h) and the schedule shrinker
// (cli/schedule_shrinker.h), through the library.
//
// - A random walk split into parts runs exactly the executions of one random walk, so the
//   merged result equals run_scenario()'s, field by field (counts, expectations with their
//   witnesses and messages, failures with their execution indices, coverage).
// - A bounded search split into parts reaches the same counts and verdicts as one search.
// - Waves give the budget the big parts need: a budget-bound DPOR run uses all of it.
// - Stopping at the first failure gives the same result on 1 and 3 threads.
// - The schedule shrinker takes a failing random-walk schedule down to one preemption.
// - The progress line's text.
#include <gtest/gtest.h>

#include <string>

#include "cli/parallel_run.h"
#include "cli/progress_line.h"
#include "cli/report_json.h"
#include "cli/schedule_shrinker.h"
#include "scenarios/run/scenario_compile.h"
#include "scenarios/run/scenario_run.h"
#include "scenarios/scenario_yaml.h"

namespace mapsim {
namespace {

using scenario::ScenarioResult;
using scenario::ScenarioSpec;

ScenarioSpec seeded_bug(const std::string& strategy, uint64_t executions) {
  scenario::ScenarioParse parse = scenario::load_scenario_file(
      std::string(MAPSIM_SOURCE_DIR) + "/tests/data/cli/seeded_bug.yaml");
  EXPECT_TRUE(parse.ok());
  parse.spec.explore.strategy = strategy;
  parse.spec.explore.executions = executions;
  return parse.spec;
}

// A small form of the seeded bug, where a random walk finds the failure often and with many
// preemptions: the probe comes after an update, so it lands in the middle of CPU 0's program.
ScenarioSpec small_bug() {
  scenario::ScenarioParse parse = scenario::parse_scenario_yaml(
      "name: small-bug\n"
      "map: {type: hash, key_size: 4, value_size: 8, max_entries: 8, flags: BPF_F_ZERO_SEED}\n"
      "cpu0: [update 1 1 as insert, lookup 1, delete 1 as remove]\n"
      "cpu1: [update 4 4, lookup 1 as probe]\n"
      "expectations:\n  - never: [{step: probe, rc: 0}, {step: remove, rc: 0}]\n"
      "explore: {strategy: random, seed: 11, executions: 400}\n",
      "small_bug.yaml");
  EXPECT_TRUE(parse.ok()) << (parse.errors.empty() ? "" : parse.errors.front());
  return parse.spec;
}

std::string report_of(const ScenarioSpec& spec, const ScenarioResult& result) {
  cli::ScenarioRunRecord record;
  record.file = "f.yaml";
  record.name = spec.name;
  record.spec = spec;
  record.result = result;
  return cli::report_json({record});
}

TEST(ParallelRunTest, RandomPartsMergeToTheResultOfOneRandomWalk) {
  for (uint64_t seed : {3, 8}) {
    ScenarioSpec spec = seeded_bug("random", 0);
    spec.explore.seed = seed;
    scenario::RunOptions whole_options;
    whole_options.executions = 250;
    const ScenarioResult whole = scenario::run_scenario(spec, whole_options);
    spec.explore.executions = 250;
    const ScenarioResult split = cli::run_scenario_parallel(spec, {});
    EXPECT_EQ(split.executions, whole.executions);
    EXPECT_EQ(split.steps, whole.steps);
    EXPECT_EQ(split.failing_executions, whole.failing_executions);
    EXPECT_EQ(split.verdict, whole.verdict);
    EXPECT_EQ(split.expectations, whole.expectations);
    EXPECT_EQ(split.failures, whole.failures);
    EXPECT_EQ(split.coverage, whole.coverage);
    EXPECT_EQ(split.budget_reached, whole.budget_reached);
  }
}

TEST(ParallelRunTest, BoundedPartsReachTheCountsOfOneBoundedSearch) {
  ScenarioSpec spec = small_bug();
  spec.explore.strategy = "bounded";
  spec.explore.preemption_bound = 1;
  spec.explore.executions = 0;
  const ScenarioResult whole = scenario::run_scenario(spec, {});
  const ScenarioResult split = cli::run_scenario_parallel(spec, {});
  EXPECT_EQ(split.exhausted, whole.exhausted);
  EXPECT_EQ(split.executions, whole.executions);
  EXPECT_EQ(split.failing_executions, whole.failing_executions);
  EXPECT_EQ(split.verdict, whole.verdict);
  ASSERT_EQ(split.expectations.size(), whole.expectations.size());
  EXPECT_EQ(split.expectations[0].status, whole.expectations[0].status);
  EXPECT_EQ(split.expectations[0].satisfied_executions,
            whole.expectations[0].satisfied_executions);
  EXPECT_EQ(split.expectations[0].message, whole.expectations[0].message);
}

TEST(ParallelRunTest, WavesSpendTheWholeBudgetOnTheBigParts) {
  // Almost every execution of this scenario lies below one prefix.
  const ScenarioResult result = cli::run_scenario_parallel(seeded_bug("dpor", 300), {});
  EXPECT_EQ(result.executions, 300u);
  EXPECT_TRUE(result.budget_reached);
  EXPECT_FALSE(result.exhausted);
}

TEST(ParallelRunTest, ThreadCountChangesNothingIncludingStopAtFirstFailure) {
  for (const char* strategy : {"dpor", "random", "pct", "bounded"}) {
    for (bool stop : {false, true}) {
      const ScenarioSpec spec = seeded_bug(strategy, 120);
      cli::ParallelRunOptions one;
      one.stop_on_failure = stop;
      cli::ParallelRunOptions three = one;
      three.jobs = 3;
      EXPECT_EQ(report_of(spec, cli::run_scenario_parallel(spec, one)),
                report_of(spec, cli::run_scenario_parallel(spec, three)))
          << strategy << (stop ? " stopping" : "");
    }
  }
}

TEST(ParallelRunTest, ScheduleShrinkerLeavesTheOnePreemptionTheBugNeeds) {
  const ScenarioSpec spec = small_bug();
  const ScenarioResult found = scenario::run_scenario(spec, {});
  ASSERT_FALSE(found.failures.empty());
  sim::Result<scenario::CompiledScenario> compiled = scenario::compile_scenario(spec);
  ASSERT_TRUE(compiled.ok());
  const sim::ExplorerOptions options = compiled.value().explorer_options();
  // The random walk's failing schedule with the most preemptions.
  sim::Schedule busiest = found.failures.front().schedule;
  int most = -1;
  for (const scenario::ScenarioFailure& failure : found.failures) {
    const int preemptions =
        cli::schedule_preemptions(compiled.value().scenario, options, failure.schedule);
    if (preemptions > most) {
      most = preemptions;
      busiest = failure.schedule;
    }
  }
  ASSERT_GT(most, 1) << "the random walk found only schedules with one preemption";
  auto same_failure = [&](const sim::Schedule& schedule) {
    return scenario::replay_scenario(spec, schedule).failure_kind == "never";
  };
  const cli::ScheduleShrink shrink =
      cli::shrink_preemptions(compiled.value().scenario, options, busiest, same_failure);
  ASSERT_TRUE(shrink.error.empty()) << shrink.error;
  EXPECT_EQ(shrink.preemptions_before, most);
  EXPECT_EQ(shrink.preemptions_after, 1);
  EXPECT_LE(shrink.steps_after, shrink.steps_before);
  EXPECT_TRUE(same_failure(shrink.schedule));
  EXPECT_EQ(cli::schedule_preemptions(compiled.value().scenario, options, shrink.schedule), 1);
}

TEST(ProgressLineTest, ShowsExecutionsRateFailuresCoverageAndTimeLeft) {
  cli::RunTotals totals;
  totals.executions = 5000;
  totals.failing_executions = 3;
  totals.path_events = 14;
  totals.elapsed_seconds = 2.0;
  totals.time_budget_seconds = 10.0;
  EXPECT_EQ(cli::ProgressLine::text("lru", totals),
            "lru: 5000 executions (2500/s), 3 failing, 14 path events, 8.0 s left");
  totals.time_budget_seconds = 0;
  totals.execution_budget = 65000;
  EXPECT_EQ(cli::ProgressLine::text("lru", totals),
            "lru: 5000 executions (2500/s), 3 failing, 14 path events, at most 24 s left");
}

}  // namespace
}  // namespace mapsim
