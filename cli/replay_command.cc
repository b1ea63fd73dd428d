#include "cli/replay_command.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/build_info.h"
#include "cli/common_options.h"
#include "cli/exit_status.h"
#include "cli/failure_traces.h"
#include "cli/trace_compare.h"
#include "scenarios/run/scenario_compile.h"
#include "scenarios/run/scenario_run.h"
#include "scenarios/scenario_yaml.h"
#include "sim/capture.h"

namespace mapsim::cli {
namespace {

int bad_input(const std::string& message) {
  std::cerr << "mapsim replay: " << message << "\n";
  return kExitUsage;
}

// Notes a recording made by another build (both may still agree); true when it was.
bool note_build(const scenario::TraceFile& recorded) {
  const BuildInfo& build = build_info();
  if (recorded.git_commit == build.git_commit && recorded.git_describe == build.git_describe &&
      recorded.mapsim_version == build.version) {
    return false;
  }
  std::cout << "note: recorded by mapsim " << recorded.mapsim_version << " ("
            << recorded.git_describe << "), replayed by mapsim " << build.version << " ("
            << build.git_describe << ")\n";
  return true;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::string failure_summary(const scenario::TraceFile& file) {
  if (file.failure.kind.empty()) return "no failure";
  return file.failure.kind + " at step " + std::to_string(file.failure.step) + ": " +
         file.failure.message;
}

}  // namespace

CLI::App* add_replay_command(CLI::App& app, ReplayCommandOptions* options) {
  CLI::App* replay = app.add_subcommand(
      "replay", "Re-execute a trace file's execution and compare it with the recording");
  replay->add_option("trace", options->trace, "a trace file (mapsim run writes them)")
      ->required();
  add_stack_kib_option(replay, &options->stack_kib);
  return replay;
}

int run_replay_command(const ReplayCommandOptions& options) {
  sim::Result<scenario::TraceFile> loaded = scenario::load_trace_file(options.trace);
  if (!loaded.ok()) return bad_input(loaded.error());
  const scenario::TraceFile& recorded = loaded.value();
  const std::string source = recorded.scenario_file.empty()
                                 ? options.trace + " (scenario_yaml)"
                                 : recorded.scenario_file + " (as embedded in " +
                                       options.trace + ")";
  scenario::ScenarioParse parse = scenario::parse_scenario_yaml(recorded.scenario_yaml, source);
  if (!parse.ok()) {
    std::string message = options.trace + ": its scenario does not parse with this mapsim:";
    for (const std::string& error : parse.errors) message += "\n  " + error;
    return bad_input(message);
  }
  parse.spec.file = recorded.scenario_file;
  // The stacks the recording had (a trace without the field: its scenario's, else the default).
  if (recorded.stack_kib != 0) parse.spec.explore.stack_kib = recorded.stack_kib;
  if (options.stack_kib) parse.spec.explore.stack_kib = *options.stack_kib;
  const bool other_build = note_build(recorded);
  std::cout << "replaying " << options.trace << ": scenario " << recorded.scenario_name << ", "
            << recorded.steps << " steps, " << failure_summary(recorded) << "\n";
  if (!recorded.description.empty()) std::cout << "  " << recorded.description << "\n";

  sim::Result<scenario::CompiledScenario> compiled = scenario::compile_scenario(parse.spec);
  if (!compiled.ok()) return bad_input(options.trace + ": its scenario: " + compiled.error());
  const sim::Result<sim::ExplorerOptions> explorer_options =
      run_explorer_options(compiled.value(), parse.spec);
  if (!explorer_options.ok()) {
    return bad_input(options.trace + ": its scenario: " + explorer_options.error());
  }
  // The mutants the recording had planted are planted again; the file's list and its scenario's
  // canary must agree, or the file was edited into something that cannot be replayed.
  const MutantSet planted = explorer_options.value().execution.mutants;
  if (std::string problem = recorded_mutants_problem(recorded, planted); !problem.empty()) {
    return bad_input(options.trace + ": " + problem);
  }
  if (!planted.empty()) {
    std::cout << "planting mutant " << joined(mutant_names(planted))
              << " (the execution was recorded with it; impl/mutant.h)\n";
  }
  const sim::CapturedExecution captured = sim::capture_execution(
      compiled.value().scenario, recorded.schedule, explorer_options.value());
  if (!captured.error.empty()) {
    std::cout << "DIFFERENT: cannot replay: " << captured.error << "\n"
              << "reproduce: mapsim replay " << shell_quote(options.trace) << "\n";
    return kExitFindings;
  }
  scenario::TraceFile replayed = recorded;
  scenario::fill_from_capture(captured, &replayed);
  // The stacks the replay ran on, as the explorer mapped them (not compared: the size never
  // changes an execution, only whether it overflows).
  std::cout << "fiber stacks of " << replayed.stack_kib << " KiB"
            << (options.stack_kib               ? " (--stack-kib)"
                : recorded.stack_kib != 0       ? " (as recorded)"
                : parse.spec.explore.stack_kib  ? " (the scenario's stack_kib)"
                                                : " (this build's default)")
            << "\n";
  if (!replayed.failure.kind.empty()) {
    replayed.failure.kind = scenario::replay_scenario(parse.spec, recorded.schedule).failure_kind;
  }
  std::vector<std::string> differences = trace_differences(recorded, replayed);
  if (captured.diverged) differences.insert(differences.begin(), captured.divergence);
  if (differences.empty()) {
    std::cout << "IDENTICAL: " << replayed.steps << " steps, " << replayed.records.size()
              << " trace records, " << failure_summary(replayed) << "\n";
    return kExitOk;
  }
  std::cout << "DIFFERENT: the replay does not reproduce the recording:\n";
  for (const std::string& difference : differences) std::cout << "  " << difference << "\n";
  if (other_build) {
    const BuildInfo& build = build_info();
    std::cout << "  the recording comes from another build: what the map code or the checks do "
              << "changed between the two (git log " << recorded.git_commit.substr(0, 12) << ".."
              << build.git_commit.substr(0, 12) << " -- impl sim scenarios); if the change is "
              << "intended, "
              << "record the trace again with this build\n";
  }
  std::cout << "reproduce: mapsim replay " << shell_quote(options.trace) << "\n";
  return kExitFindings;
}

}  // namespace mapsim::cli
