// RunAccounting: the explorer's observer for run_scenario(). After every judged execution it
// reads the execution's judgement from the log (execution_log.h) and keeps the run's totals:
// per-expectation counts and witnesses, executions with excused ("expected") flags, path-event
// coverage, and for each failing execution what kind of failure it is and which steps it
// concerns. finish() turns the totals and the explorer's report into the ScenarioResult.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scenarios/run/compiled_spec.h"
#include "scenarios/run/execution_log.h"
#include "scenarios/run/scenario_result.h"
#include "sim/explorer.h"

namespace mapsim::scenario {

class RunAccounting {
 public:
  RunAccounting(const CompiledSpec& compiled, ExecutionLog& log);

  // The observer: once per judged execution, right after it ran.
  void observe(const sim::ExecutionRecord& record);
  uint64_t failing_executions() const { return failing_; }
  uint64_t path_events_reached() const { return coverage_.events.size(); }

  // Fills `result` from the totals and the explorer's report. `stopped_at_failure`: exploring
  // ended at a failure before the budget (exists expectations are then undecided).
  void finish(const sim::ExploreReport& report, bool stopped_at_failure,
              ScenarioResult* result) const;

 private:
  enum class Category : uint8_t { kViolation, kExpectation, kInternal };
  struct FailureInfo {
    std::string kind;
    std::vector<std::string> labels;
    Category category = Category::kViolation;
  };

  void count_judgement(const ExecutionJudgement& judgement, const sim::Schedule& schedule);
  FailureInfo classify(const sim::ExecutionRecord& record, const LoggedExecution& logged) const;
  std::vector<std::string> labels_in_flight(const sim::Trace& trace) const;

  const CompiledSpec& compiled_;
  ExecutionLog& log_;
  std::vector<ExpectationResult> expectations_;
  std::map<uint64_t, FailureInfo> failures_;  // by execution index
  PathCoverage coverage_;
  uint64_t expected_executions_ = 0;
  uint64_t linearizability_unchecked_ = 0;
  std::string linearizability_unchecked_reason_;
  uint64_t failing_ = 0;
  uint64_t by_category_[3] = {0, 0, 0};
};

// "deadlock", "data_race", "use_after_free", ... (ScenarioFailure::kind of simulator failures).
const char* failure_kind_id(sim::FailureKind kind);

}  // namespace mapsim::scenario
