// The `mapsim` executable: parses the command line and hands over to the chosen verb.
#include <CLI/CLI.hpp>

#include "cli/exec_command.h"
#include "cli/exit_status.h"
#include "cli/keys_command.h"
#include "cli/synth_command.h"

int main(int argc, char** argv) {
  CLI::App app{"mapsim: a deterministic simulator and model checker for Linux BPF maps"};
  app.require_subcommand(1);
  mapsim::cli::ExecOptions exec_options;
  CLI::App* exec = mapsim::cli::add_exec_command(app, &exec_options);
  mapsim::cli::KeysOptions keys_options;
  CLI::App* keys = mapsim::cli::add_keys_command(app, &keys_options);
  mapsim::cli::SynthOptions synth_options;
  CLI::App* synth = mapsim::cli::add_synth_command(app, &synth_options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help is a ParseError too, and exits 0; everything else is a usage error.
    const int status = app.exit(error);
    return status == 0 ? mapsim::cli::kExitOk : mapsim::cli::kExitUsage;
  }
  if (*exec) return mapsim::cli::run_exec_command(exec_options);
  if (*keys) return mapsim::cli::run_keys_command(keys_options);
  if (*synth) return mapsim::cli::run_synth_command(synth_options);
  return mapsim::cli::kExitUsage;
}
