#include "cli/run_pictures.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/trace_pictures.h"
#include "scenarios/trace/trace_file.h"
#include "viz/lru_flowchart_dot.h"
#include "viz/report_index.h"

namespace mapsim::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string details_of(uint64_t executions, uint64_t failing, bool exhausted) {
  std::string text = std::to_string(executions) + " executions";
  if (exhausted) text += " (exhaustive)";
  if (failing > 0) text += ", " + std::to_string(failing) + " failing";
  return text;
}

viz::LruPathCounts counts_of(const scenario::PathCoverage& coverage) {
  return viz::lru_path_counts_from_events(coverage.events, coverage.transitions);
}

std::string stem_of(const std::string& path) { return fs::path(path).stem().string(); }

std::string relative_to(const std::string& path, const std::string& folder) {
  const fs::path relative = fs::path(path).lexically_relative(folder);
  return relative.empty() ? path : relative.generic_string();
}

// Coverage counts from report.json's coverage object (events by name, transitions by name).
sim::Result<std::pair<viz::LruPathCounts, std::vector<std::string>>> coverage_from_report(
    const json& coverage) {
  using Made = sim::Result<std::pair<viz::LruPathCounts, std::vector<std::string>>>;
  std::map<uint16_t, uint64_t> events;
  std::map<std::pair<uint16_t, uint16_t>, uint64_t> transitions;
  std::vector<std::string> names;
  auto id_of = [](const std::string& name) -> std::optional<uint16_t> {
    const std::optional<PathEvent> event = path_event_from_name(name);
    if (!event) return std::nullopt;
    return static_cast<uint16_t>(*event);
  };
  for (const auto& [name, count] : coverage.at("events").items()) {
    const std::optional<uint16_t> id = id_of(name);
    if (!id) return Made::failure("coverage: unknown path event \"" + name + "\"");
    events[*id] = count.get<uint64_t>();
    names.push_back(name);
  }
  for (const json& transition : coverage.at("transitions")) {
    const std::optional<uint16_t> from = id_of(transition.at("from").get<std::string>());
    const std::optional<uint16_t> to = id_of(transition.at("to").get<std::string>());
    if (!from || !to) return Made::failure("coverage: a transition names an unknown event");
    transitions[{*from, *to}] = transition.at("count").get<uint64_t>();
  }
  return Made::success({viz::lru_path_counts_from_events(events, transitions), names});
}

RunSummaryScenario summary_from_report(const json& scenario, const std::string& run_dir) {
  RunSummaryScenario summary;
  summary.name = scenario.at("name").get<std::string>();
  summary.file = scenario.value("file", "");
  summary.verdict = scenario.at("verdict").get<std::string>();
  summary.passed = summary.verdict == "pass";
  if (scenario.contains("counts")) {
    const json& counts = scenario.at("counts");
    const bool exhausted = scenario.contains("ended_by") &&
                           scenario.at("ended_by").value("exhausted", false);
    summary.details = details_of(counts.value("executions", uint64_t{0}),
                                 counts.value("failing_executions", uint64_t{0}), exhausted);
  }
  for (const json& failure : scenario.value("failures", json::array())) {
    if (!failure.contains("trace") || !failure.at("trace").is_string()) continue;
    std::string path = failure.at("trace").get<std::string>();
    std::error_code ignored;
    if (!fs::exists(path, ignored)) {
      path = (fs::path(run_dir) / "traces" / fs::path(path).filename()).string();
    }
    summary.trace_paths.push_back(path);
  }
  return summary;
}

}  // namespace

std::optional<viz::LruListKind> lru_list_kind_of_events(const std::vector<std::string>& names) {
  bool common = false;
  for (const std::string& name : names) {
    if (name.rfind("lru.percpu.", 0) == 0 || name == "lru.push.percpu_to_free") {
      return viz::LruListKind::kPercpu;
    }
    common = common || name.rfind("lru.pop.", 0) == 0 || name.rfind("lru.refill.", 0) == 0 ||
             name.rfind("lru.steal.", 0) == 0 || name == "lru.push.pending_to_local_free" ||
             name == "lru.push.pending_moved_meanwhile" || name == "lru.push.to_global_free";
  }
  if (common) return viz::LruListKind::kCommon;
  return std::nullopt;
}

std::vector<RunSummaryScenario> run_summaries(const std::vector<ScenarioRunRecord>& records) {
  std::vector<RunSummaryScenario> summaries;
  for (const ScenarioRunRecord& record : records) {
    const scenario::ScenarioResult& result = record.result;
    RunSummaryScenario summary;
    summary.name = record.name;
    summary.file = record.file;
    summary.verdict = scenario::verdict_name(result.verdict);
    summary.passed = result.ok();
    if (record.errors.empty()) {
      summary.details = details_of(result.executions, result.failing_executions,
                                   result.exhausted);
      summary.lru_kind = lru_list_kind(record.spec.map);
      summary.coverage = counts_of(result.coverage);
    } else {
      summary.details = record.errors.front();
    }
    for (const FailureTrace& trace : record.traces) {
      if (!trace.path.empty()) summary.trace_paths.push_back(trace.path);
    }
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

sim::Result<std::vector<RunSummaryScenario>> run_summaries_from_report(
    const std::string& run_dir) {
  using Made = sim::Result<std::vector<RunSummaryScenario>>;
  const std::string path = (fs::path(run_dir) / "report.json").string();
  std::ifstream in(path);
  if (!in) return Made::failure(path + ": cannot be read (is " + run_dir + " a run folder?)");
  std::stringstream text;
  text << in.rdbuf();
  try {
    const json report = json::parse(text.str());
    if (report.value("format", "") != "mapsim-report") {
      return Made::failure(path + ": not a mapsim report (format is not \"mapsim-report\")");
    }
    std::vector<RunSummaryScenario> summaries;
    for (const json& scenario : report.at("scenarios")) {
      RunSummaryScenario summary = summary_from_report(scenario, run_dir);
      if (scenario.contains("coverage")) {
        auto coverage = coverage_from_report(scenario.at("coverage"));
        if (!coverage.ok()) return Made::failure(path + ": " + summary.name + ": " +
                                                 coverage.error());
        summary.coverage = std::move(coverage.value().first);
        summary.lru_kind = lru_list_kind_of_events(coverage.value().second);
      }
      summaries.push_back(std::move(summary));
    }
    return Made::success(std::move(summaries));
  } catch (const json::exception& error) {
    return Made::failure(path + ": " + error.what());
  }
}

namespace {

// A picture that could not be written goes with the output folder's problems, one that could
// not be drawn with mapsim's own.
void note_error(const DrawnPictures& drawn, const std::string& prefix,
                RunPicturesOutcome* outcome) {
  (drawn.unwritable ? outcome->unwritable : outcome->failures).push_back(prefix + drawn.error);
}

// One scenario's entry of the index: its traces drawn, its coverage drawn.
viz::ReportScenario draw_scenario(const RunSummaryScenario& scenario, const std::string& out_dir,
                                  const RunPictureOptions& options, RunPicturesOutcome* outcome) {
  viz::ReportScenario entry{scenario.name, scenario.file, scenario.verdict, scenario.passed,
                            scenario.details, {}, {}};
  for (const std::string& trace_path : scenario.trace_paths) {
    entry.traces.push_back(relative_to(trace_path, out_dir));
    sim::Result<scenario::TraceFile> file = scenario::load_trace_file(trace_path);
    if (!file.ok()) {
      outcome->bad_input.push_back(file.error());
      continue;
    }
    if (std::string problem = trace_file_drawing_problem(file.value()); !problem.empty()) {
      outcome->bad_input.push_back(trace_path + ": " + problem);
      continue;
    }
    DrawnPictures drawn =
        write_trace_pictures(file.value(), out_dir, stem_of(trace_path), options.detail,
                             options.lru_update_pictures);
    if (!drawn.error.empty()) note_error(drawn, trace_path + ": ", outcome);
    for (const std::string& note : drawn.notes) {
      outcome->notes.push_back(note);
      entry.details += (entry.details.empty() ? "" : "; ") + note;
    }
    entry.pictures.insert(entry.pictures.end(), drawn.pictures.begin(), drawn.pictures.end());
  }
  if (scenario.lru_kind && !scenario.coverage.nodes.empty()) {
    DrawnPictures drawn = write_picture_file(
        viz::draw_lru_coverage(*scenario.lru_kind, scenario.coverage,
                               "LRU path coverage of " + scenario.name),
        out_dir, stem_of(scenario.name) + "-coverage", "LRU path coverage");
    if (!drawn.error.empty()) note_error(drawn, "", outcome);
    entry.pictures.insert(entry.pictures.end(), drawn.pictures.begin(), drawn.pictures.end());
  }
  return entry;
}

}  // namespace

RunPicturesOutcome write_run_pictures(const std::vector<RunSummaryScenario>& scenarios,
                                      const std::string& out_dir,
                                      const RunPictureOptions& options) {
  RunPicturesOutcome outcome;
  viz::ReportIndex index;
  index.title = options.title;
  std::map<viz::LruListKind, viz::LruPathCounts> run_coverage;
  size_t failing = 0;
  for (const RunSummaryScenario& scenario : scenarios) {
    failing += scenario.passed ? 0 : 1;
    index.scenarios.push_back(draw_scenario(scenario, out_dir, options, &outcome));
    if (scenario.lru_kind && !scenario.coverage.nodes.empty()) {
      run_coverage[*scenario.lru_kind].add(scenario.coverage);
    }
  }
  for (const auto& [kind, counts] : run_coverage) {
    const std::string chart = viz::lru_list_kind_name(kind);
    DrawnPictures drawn = write_picture_file(
        viz::draw_lru_coverage(kind, counts, "LRU path coverage of the whole run"), out_dir,
        "run-coverage-" + chart, "LRU path coverage of the whole run (" + chart + " LRU)");
    if (!drawn.error.empty()) note_error(drawn, "", &outcome);
    index.run_pictures.insert(index.run_pictures.end(), drawn.pictures.begin(),
                              drawn.pictures.end());
  }
  index.summary = std::to_string(scenarios.size()) + " scenarios, " + std::to_string(failing) +
                  " not passing";
  if (std::string error = viz::write_report_index(index, out_dir); !error.empty()) {
    outcome.unwritable.push_back(error);
  }
  return outcome;
}

}  // namespace mapsim::cli
