// `mapsim replay TRACE`: re-executes the execution a trace file records and compares it with
// the file (docs/cli.md, docs/trace-format.md).
//
// The scenario comes from the file itself (its embedded YAML), the choices from its schedule.
// The replay is compared with the recording: the failure (kind, message, step), the step count,
// the trace hash, every operation's result and every trace record. Identical: exit 0. A
// difference (including a replay that diverges from the schedule, or a scenario this mapsim
// compiles to a different shape) is shown -- where and how -- and exits 1. A trace written by
// another mapsim build says so first (version and commit of both). A file that cannot be read,
// is not a mapsim trace, or whose scenario no longer parses: exit 2.
#pragma once

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace mapsim::cli {

struct ReplayCommandOptions {
  std::string trace;
};

CLI::App* add_replay_command(CLI::App& app, ReplayCommandOptions* options);
int run_replay_command(const ReplayCommandOptions& options);

}  // namespace mapsim::cli
