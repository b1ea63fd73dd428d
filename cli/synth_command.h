// `mapsim synth`: a scenario file that drives an LRU update through one node of the update-path
// flowchart (a path event), found by Z3 and confirmed by the simulator
// (synth/lru/scenario_synthesizer.h; docs/synth.md).
//
//   mapsim synth --target lru.steal.pending_unreferenced [--lru common|percpu] [--cpus N] [-o FILE]
//   mapsim synth --list [--lru common|percpu]      the flowchart's path-event nodes, one a line
//
// NODE is a path event's dotted name or numeric id (docs/lru-path-events.md). The scenario is
// written as YAML (docs/scenario-format.md) whose opening comment says what it reaches and how it
// was found; it has one expectation, `exists: path_event NODE`. --max-steps bounds the plan's
// operations (default 5), --timeout the solver time (default 60 s), --executions the DPOR
// executions per candidate (default 20000); --verbose lists the refuted candidates on stderr.
//
// Exit status (cli/exit_status.h): 0 written; 1 no scenario (the model has no plan up to the
// bound, or the simulator refuted every candidate: said which); 2 bad request (unknown node, a
// node of the other flowchart, CPUs out of range, unwritable file); 3 the solver timed out
// (never reported as unreachable).
#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace mapsim::cli {

struct SynthOptions {
  std::string target;
  std::string lru = "common";
  int cpus = 2;
  int max_steps = 5;
  double timeout_seconds = 60;
  uint64_t executions = 20000;
  std::string output;  ///< "" or "-": standard output
  bool verbose = false;
  bool list = false;   ///< print the nodes of --lru's flowchart, one per line, and stop
};

CLI::App* add_synth_command(CLI::App& app, SynthOptions* options);
int run_synth_command(const SynthOptions& options);

}  // namespace mapsim::cli
