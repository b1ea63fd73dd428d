// run_scenario(): compile a ScenarioSpec, explore it under its strategy and budget, judge every
// execution (checks, expectations) and report; replay_scenario(): rerun one execution from its
// schedule and show what it observed.
//
//   RunOptions options;
//   options.progress = [](const RunProgress& p) { draw_progress_line(p); };
//   ScenarioResult result = run_scenario(spec, options);
//   switch (result.verdict) { ... }   // scenario_result.h: verdicts and exit codes
//
// Determinism: the result is a function of the spec and the options (seed included), except
// elapsed_seconds and, when a time budget ends the run, how far it got. Two runs with the same
// spec and seed give equal results field by field.
//
// Options override the spec's explore section (strategy, seed, executions, time); a caller
// that splits one exploration over threads passes its own strategy for each part.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "impl/mutant.h"
#include "scenarios/run/compiled_spec.h"
#include "scenarios/run/execution_log.h"
#include "scenarios/run/observation.h"
#include "scenarios/run/scenario_result.h"
#include "scenarios/scenario_spec.h"
#include "sim/execution.h"
#include "sim/result.h"
#include "sim/schedule.h"
#include "sim/strategy/strategy.h"

namespace mapsim::scenario {

struct RunProgress {
  uint64_t executions = 0;          ///< judged so far
  uint64_t failing_executions = 0;  ///< violations and failed always/never so far
  double elapsed_seconds = 0;
  double time_budget_seconds = 0;   ///< 0: none
  uint64_t execution_budget = 0;    ///< the executions budget in force (0: strategy default)
  uint64_t path_events = 0;         ///< distinct LRU path events reached so far
};

struct RunOptions {
  std::optional<std::string> strategy;   ///< random | pct | bounded | dpor
  std::optional<uint64_t> seed;
  std::optional<uint64_t> executions;    ///< budget (0: the strategy's default)
  std::optional<double> time_seconds;    ///< 0: none
  /// Explore with this strategy instead of the one the spec (and the fields above) describe;
  /// not owned. For callers that split one exploration into parts.
  sim::Strategy* strategy_override = nullptr;
  /// Bugs planted in the map code for this run (impl/mutant.h; the mutation score).
  MutantSet mutants;
  bool stop_on_failure = false;          ///< stop exploring at the first failing execution
  uint32_t determinism_check_every = 0;  ///< replay every n-th execution at once (0: never)
  size_t failures_kept = 8;              ///< failures reported in full
  size_t trace_tail = 400;               ///< trace records per failure
  /// Called after judged executions, at most every progress_interval_seconds, and once at the
  /// end.
  std::function<void(const RunProgress&)> progress;
  double progress_interval_seconds = 0.25;
  std::function<void(const std::string&)> log;  ///< the explorer's header and failure lines
};

ScenarioResult run_scenario(const ScenarioSpec& spec, const RunOptions& options = {});

// The mutants a run of `spec` plants: `mutants` plus the spec's canary; an unknown canary name
// is an error. (For callers that run a spec's executions themselves: trace capture, split runs.)
sim::Result<MutantSet> run_mutants(const ScenarioSpec& spec, MutantSet mutants);
// A canary scenario's verdict from the verdict of its checks (a no-op for other scenarios): a
// caught canary passes (its failures stay as evidence), a missed one fails with "canary_missed".
void judge_canary(const ScenarioSpec& spec, ScenarioResult* result);

struct ReplayResult {
  std::string error;        ///< bad scenario, or a schedule of another scenario / corrupt
  bool diverged = false;    ///< the execution did not follow the schedule
  std::string divergence;   ///< how
  sim::ExecutionResult result;  ///< steps, completion, failure (kind and message)
  std::string failure_kind; ///< like ScenarioFailure::kind; "" when the execution passed
  /// Keeps the labels and steps the observations point to alive.
  std::shared_ptr<const CompiledSpec> compiled;
  std::vector<Observation> observations;  ///< by slot: setup, CPU programs, interrupts
  ExecutionJudgement judgement;           ///< judged == false when it did not complete
  std::string trace;        ///< the whole trace, one record per line

  bool ok() const { return error.empty() && !diverged; }
};

// Reruns the execution `schedule` records (it must come from this scenario: its name and
// structural fingerprint are checked), with the mutants the recorded run had.
ReplayResult replay_scenario(const ScenarioSpec& spec, const sim::Schedule& schedule,
                             MutantSet mutants = {});

}  // namespace mapsim::scenario
