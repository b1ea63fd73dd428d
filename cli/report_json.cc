#include "cli/report_json.h"

#include <nlohmann/json.hpp>

#include <map>

#include "cli/build_info.h"
#include "cli/scenario_run_record.h"
#include "impl/lru_path_event.h"
#include "scenarios/run/atom_eval.h"

namespace mapsim::cli {
namespace {

using nlohmann::ordered_json;

std::string event_name(uint16_t id) {
  const char* name = path_event_name(static_cast<PathEvent>(id));
  return name != nullptr ? name : "event#" + std::to_string(id);
}

ordered_json coverage_json(const scenario::PathCoverage& coverage) {
  ordered_json events = ordered_json::object();
  for (const auto& [id, count] : coverage.events) events[event_name(id)] = count;
  ordered_json transitions = ordered_json::array();
  for (const auto& [edge, count] : coverage.transitions) {
    transitions.push_back(
        {{"from", event_name(edge.first)}, {"to", event_name(edge.second)}, {"count", count}});
  }
  return {{"events_reached", coverage.events.size()},
          {"events_total", all_path_events().size()},
          {"events", events},
          {"transitions", transitions}};
}

ordered_json expectation_json(const scenario::ExpectationResult& expectation) {
  return {{"index", expectation.index},
          {"kind", scenario::expectation_kind_name(expectation.kind)},
          {"description", expectation.description},
          {"status", scenario::expectation_status_name(expectation.status)},
          {"satisfied_executions", expectation.satisfied_executions},
          {"excused_executions", expectation.excused_executions},
          {"message", expectation.message},
          {"witness", expectation.witness ? ordered_json(expectation.witness->to_compact())
                                          : ordered_json(nullptr)}};
}

ordered_json failure_json(const scenario::ScenarioFailure& failure, const FailureTrace* trace) {
  ordered_json object = {{"kind", failure.kind},
                         {"message", failure.message},
                         {"execution", failure.execution},
                         {"labels", failure.labels},
                         {"schedule", failure.schedule_compact}};
  object["trace"] = trace != nullptr && !trace->path.empty() ? ordered_json(trace->path)
                                                             : ordered_json(nullptr);
  if (trace != nullptr && !trace->error.empty()) object["trace_error"] = trace->error;
  object["reproduce"] = trace != nullptr ? trace->reproduce : "";
  return object;
}

ordered_json scenario_json(const ScenarioRunRecord& record) {
  const scenario::ScenarioResult& result = record.result;
  ordered_json object = {{"name", record.name},
                         {"file", record.file},
                         {"verdict", scenario::verdict_name(result.verdict)}};
  if (!record.errors.empty()) object["errors"] = record.errors;
  if (!result.error.empty()) object["error"] = result.error;
  object["rerun"] = record.rerun;
  if (!record.errors.empty()) return object;
  object["header"] = result.header;
  object["strategy"] = result.strategy;
  object["seed"] = record.spec.explore.seed;
  object["counts"] = {{"executions", result.executions},
                      {"steps", result.steps},
                      {"aborted", result.aborted},
                      {"failing_executions", result.failing_executions},
                      {"expected_executions", result.expected_executions},
                      {"determinism_checks", result.determinism_checks}};
  object["ended_by"] = {{"exhausted", result.exhausted},
                        {"budget", result.budget_reached},
                        {"time", result.time_budget_reached},
                        {"failure", result.stopped_at_failure}};
  ordered_json expectations = ordered_json::array();
  for (const auto& expectation : result.expectations) {
    expectations.push_back(expectation_json(expectation));
  }
  object["expectations"] = expectations;
  ordered_json failures = ordered_json::array();
  for (size_t i = 0; i < result.failures.size(); ++i) {
    failures.push_back(failure_json(result.failures[i],
                                    i < record.traces.size() ? &record.traces[i] : nullptr));
  }
  object["failures"] = failures;
  object["coverage"] = coverage_json(result.coverage);
  return object;
}

}  // namespace

std::string report_json(const std::vector<ScenarioRunRecord>& records) {
  ordered_json scenarios = ordered_json::array();
  std::map<std::string, uint64_t> verdicts;
  for (const ScenarioRunRecord& record : records) {
    scenarios.push_back(scenario_json(record));
    ++verdicts[scenario::verdict_name(record.result.verdict)];
  }
  const BuildInfo& build = build_info();
  ordered_json report = {
      {"format", "mapsim-report"},
      {"format_version", 1},
      {"mapsim", {{"version", build.version},
                  {"git_describe", build.git_describe},
                  {"git_commit", build.git_commit}}},
      {"exit_status", exit_status_of(records)},
      {"totals", {{"scenarios", records.size()}, {"verdicts", verdicts}}},
      {"scenarios", scenarios}};
  return report.dump(2) + "\n";
}

}  // namespace mapsim::cli
