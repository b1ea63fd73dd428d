// ScenarioResult: what running a scenario found, for the CLI's reports (text, JSON, JUnit) and
// exit codes, and for viz/.
//
// Verdicts, in the order they win:
//   kBadScenario     the spec is invalid, or the explorer refused it (nothing ran)  exit 2
//   kInternalError   nondeterminism (a replay of an execution differed), an exception or
//                    a program error of the scenario's own operations, a history the
//                    linearizability checker refuses                               exit 3
//   kViolation       an execution failed a check (invariants, walks, races, deadlock,
//                    use after free, assertions in the map code, ...)              exit 1
//   kFailedExpectation  an always/never expectation failed in some execution, or an
//                    exists expectation was met by no execution                     exit 1
//   kPass            none of these                                                  exit 0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/run/path_coverage.h"
#include "scenarios/scenario_spec.h"
#include "sim/schedule.h"

namespace mapsim::scenario {

enum class Verdict : uint8_t { kPass, kViolation, kFailedExpectation, kBadScenario, kInternalError };
// "pass", "violation", "failed_expectation", "bad_scenario", "internal_error".
const char* verdict_name(Verdict verdict);

struct ExpectationResult {
  enum class Status : uint8_t {
    kMet,        ///< always/never: no execution broke it; exists: some execution showed it;
                 ///< expected: always met (it only excuses)
    kUnmet,      ///< always/never: some execution broke it; exists: none showed it
    kUndecided,  ///< exists: nothing showed it, but exploring stopped early at a failure
  };
  int index = 0;
  ExpectationSpec::Kind kind = ExpectationSpec::Kind::kExists;
  std::string description;
  Status status = Status::kMet;
  uint64_t satisfied_executions = 0;  ///< judged executions in which all atoms held
  uint64_t excused_executions = 0;    ///< expected: executions whose flags it excused
  /// exists / expected: the first execution satisfying it (expected: the first it excused a
  /// flag in, if any); always / never: the first execution breaking it.
  std::optional<sim::Schedule> witness;
  std::string message;  ///< one line for reports

  // Schedules compare by their text form (choices, name, fingerprint, trace hash).
  bool operator==(const ExpectationResult& other) const;
};
const char* expectation_status_name(ExpectationResult::Status status);

struct ScenarioFailure {
  /// What failed: a check's finding ("invariant": the map's structure, after a step or at the
  /// end, "walk_repeat", "walk_skip", "linearizability", "always", "never", "internal") or the
  /// simulator's ("deadlock", "livelock", "data_race", "use_after_free", "assertion",
  /// "exception", "program_error", "replay_diverged"); "canary_missed" when a canary
  /// scenario's planted bug went uncaught.
  std::string kind;
  std::string message;
  uint64_t execution = 0;  ///< index among the run's judged executions
  sim::Schedule schedule;
  std::string schedule_compact;
  std::string schedule_json;
  std::string trace_tail;           ///< the last records of its trace, one per line
  std::vector<std::string> labels;  ///< the steps concerned (or in flight when it stopped)

  bool operator==(const ScenarioFailure& other) const;
};

struct ScenarioResult {
  Verdict verdict = Verdict::kPass;
  std::string error;      ///< kBadScenario / kInternalError: what is wrong
  std::string scenario;   ///< the scenario's name
  std::string header;     ///< "SEED=... strategy=... scenario=..." (before running)
  std::string strategy;   ///< the strategy's description after the run

  uint64_t executions = 0;          ///< distinct executions run and judged
  uint64_t steps = 0;               ///< simulator steps over all executions
  uint64_t aborted = 0;             ///< cut short by the strategy (DPOR sleep-set blocks)
  uint64_t failing_executions = 0;
  uint64_t expected_executions = 0; ///< executions with flags excused as expected behaviour
  bool exhausted = false;           ///< the strategy covered its whole space
  bool budget_reached = false;      ///< the executions budget ended the run
  bool time_budget_reached = false; ///< the time budget ended the run
  bool stopped_at_failure = false;  ///< stop_on_failure ended the run
  uint64_t determinism_checks = 0;
  /// Judged executions the linearizability checker gave no verdict for, and the first reason
  /// (the map type has no specification; the search ran out of states).
  uint64_t linearizability_unchecked = 0;
  std::string linearizability_unchecked_reason;
  double elapsed_seconds = 0;       ///< wall clock (the only field that varies between runs)

  /// A canary scenario (ScenarioSpec::canary): the mutant planted, and whether the run caught
  /// it. A caught canary is a pass; its failures are kept (they are the evidence).
  std::string canary;
  bool canary_caught = false;

  std::vector<ExpectationResult> expectations;  ///< one per spec expectation, in order
  std::vector<ScenarioFailure> failures;        ///< the first failures_kept, in order
  PathCoverage coverage;

  bool ok() const { return verdict == Verdict::kPass; }
};

}  // namespace mapsim::scenario
