#include "sim/capture.h"

#include <sstream>

#include "sim/strategy/replay.h"

namespace mapsim::sim {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

// The operations of each context, in context order (Outcome's layout).
std::vector<std::vector<std::string>> names_of(const ScenarioInstance& instance,
                                               const Outcome& outcome) {
  std::vector<std::vector<std::string>> names;
  int nested_index = 0;
  for (const Outcome::ContextInfo& context : outcome.contexts) {
    const std::vector<Operation>* program = nullptr;
    if (!context.nested && static_cast<size_t>(context.cpu) < instance.cpus.size()) {
      program = &instance.cpus[context.cpu];
    } else if (context.nested && static_cast<size_t>(nested_index) < instance.nested.size()) {
      program = &instance.nested[nested_index].operations;
    }
    if (context.nested) ++nested_index;
    std::vector<std::string> context_names;
    if (program != nullptr) {
      for (const Operation& operation : *program) context_names.push_back(operation.name);
    }
    names.push_back(std::move(context_names));
  }
  return names;
}

}  // namespace

CapturedExecution capture_execution(const Scenario& scenario, const Schedule& schedule,
                                    const ExplorerOptions& options) {
  CapturedExecution captured;
  ExplorerOptions capturing = options;
  capturing.max_executions = 1;
  capturing.determinism_check_every = 0;
  capturing.failures_kept = 1;
  capturing.log = nullptr;
  capturing.observer = [&captured](const ExecutionRecord& record) {
    captured.result = *record.result;
    captured.schedule = *record.schedule;
    captured.records = record.trace->records();
    captured.lines = split_lines(record.trace->format(*record.instance, *record.outcome));
    captured.outcome = *record.outcome;
    captured.operation_names = names_of(*record.instance, *record.outcome);
  };
  Explorer explorer(scenario, capturing);
  captured.stack_bytes = explorer.stack_bytes();
  const uint64_t fingerprint = explorer.fingerprint();
  if (schedule.scenario != scenario.name) {
    captured.error = "schedule: recorded for scenario '" + schedule.scenario + "', not for '" +
                     scenario.name + "'";
    return captured;
  }
  if (schedule.fingerprint != fingerprint) {
    captured.error = "schedule: its fingerprint does not match scenario '" + scenario.name +
                     "' (its CPUs, programs or operation names changed since it was recorded)";
    return captured;
  }
  ReplayStrategy replay(schedule);
  const ExploreReport report = explorer.explore(replay);
  if (!report.error.empty()) {
    captured.error = report.error;
    return captured;
  }
  if (report.executions == 0) {
    captured.diverged = true;
    captured.divergence = "replay diverged: " + replay.abort_reason();
  } else if (captured.result.failure.kind == FailureKind::kReplayDiverged) {
    captured.diverged = true;
    captured.divergence = captured.result.failure.message;
  } else if (replay.unused_choices() > 0) {
    captured.diverged = true;
    captured.divergence = "replay diverged: the execution ended with " +
                          std::to_string(replay.unused_choices()) +
                          " choices of the schedule unused";
  } else if (schedule.trace_hash != 0 && captured.result.trace_hash != schedule.trace_hash) {
    captured.diverged = true;
    captured.divergence = "replay diverged: the trace differs from the recorded one (hash)";
  }
  return captured;
}

}  // namespace mapsim::sim
