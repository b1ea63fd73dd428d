#include "scenarios/run/scenario_run.h"

#include <chrono>
#include <memory>

#include "scenarios/run/run_accounting.h"
#include "scenarios/run/scenario_compile.h"
#include "scenarios/run/strategy_config.h"
#include "sim/explorer.h"
#include "sim/strategy/stoppable.h"

namespace mapsim::scenario {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

ScenarioResult bad_scenario(const ScenarioSpec& spec, std::string error) {
  ScenarioResult result;
  result.verdict = Verdict::kBadScenario;
  result.scenario = spec.name;
  result.error = std::move(error);
  return result;
}

// The spec's explore section with the options' overrides applied.
ExploreSpec effective_explore(const ScenarioSpec& spec, const RunOptions& options) {
  ExploreSpec explore = spec.explore;
  if (options.strategy) explore.strategy = *options.strategy;
  if (options.seed) explore.seed = *options.seed;
  if (options.executions) explore.executions = *options.executions;
  if (options.time_seconds) explore.time_seconds = *options.time_seconds;
  return explore;
}

}  // namespace

// The mutants of a run: the caller's, plus the canary the spec plants.
sim::Result<MutantSet> run_mutants(const ScenarioSpec& spec, MutantSet mutants) {
  if (spec.canary.empty()) return sim::Result<MutantSet>::success(mutants);
  const std::optional<Mutant> canary = mutant_from_name(spec.canary);
  if (!canary) {
    return sim::Result<MutantSet>::failure("canary: unknown mutant '" + spec.canary +
                                           "' (impl/mutant.h lists them)");
  }
  mutants.add(*canary);
  return sim::Result<MutantSet>::success(mutants);
}

// A canary passes when the planted bug was caught (a violation or a failed expectation), and
// fails when every check missed it.
void judge_canary(const ScenarioSpec& spec, ScenarioResult* result) {
  if (spec.canary.empty()) return;
  result->canary = spec.canary;
  switch (result->verdict) {
    case Verdict::kViolation:
    case Verdict::kFailedExpectation:
      result->canary_caught = true;
      result->verdict = Verdict::kPass;
      break;
    case Verdict::kPass: {
      result->verdict = Verdict::kFailedExpectation;
      ScenarioFailure missed;
      missed.kind = "canary_missed";
      missed.message = "canary: the planted mutant '" + spec.canary +
                       "' survived every explored execution; the checks no longer catch it";
      result->failures.insert(result->failures.begin(), std::move(missed));
      break;
    }
    case Verdict::kBadScenario:
    case Verdict::kInternalError:
      break;
  }
}

ScenarioResult run_scenario(const ScenarioSpec& spec, const RunOptions& options) {
  const Clock::time_point start = Clock::now();
  ScenarioSpec effective = spec;
  effective.explore = effective_explore(spec, options);
  sim::Result<CompiledScenario> compiled = compile_scenario(effective);
  if (!compiled.ok()) return bad_scenario(spec, compiled.error());
  const CompiledScenario& scenario = compiled.value();
  const sim::Result<MutantSet> mutants = run_mutants(spec, options.mutants);
  if (!mutants.ok()) return bad_scenario(spec, mutants.error());

  std::unique_ptr<sim::Strategy> own_strategy;
  sim::Strategy* strategy = options.strategy_override;
  if (strategy == nullptr) {
    sim::Result<std::unique_ptr<sim::Strategy>> made =
        sim::make_strategy(strategy_config(effective.explore, effective.faults));
    if (!made.ok()) return bad_scenario(spec, made.error());
    own_strategy = std::move(made.value());
    strategy = own_strategy.get();
  }
  const double time_budget = effective.explore.time_seconds;
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                  time_budget > 0 ? time_budget : 0));
  sim::StoppableStrategy timed(*strategy, [time_budget, deadline] {
    return time_budget > 0 && Clock::now() >= deadline;
  });

  RunAccounting accounting(*scenario.compiled, *scenario.log);
  sim::ExplorerOptions explorer_options = scenario.explorer_options();
  explorer_options.execution.mutants = mutants.value();
  // A canary's first catch is all the evidence it needs; executions after it run on a map whose
  // planted bug may already have corrupted memory beyond what the checks can describe.
  const bool stop_on_failure = options.stop_on_failure || !spec.canary.empty();
  explorer_options.stop_on_failure = stop_on_failure;
  explorer_options.determinism_check_every = options.determinism_check_every;
  explorer_options.failures_kept = options.failures_kept;
  explorer_options.trace_tail = options.trace_tail;
  explorer_options.log = options.log;
  RunProgress progress;
  progress.time_budget_seconds = effective.explore.time_seconds;
  progress.execution_budget = effective.explore.executions;
  Clock::time_point last_progress = start;
  explorer_options.observer = [&](const sim::ExecutionRecord& record) {
    accounting.observe(record);
    if (!options.progress) return;
    const Clock::time_point now = Clock::now();
    if (std::chrono::duration<double>(now - last_progress).count() <
        options.progress_interval_seconds) {
      return;
    }
    last_progress = now;
    progress.executions = record.index + 1;
    progress.failing_executions = accounting.failing_executions();
    progress.path_events = accounting.path_events_reached();
    progress.elapsed_seconds = seconds_since(start);
    options.progress(progress);
  };

  sim::Explorer explorer(scenario.scenario, explorer_options);
  const sim::ExploreReport report = explorer.explore(timed);
  ScenarioResult result;
  result.scenario = scenario.scenario.name;
  if (!report.error.empty()) return bad_scenario(spec, report.error);
  result.header = report.header;
  result.strategy = report.strategy;
  result.executions = report.executions;
  result.steps = report.steps;
  result.aborted = report.aborted;
  result.failing_executions = report.failing_executions;
  result.exhausted = report.exhausted;
  result.time_budget_reached = timed.stopped();
  result.budget_reached = report.budget_reached && !result.time_budget_reached;
  result.stopped_at_failure = stop_on_failure && report.failing_executions > 0 &&
                              !report.exhausted && !report.budget_reached &&
                              !result.time_budget_reached;
  result.determinism_checks = report.determinism_checks;
  accounting.finish(report, result.stopped_at_failure, &result);
  judge_canary(spec, &result);
  result.elapsed_seconds = seconds_since(start);
  if (options.progress) {
    progress.executions = report.executions;
    progress.failing_executions = report.failing_executions;
    progress.path_events = result.coverage.events.size();
    progress.elapsed_seconds = result.elapsed_seconds;
    options.progress(progress);
  }
  return result;
}

ReplayResult replay_scenario(const ScenarioSpec& spec, const sim::Schedule& schedule,
                             MutantSet mutants) {
  ReplayResult replay;
  sim::Result<CompiledScenario> compiled = compile_scenario(spec);
  if (!compiled.ok()) {
    replay.error = compiled.error();
    return replay;
  }
  const CompiledScenario& scenario = compiled.value();
  const sim::Result<MutantSet> planted = run_mutants(spec, mutants);
  if (!planted.ok()) {
    replay.error = planted.error();
    return replay;
  }
  sim::ExplorerOptions explorer_options = scenario.explorer_options();
  explorer_options.execution.mutants = planted.value();
  sim::Explorer explorer(scenario.scenario, explorer_options);
  const LoggedExecution& logged = scenario.log->this_thread();
  const uint64_t builds_before = logged.builds;
  sim::ReplayReport report = explorer.replay(schedule);
  replay.error = report.error;
  replay.diverged = report.diverged;
  replay.divergence = report.divergence;
  replay.result = report.result;
  replay.trace = report.trace;
  replay.compiled = scenario.compiled;
  // The fingerprint check builds an instance too: only the last build is the replayed one.
  if (report.error.empty() && logged.builds > builds_before) {
    replay.observations = logged.observations;
    replay.judgement = logged.judgement;
  }
  if (report.result.failure) {
    const sim::FailureKind kind = report.result.failure.kind;
    replay.failure_kind = failure_kind_id(kind);
    if (kind == sim::FailureKind::kCheck && !replay.judgement.violations.empty()) {
      replay.failure_kind = finding_kind_name(replay.judgement.violations.front().kind);
    }
  }
  return replay;
}

}  // namespace mapsim::scenario
