#include "cli/exec_command.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/exit_status.h"
#include "impl/real_platform.h"
#include "model/kernel/kernel_backend.h"
#include "scenarios/op_runner.h"
#include "scenarios/possible_cpus.h"
#include "scenarios/simulated_backend.h"

namespace mapsim::cli {
namespace {

int usage_error(const std::string& message) {
  std::cerr << "mapsim exec: " << message << "\n";
  return kExitUsage;
}

// Checks --possible-cpus and returns the simulated backend's CPU count (--possible-cpus, else
// this machine's), or -1 with *error (a usage error). The kernel backend has the machine's
// CPUs and --possible-cpus may only confirm them; it returns 0 there.
int chosen_cpu_count(const ExecOptions& options, std::string* error) {
  if (options.backend == "sim" && options.possible_cpus != 0) return options.possible_cpus;
  std::string why;
  const int machine_cpus = machine_possible_cpus(&why);
  const std::string machine_text = machine_cpus < 0 ? "unknown (" + why + ")"
                                                    : std::to_string(machine_cpus);
  if (options.backend == "kernel") {
    if (options.possible_cpus == 0 || options.possible_cpus == machine_cpus) return 0;
    *error = "--possible-cpus " + std::to_string(options.possible_cpus) +
             " differs from this machine's possible CPUs: " + machine_text +
             "; the kernel backend always runs with the machine's";
    return -1;
  }
  if (machine_cpus < 1 || machine_cpus > RealPlatform::kMaxPossibleCpus) {
    *error = "this machine's possible CPUs are " + machine_text + "; pass --possible-cpus";
    return -1;
  }
  return machine_cpus;
}

// Opens the script: `file` for a path, standard input for "-". nullptr with *error when it
// cannot be read.
std::istream* open_script(const std::string& path, std::ifstream* file, std::string* error) {
  if (path == "-") return &std::cin;
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    *error = "cannot read script '" + path + "': it is a directory";
    return nullptr;
  }
  file->open(path);
  if (!*file) {
    *error = "cannot read script '" + path + "': " + std::strerror(errno);
    return nullptr;
  }
  return file;
}

int run_script(const std::string& path, std::istream& script, OpBackend& backend) {
  const int status = run_op_script(script, std::cout, backend);
  if (script.bad()) return usage_error("error while reading script '" + path + "'");
  return status;
}

}  // namespace

CLI::App* add_exec_command(CLI::App& app, ExecOptions* options) {
  CLI::App* exec = app.add_subcommand(
      "exec", "Run an op script (JSON lines) and print one JSON result per line");
  exec->add_option("--backend", options->backend,
                   "sim: mapsim's own maps; kernel: the live kernel through bpf(2)")
      ->check(CLI::IsMember({"sim", "kernel"}))
      ->capture_default_str();
  exec->add_option("--possible-cpus", options->possible_cpus,
                   "CPUs of the simulated machine (default: this machine's possible CPUs)")
      ->check(CLI::Range(1, RealPlatform::kMaxPossibleCpus));
  exec->add_option("script", options->script, "the op script, or - for standard input")
      ->required();
  return exec;
}

int run_exec_command(const ExecOptions& options) {
  std::string error;
  const int cpu_count = chosen_cpu_count(options, &error);
  if (cpu_count < 0) return usage_error(error);
  std::ifstream file;
  std::istream* script = open_script(options.script, &file, &error);
  if (script == nullptr) return usage_error(error);
  if (options.backend == "kernel") {
    if (KernelBackend::probe(&error) != 0) {
      std::cerr << "mapsim exec: the kernel backend cannot run here: " << error << "\n";
      return kExitSkipped;
    }
    KernelBackend backend;
    return run_script(options.script, *script, backend);
  }
  SimulatedBackend backend(cpu_count);
  return run_script(options.script, *script, backend);
}

}  // namespace mapsim::cli
