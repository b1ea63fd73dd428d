// `mapsim minimize TRACE [-o OUT] [options]`: shrinks a failing trace (docs/cli.md).
//
// First the scenario: operations, interrupts, setup steps, whole CPU programs, expectations the
// failure does not need and unused CPUs are deleted one at a time while exploring under the
// trace's strategy and seed still finds the same failure first (same kind, check and
// expectation: cli/failure_identity.h), and, for a canary's trace (a mutant planted), while the
// smaller scenario still passes on the real code (cli/scenario_shrinker.h); then the schedule:
// preemptions are removed while the failure stays (cli/schedule_shrinker.h). The result is written as a new trace file (OUT, default the
// trace's name with .min.json), and the sizes before and after are printed, ending with the
// command that replays it. --executions bounds each exploration, --time the whole minimisation,
// --jobs the threads of each exploration; --seed and --strategy change the search (by default
// the trace's own); --description sets the smaller trace's description (default: the trace's).
// Exit status: 0 written; 2 bad trace file or one without a failure; 3 the
// failure does not replay the same way (nondeterminism).
#pragma once

#include <optional>
#include <string>

#include "cli/common_options.h"

namespace CLI {
class App;
}  // namespace CLI

namespace mapsim::cli {

struct MinimizeCommandOptions {
  std::string trace;
  std::string output;  ///< -o; "" for the default
  std::optional<std::string> description;  ///< --description; unset: the trace's own
  CommonOptions common;
};

CLI::App* add_minimize_command(CLI::App& app, MinimizeCommandOptions* options);
int run_minimize_command(const MinimizeCommandOptions& options);

// "out/traces/x-1.json" -> "out/traces/x-1.min.json"
std::string default_minimized_path(const std::string& trace);

}  // namespace mapsim::cli
