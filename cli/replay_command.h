// `mapsim replay TRACE`: re-executes the execution a trace file records and compares it with
// the file (docs/cli.md, docs/trace-format.md).
//
// The scenario comes from the file itself (its embedded YAML), the choices from its schedule.
// The replay is compared with the recording: the failure (kind, message, step), the step count,
// the trace hash, every operation's result and every trace record. Identical: exit 0. A
// difference (including a replay that diverges from the schedule, or a scenario this mapsim
// compiles to a different shape) is shown -- where and how -- and exits 1. A trace written by
// another mapsim build says so first (version and commit of both). A file that cannot be read,
// is not a mapsim trace, or whose scenario no longer parses: exit 2. The fiber stacks have the
// size the trace records (its exploration.stack_kib), or --stack-kib N.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace mapsim::cli {

struct ReplayCommandOptions {
  std::string trace;
  /// --stack-kib N: fiber stack per context in KiB, instead of the size the trace records.
  std::optional<uint32_t> stack_kib;
};

CLI::App* add_replay_command(CLI::App& app, ReplayCommandOptions* options);
int run_replay_command(const ReplayCommandOptions& options);

}  // namespace mapsim::cli
