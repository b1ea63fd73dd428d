// `mapsim run --jobs 3` on real OS threads, through the library (cli/parallel_run.h over
// sim/partition.h and cli/result_merge.h), built under ThreadSanitizer by scripts/test.sh (the
// test's name holds RealThread).
//
// A few scenario files, each under each strategy family, run the way `mapsim run` runs them
// (determinism self-checks on, a progress callback summing the parts' counts from their
// threads), once on 1 thread and once on 3; the merged results must be equal field by field, as
// the JSON report shows them. Stopping at the first failure (a canary's planted bug, the seeded
// bug with stop_on_failure) makes the running parts stop early from another thread: the path
// where the threads talk to each other most. Budgets are small so that the test takes a few
// seconds under TSan.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "cli/parallel_run.h"
#include "cli/report_json.h"
#include "cli/scenario_run_record.h"
#include "scenarios/scenario_yaml.h"

namespace mapsim {
namespace {

using scenario::ScenarioResult;
using scenario::ScenarioSpec;

struct Case {
  const char* file;      ///< below the source tree
  const char* strategy;  ///< "" keeps the file's own
  uint64_t executions;
  bool stop_on_failure;
};

ScenarioSpec load(const Case& test_case) {
  scenario::ScenarioParse parse =
      scenario::load_scenario_file(std::string(MAPSIM_SOURCE_DIR) + "/" + test_case.file);
  EXPECT_TRUE(parse.ok()) << test_case.file << ": "
                          << (parse.errors.empty() ? "" : parse.errors.front());
  if (*test_case.strategy != '\0') parse.spec.explore.strategy = test_case.strategy;
  parse.spec.explore.executions = test_case.executions;
  return parse.spec;
}

// The result as report.json shows it (nothing in it depends on timing or on the thread count).
std::string report_of(const Case& test_case, const ScenarioSpec& spec,
                      const ScenarioResult& result) {
  cli::ScenarioRunRecord record;
  record.file = test_case.file;
  record.name = spec.name;
  record.spec = spec;
  record.result = result;
  return cli::report_json({record});
}

struct Outcome {
  ScenarioResult result;
  uint64_t progress_calls = 0;
  uint64_t most_executions_seen = 0;
};

Outcome run_on(int jobs, const ScenarioSpec& spec, bool stop_on_failure) {
  std::atomic<uint64_t> calls{0};
  uint64_t most = 0;  // the callback is serialised by the run (cli/parallel_run.h)
  cli::ParallelRunOptions options;
  options.jobs = jobs;
  options.stop_on_failure = stop_on_failure;
  options.determinism_check_every = 16;
  options.progress = [&](const cli::RunTotals& totals) {
    calls.fetch_add(1, std::memory_order_relaxed);
    most = std::max(most, totals.executions);
  };
  Outcome outcome;
  outcome.result = cli::run_scenario_parallel(spec, options);
  outcome.progress_calls = calls.load();
  outcome.most_executions_seen = most;
  return outcome;
}

TEST(ParallelRunRealThreadTest, ThreeThreadsMergeToTheResultOfOne) {
  const std::vector<Case> cases = {
      {"tests/data/cli/seeded_bug.yaml", "dpor", 90, false},
      {"tests/data/cli/seeded_bug.yaml", "pct", 90, true},
      {"tests/data/cli/seeded_bug.yaml", "bounded", 90, true},
      {"scenarios/suite/lru_steal_race.yaml", "random", 60, false},
      {"scenarios/suite/hash_delete_vs_insert.yaml", "", 60, false},
      {"scenarios/suite/canary_lru_steal_without_victim_lock.yaml", "", 200, false},
  };
  for (const Case& test_case : cases) {
    SCOPED_TRACE(std::string(test_case.file) + " " + test_case.strategy);
    const ScenarioSpec spec = load(test_case);
    const Outcome one = run_on(1, spec, test_case.stop_on_failure);
    const Outcome three = run_on(3, spec, test_case.stop_on_failure);
    ASSERT_NE(one.result.verdict, scenario::Verdict::kBadScenario) << one.result.error;
    ASSERT_NE(one.result.verdict, scenario::Verdict::kInternalError) << one.result.error;
    EXPECT_GT(one.result.executions, 0u);
    EXPECT_EQ(report_of(test_case, spec, three.result), report_of(test_case, spec, one.result));
    EXPECT_EQ(three.result.executions, one.result.executions);
    EXPECT_EQ(three.result.determinism_checks, one.result.determinism_checks);
    EXPECT_GT(three.progress_calls, 0u);
    // The totals count every part's executions, including those of parts a stop discards.
    EXPECT_GE(three.most_executions_seen, 1u);
  }
}

}  // namespace
}  // namespace mapsim
