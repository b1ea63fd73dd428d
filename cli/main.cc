// The `mapsim` executable: parses the command line and hands over to the chosen verb.
//
// One verb per file (cli/<verb>_command.{h,cc}): run, replay, minimize (scenario files and
// traces), render (pictures of trace files and run folders), exec (op scripts), keys (colliding
// keys), synth (scenarios that drive an LRU update through a chosen path).
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "cli/build_info.h"
#include "cli/exec_command.h"
#include "cli/exit_status.h"
#include "cli/keys_command.h"
#include "cli/minimize_command.h"
#include "cli/render_command.h"
#include "cli/replay_command.h"
#include "cli/run_command.h"
#include "cli/synth_command.h"

namespace {

int dispatch(int argc, char** argv) {
  using namespace mapsim::cli;
  CLI::App app{"mapsim: a deterministic simulator and model checker for Linux BPF maps"};
  app.set_version_flag("--version", build_info_line());
  app.require_subcommand(1);
  RunCommandOptions run_options;
  CLI::App* run = add_run_command(app, &run_options);
  ReplayCommandOptions replay_options;
  CLI::App* replay = add_replay_command(app, &replay_options);
  MinimizeCommandOptions minimize_options;
  CLI::App* minimize = add_minimize_command(app, &minimize_options);
  RenderCommandOptions render_options;
  CLI::App* render = add_render_command(app, &render_options);
  ExecOptions exec_options;
  CLI::App* exec = add_exec_command(app, &exec_options);
  KeysOptions keys_options;
  CLI::App* keys = add_keys_command(app, &keys_options);
  SynthOptions synth_options;
  CLI::App* synth = add_synth_command(app, &synth_options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version are ParseErrors too, and exit 0; everything else is a usage error.
    const int status = app.exit(error);
    return status == 0 ? kExitOk : kExitUsage;
  }
  if (*run) return run_run_command(run_options);
  if (*replay) return run_replay_command(replay_options);
  if (*minimize) return run_minimize_command(minimize_options);
  if (*render) return run_render_command(render_options);
  if (*exec) return run_exec_command(exec_options);
  if (*keys) return run_keys_command(keys_options);
  if (*synth) return run_synth_command(synth_options);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // An exception escaping a verb is a bug in mapsim, not in the input: internal error.
  try {
    return dispatch(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "mapsim: internal error: " << error.what() << "\n";
  } catch (...) {
    std::cerr << "mapsim: internal error: unknown exception\n";
  }
  return mapsim::cli::kExitInternal;
}
