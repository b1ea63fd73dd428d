#include "cli/synth_command.h"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/exit_status.h"
#include "scenarios/scenario_yaml.h"
#include "synth/lru/scenario_synthesizer.h"

namespace mapsim::cli {
namespace {

// A path event by dotted name or numeric id.
std::optional<PathEvent> event_from_text(const std::string& text) {
  if (auto event = path_event_from_name(text)) return event;
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > UINT16_MAX) {
    return std::nullopt;
  }
  const auto event = static_cast<PathEvent>(value);
  if (path_event_name(event) == nullptr) return std::nullopt;
  return event;
}

}  // namespace

CLI::App* add_synth_command(CLI::App& app, SynthOptions* options) {
  CLI::App* command = app.add_subcommand(
      "synth", "synthesise a scenario that reaches one LRU flowchart node (Z3 + simulator)");
  command->add_option("--target", options->target,
                      "the node: a path event's dotted name or id (docs/lru-path-events.md)");
  command->add_option("--lru", options->lru, "common (default) or percpu (BPF_F_NO_COMMON_LRU)");
  command->add_option("--cpus", options->cpus, "possible CPUs of the simulated machine (2)");
  command->add_option("--max-steps", options->max_steps, "largest plan, in operations (5)");
  command->add_option("--timeout", options->timeout_seconds, "solver time in seconds (60)");
  command->add_option("--executions", options->executions,
                      "DPOR executions per candidate (20000)");
  command->add_option("-o,--output", options->output, "scenario file to write (default: stdout)");
  command->add_flag("--verbose", options->verbose, "list refuted candidates on stderr");
  command->add_flag("--list", options->list, "print the path events of --lru's flowchart");
  return command;
}

int run_synth_command(const SynthOptions& options) {
  synth::SynthRequest request;
  if (options.lru != "common" && options.lru != "percpu") {
    std::cerr << "mapsim synth: --lru: expected common or percpu, got '" << options.lru << "'\n";
    return kExitUsage;
  }
  if (options.list) {
    const auto lru = options.lru == "common" ? synth::LruKind::kCommon : synth::LruKind::kPercpu;
    for (PathEvent event : all_path_events()) {
      if (synth::event_in_chart(event, lru)) std::cout << path_event_name(event) << "\n";
    }
    return kExitOk;
  }
  if (options.target.empty()) {
    std::cerr << "mapsim synth: --target NODE is required (mapsim synth --list shows the nodes)\n";
    return kExitUsage;
  }
  const std::optional<PathEvent> target = event_from_text(options.target);
  if (!target) {
    std::cerr << "mapsim synth: --target: unknown node '" << options.target
              << "'; expected a path event name such as lru.pop.refill_miss or its id "
                 "(docs/lru-path-events.md)\n";
    return kExitUsage;
  }
  request.target = *target;
  request.lru = options.lru == "common" ? synth::LruKind::kCommon : synth::LruKind::kPercpu;
  request.cpus = options.cpus;
  request.max_steps = options.max_steps;
  request.timeout_seconds = options.timeout_seconds;
  request.max_executions = options.executions;
  if (const std::string problem = synth::validate_synth_request(request); !problem.empty()) {
    std::cerr << "mapsim synth: " << problem << "\n";
    return kExitUsage;
  }
  const synth::SynthResult result = synth::synthesize_scenario(request);
  if (options.verbose) {
    for (const std::string& refuted : result.refuted) std::cerr << "refuted: " << refuted << "\n";
  }
  std::fprintf(stderr, "mapsim synth: %s %s: %s (%d candidate(s), solve %.3f s, check %.3f s)\n",
               path_event_name(request.target), synth::lru_kind_name(request.lru),
               synth::synth_status_name(result.status), result.candidates,
               result.solve_seconds, result.check_seconds);
  switch (result.status) {
    case synth::SynthStatus::kFound: break;
    case synth::SynthStatus::kBadRequest:
      std::cerr << "mapsim synth: " << result.message << "\n";
      return kExitUsage;
    case synth::SynthStatus::kTimeout:
      std::cerr << "mapsim synth: timeout: " << result.message << "\n";
      return kExitSolverTimeout;
    case synth::SynthStatus::kNoPlan:
    case synth::SynthStatus::kRefuted:
      std::cerr << "mapsim synth: no scenario: " << result.message << "\n";
      return kExitFindings;
  }
  const std::string text = scenario::emit_scenario_yaml(result.spec);
  if (options.output.empty() || options.output == "-") {
    std::cout << text;
    return kExitOk;
  }
  std::ofstream file(options.output, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    std::cerr << "mapsim synth: " << options.output << ": cannot write\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace mapsim::cli
