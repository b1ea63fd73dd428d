#include "cli/failure_traces.h"

#include <filesystem>
#include <optional>

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

std::vector<std::string> mutant_names(MutantSet mutants) {
  std::vector<std::string> names;
  for (const MutantInfo& info : kMutantCatalogue) {
    if (mutants.contains(info.mutant)) names.emplace_back(info.name);
  }
  return names;
}

sim::Result<MutantSet> mutants_named(const std::vector<std::string>& names) {
  MutantSet mutants;
  for (const std::string& name : names) {
    const std::optional<Mutant> mutant = mutant_from_name(name);
    if (!mutant) {
      std::string known;
      for (const MutantInfo& info : kMutantCatalogue) {
        known += (known.empty() ? "" : ", ") + std::string(info.name);
      }
      return sim::Result<MutantSet>::failure("unknown mutant '" + name +
                                             "' (this mapsim plants " + known + ")");
    }
    mutants.add(*mutant);
  }
  return sim::Result<MutantSet>::success(mutants);
}

std::string recorded_mutants_problem(const scenario::TraceFile& trace, MutantSet planted) {
  if (!trace.mutants_recorded) return "";
  const sim::Result<MutantSet> listed = mutants_named(trace.mutants);
  if (!listed.ok()) return "'mutants': " + listed.error();
  if (listed.value() == planted) return "";
  auto joined = [](const std::vector<std::string>& names) {
    std::string text;
    for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
    return "[" + text + "]";
  };
  return "'mutants' lists " + joined(trace.mutants) + " but its scenario plants " +
         joined(mutant_names(planted)) + " (its canary): the two must agree";
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
  // The execution is captured from the scenario as the file embeds it (parsed back from its
  // canonical YAML), not from `spec`: messages that cite a scenario line (the linearizability
  // checker's) must cite the line replay will see, or the replay of an unchanged execution
  // would differ from its recording.
  const std::string yaml = scenario::emit_scenario_yaml(spec);
  scenario::ScenarioParse embedded = scenario::parse_scenario_yaml(yaml, spec.file);
  if (!embedded.ok()) {
    return Made::failure("the scenario's canonical YAML does not parse back: " +
                         embedded.errors.front());
  }
  embedded.spec.file = spec.file;
  sim::Result<scenario::CompiledScenario> compiled = scenario::compile_scenario(embedded.spec);
  if (!compiled.ok()) return Made::failure(compiled.error());
  const sim::Result<sim::ExplorerOptions> options =
      run_explorer_options(compiled.value(), embedded.spec);
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
  file.scenario_yaml = yaml;
  file.mutants = mutant_names(options.value().execution.mutants);
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

void write_witness_traces(const std::string& out_dir, ScenarioRunRecord* record) {
  record->witnesses.clear();
  for (const scenario::ExpectationResult& expectation : record->result.expectations) {
    if (expectation.kind != scenario::ExpectationSpec::Kind::kExists ||
        expectation.status != scenario::ExpectationResult::Status::kMet ||
        !expectation.witness) {
      continue;
    }
    WitnessTrace witness;
    witness.expectation = expectation.index;
    const std::string path =
        (std::filesystem::path(out_dir) / "witnesses" /
         (record->name + "-e" + std::to_string(expectation.index) + ".json"))
            .string();
    sim::Result<scenario::TraceFile> file =
        make_trace_file(record->spec, *expectation.witness, "", 0, path);
    if (!file.ok()) {
      witness.trace.error = file.error();
    } else {
      file.value().description =
          "witness of expectation " + std::to_string(expectation.index) +
          (expectation.description.empty() ? "" : " '" + expectation.description + "'") +
          " (exists) of scenario " + record->name;
      witness.trace.error =
          scenario::write_text_file(path, scenario::trace_file_json(file.value()));
      if (witness.trace.error.empty()) {
        witness.trace.path = path;
        witness.trace.reproduce = file.value().reproduce;
      }
    }
    record->witnesses.push_back(std::move(witness));
  }
}

}  // namespace mapsim::cli
