// `mapsim exec [--backend sim|kernel] [--possible-cpus N] SCRIPT|-`: runs an op script
// (spec/op-script.md) and prints one JSON line per counted input line.
//
// --backend sim (default) runs mapsim's own maps with --possible-cpus CPUs (default: this
// machine's possible CPUs); --backend kernel runs the live kernel through bpf(2), where the
// CPU count is the machine's and --possible-cpus, if given, must agree with it.
// Exit status (cli/exit_status.h): 0 ok; 1 some line was an error line; 2 usage error or
// unreadable script; 77 the kernel backend cannot run here (bpf() not permitted).
#pragma once

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace mapsim::cli {

struct ExecOptions {
  std::string backend = "sim";  ///< "sim" or "kernel"
  int possible_cpus = 0;        ///< 0: not given (use this machine's)
  std::string script;           ///< a path, or "-" for standard input
};

// Adds the `exec` verb to `app`; parsing stores the options in *options.
CLI::App* add_exec_command(CLI::App& app, ExecOptions* options);

// Runs `mapsim exec` with parsed options; returns the exit status.
int run_exec_command(const ExecOptions& options);

}  // namespace mapsim::cli
