#include "cli/failure_traces.h"

#include <filesystem>

#include "cli/build_info.h"
#include "scenarios/run/scenario_compile.h"
#include "scenarios/run/scenario_run.h"
#include "scenarios/scenario_yaml.h"
#include "sim/capture.h"

namespace mapsim::cli {

std::string shell_quote(const std::string& text) {
  bool plain = !text.empty();
  for (char c : text) {
    const bool safe = std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' ||
                      c == '-' || c == '_' || c == '+' || c == ':' || c == '=' || c == ',';
    plain = plain && safe;
  }
  if (plain) return text;
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

sim::Result<sim::ExplorerOptions> run_explorer_options(const scenario::CompiledScenario& compiled,
                                                       const scenario::ScenarioSpec& spec) {
  const sim::Result<MutantSet> mutants = scenario::run_mutants(spec, {});
  if (!mutants.ok()) return sim::Result<sim::ExplorerOptions>::failure(mutants.error());
  sim::ExplorerOptions options = compiled.explorer_options();
  options.execution.mutants = mutants.value();
  return sim::Result<sim::ExplorerOptions>::success(std::move(options));
}

sim::Result<scenario::TraceFile> make_trace_file(const scenario::ScenarioSpec& spec,
                                                 const sim::Schedule& schedule,
                                                 const std::string& failure_kind,
                                                 uint64_t execution, const std::string& path) {
  using Made = sim::Result<scenario::TraceFile>;
  sim::Result<scenario::CompiledScenario> compiled = scenario::compile_scenario(spec);
  if (!compiled.ok()) return Made::failure(compiled.error());
  const sim::Result<sim::ExplorerOptions> options = run_explorer_options(compiled.value(), spec);
  if (!options.ok()) return Made::failure(options.error());
  const sim::CapturedExecution captured =
      sim::capture_execution(compiled.value().scenario, schedule, options.value());
  if (!captured.error.empty()) return Made::failure(captured.error);
  if (captured.diverged) {
    return Made::failure("nondeterminism: re-running a failing execution from its schedule "
                         "did not reproduce it: " + captured.divergence);
  }
  scenario::TraceFile file;
  const BuildInfo& build = build_info();
  file.mapsim_version = build.version;
  file.git_describe = build.git_describe;
  file.git_commit = build.git_commit;
  file.scenario_name = spec.name;
  file.scenario_file = spec.file;
  file.scenario_yaml = scenario::emit_scenario_yaml(spec);
  file.strategy = spec.explore.strategy;
  file.seed = spec.explore.seed;
  file.execution = execution;
  scenario::fill_from_capture(captured, &file);
  if (!file.failure.kind.empty() && !failure_kind.empty()) file.failure.kind = failure_kind;
  file.reproduce = "mapsim replay " + shell_quote(path);
  return Made::success(std::move(file));
}

void write_failure_traces(const std::string& out_dir, ScenarioRunRecord* record) {
  scenario::ScenarioResult& result = record->result;
  record->traces.clear();
  for (size_t i = 0; i < result.failures.size(); ++i) {
    const scenario::ScenarioFailure& failure = result.failures[i];
    FailureTrace trace;
    if (failure.schedule.scenario.empty()) {  // not one execution's failure
      trace.reproduce = record->rerun;
      record->traces.push_back(std::move(trace));
      continue;
    }
    const std::string path = (std::filesystem::path(out_dir) / "traces" /
                              (record->name + "-" + std::to_string(i + 1) + ".json"))
                                 .string();
    sim::Result<scenario::TraceFile> file =
        make_trace_file(record->spec, failure.schedule, failure.kind, failure.execution, path);
    if (!file.ok()) {
      trace.error = file.error();
      trace.reproduce = record->rerun;
      if (file.error().rfind("nondeterminism", 0) == 0) {
        result.verdict = scenario::Verdict::kInternalError;
        result.error = file.error();
      }
    } else {
      trace.error = scenario::write_text_file(path, scenario::trace_file_json(file.value()));
      trace.path = trace.error.empty() ? path : "";
      trace.reproduce = trace.error.empty() ? file.value().reproduce : record->rerun;
    }
    record->traces.push_back(std::move(trace));
  }
}

}  // namespace mapsim::cli
