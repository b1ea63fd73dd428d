#include "cli/minimize_command.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>

#include "cli/exit_status.h"
#include "cli/failure_identity.h"
#include "cli/failure_traces.h"
#include "cli/scenario_shrinker.h"
#include "cli/schedule_shrinker.h"
#include "scenarios/run/scenario_compile.h"
#include "scenarios/run/scenario_run.h"
#include "scenarios/scenario_yaml.h"
#include "scenarios/trace/trace_file.h"

namespace mapsim::cli {
namespace {

using Clock = std::chrono::steady_clock;

int bad_input(const std::string& message) {
  std::cerr << "mapsim minimize: " << message << "\n";
  return kExitUsage;
}

size_t context_steps(const sim::Schedule& schedule) {
  size_t steps = 0;
  for (const sim::Choice& choice : schedule.choices) {
    steps += choice.kind == sim::Choice::Kind::kContext ? 1 : 0;
  }
  return steps;
}

}  // namespace

std::string default_minimized_path(const std::string& trace) {
  const std::string suffix = ".json";
  if (trace.size() > suffix.size() &&
      trace.compare(trace.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return trace.substr(0, trace.size() - suffix.size()) + ".min.json";
  }
  return trace + ".min.json";
}

CLI::App* add_minimize_command(CLI::App& app, MinimizeCommandOptions* options) {
  CLI::App* minimize = app.add_subcommand(
      "minimize", "Shrink a failing trace: first the scenario's operations, then preemptions");
  minimize->add_option("trace", options->trace, "a trace file with a failure")->required();
  minimize->add_option("-o,--output", options->output,
                       "where to write the smaller trace (default: TRACE with .min.json)");
  minimize->add_option("--description", options->description,
                       "what the smaller trace shows (default: the trace's own description)");
  add_common_options(minimize, &options->common, /*reports=*/false);
  return minimize;
}

int run_minimize_command(const MinimizeCommandOptions& options) {
  const Clock::time_point start = Clock::now();
  sim::Result<scenario::TraceFile> loaded = scenario::load_trace_file(options.trace);
  if (!loaded.ok()) return bad_input(loaded.error());
  const scenario::TraceFile& trace = loaded.value();
  if (trace.failure.kind.empty()) {
    return bad_input(options.trace + ": the trace records no failure: nothing to minimize");
  }
  scenario::ScenarioParse parse = scenario::parse_scenario_yaml(
      trace.scenario_yaml, options.trace + " (scenario_yaml)");
  if (!parse.ok()) {
    std::string message = options.trace + ": its scenario does not parse with this mapsim:";
    for (const std::string& error : parse.errors) message += "\n  " + error;
    return bad_input(message);
  }
  scenario::ScenarioSpec spec = std::move(parse.spec);
  spec.file = trace.scenario_file;
  // Stacks: the scenario's stack_kib or --stack-kib (apply_overrides), else this build's
  // default. Not the trace's recorded size: these are new explorations, and copying it into the
  // spec would write it into every smaller scenario.
  // --time bounds the minimisation, not each exploration.
  CommonOptions overrides = options.common;
  overrides.time_seconds.reset();
  if (std::string error = apply_overrides(overrides, &spec); !error.empty()) {
    return bad_input(error);
  }
  const Clock::time_point deadline =
      options.common.time_seconds && *options.common.time_seconds > 0
          ? start + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(*options.common.time_seconds))
          : Clock::time_point::max();
  sim::Result<scenario::CompiledScenario> original = scenario::compile_scenario(spec);
  if (!original.ok()) return bad_input(options.trace + ": its scenario: " + original.error());
  const sim::Result<sim::ExplorerOptions> original_options =
      run_explorer_options(original.value(), spec);
  if (!original_options.ok()) {
    return bad_input(options.trace + ": its scenario: " + original_options.error());
  }
  if (std::string problem = recorded_mutants_problem(
          trace, original_options.value().execution.mutants);
      !problem.empty()) {
    return bad_input(options.trace + ": " + problem);
  }
  // What the minimisation keeps: the failure the trace's own schedule shows, by kind, check
  // and expectation.
  const FailureIdentity target = failure_identity(spec, trace.schedule);
  if (target.kind != trace.failure.kind) {
    std::cerr << "mapsim minimize: " << options.trace << ": its schedule does not fail the same "
              << "way: recorded " << trace.failure.kind << ", replayed "
              << identity_text(target) << " (nondeterminism, or an edited trace?)\n"
              << "reproduce: mapsim replay " << shell_quote(options.trace) << "\n";
    return kExitInternal;
  }
  const int preemptions_before = schedule_preemptions(original.value().scenario,
                                                      original_options.value(), trace.schedule);
  std::cout << "minimizing " << options.trace << ": " << identity_text(target)
            << " in scenario " << spec.name << "\n  before: " << size_text(size_of(spec))
            << ", " << context_steps(trace.schedule) << " steps, " << preemptions_before
            << " preemptions\n";

  SpecShrinkOptions spec_limits;
  spec_limits.jobs = options.common.jobs;
  spec_limits.deadline = deadline;
  SpecShrink shrunk = shrink_scenario(spec, target, spec_limits);
  sim::Schedule schedule = trace.schedule;
  if (shrunk.reproduced) {
    schedule = shrunk.failure.schedule;
    if (shrunk.real_code_checked) {
      std::cout << "  canary " << spec.canary << ": every smaller scenario kept also passes "
                << "without the mutant, so what is left is the planted bug's essential steps\n";
    } else if (!spec.canary.empty()) {
      std::cout << "  note: without the mutant " << spec.canary << " the scenario fails too ("
                << shrunk.real_code_failure << "); only its failure is kept\n";
    }
  } else {
    std::cout << "  note: exploring the scenario (strategy " << spec.explore.strategy
              << ", seed " << spec.explore.seed << ") did not find this failure first; only "
              << "the trace's schedule is shrunk\n";
    shrunk.spec = spec;
  }
  sim::Result<scenario::CompiledScenario> compiled = scenario::compile_scenario(shrunk.spec);
  if (!compiled.ok()) return bad_input(options.trace + ": its scenario: " + compiled.error());
  const sim::Result<sim::ExplorerOptions> shrink_options =
      run_explorer_options(compiled.value(), shrunk.spec);
  if (!shrink_options.ok()) return bad_input(shrink_options.error());
  ScheduleShrinkOptions schedule_limits;
  schedule_limits.deadline = deadline;
  const scenario::ScenarioSpec& final_spec = shrunk.spec;
  const ScheduleShrink preempt = shrink_preemptions(
      compiled.value().scenario, shrink_options.value(), schedule,
      [&](const sim::Schedule& candidate) {
        return failure_identity(final_spec, candidate) == target;
      },
      schedule_limits);
  if (!preempt.error.empty()) {
    std::cerr << "mapsim minimize: " << options.trace << ": " << preempt.error
              << " (nondeterminism?)\n"
              << "reproduce: mapsim replay " << shell_quote(options.trace) << "\n";
    return kExitInternal;
  }
  const std::string output =
      options.output.empty() ? default_minimized_path(options.trace) : options.output;
  sim::Result<scenario::TraceFile> file =
      make_trace_file(final_spec, preempt.schedule, target.kind, 0, output);
  if (!file.ok()) {
    std::cerr << "mapsim minimize: " << file.error() << "\n"
              << "reproduce: mapsim minimize " << shell_quote(options.trace) << "\n";
    return kExitInternal;
  }
  file.value().description =
      options.description ? *options.description : trace.description;
  const std::string text = scenario::trace_file_json(file.value());
  if (std::string error = scenario::write_text_file(output, text); !error.empty()) {
    std::cerr << "mapsim minimize: " << error << "\n";
    return kExitUsage;
  }
  std::cout << "  after:  " << size_text(size_of(final_spec)) << ", " << preempt.steps_after
            << " steps, " << preempt.preemptions_after << " preemptions (" << shrunk.explorations
            << " explorations, " << preempt.candidates << " schedules tried)\n"
            << "  " << file.value().failure.message << "\n"
            << "wrote " << output << "\nreproduce: " << file.value().reproduce << "\n";
  return kExitOk;
}

}  // namespace mapsim::cli
