// The options the checking verbs (run, minimize) share, and how they override a scenario's own
// explore section:
//
//   --out DIR          reports and traces go to DIR (report.json, junit.xml, traces/); default out
//   --json FILE        also write the JSON report to FILE
//   --junit FILE       also write the JUnit XML report to FILE
//   --seed N           the strategy seed (a number, 0x..., or a 40-digit commit hash)
//   --strategy NAME    random | pct | bounded | dpor
//   --executions N     the executions budget
//   --time SECONDS     the time budget (runs cut short by time are not reproducible by counts)
//   --jobs N           threads; the results do not depend on N (sim/partition.h)
//   --stack-kib N      fiber stack per simulated context, in KiB (16 to 65536; the scenario's
//                      explore.stack_kib, else the build's default: 256, 1024 under ASan)
//
// The overrides are applied to the spec itself before anything runs, so that a trace file
// embeds the scenario as it actually ran.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "scenarios/scenario_spec.h"

namespace CLI {
class App;
}  // namespace CLI

namespace mapsim::cli {

struct CommonOptions {
  std::string out_dir = "out";
  std::string json_file;
  std::string junit_file;
  std::optional<std::string> seed;  ///< as typed (parse_seed)
  std::optional<std::string> strategy;
  std::optional<uint64_t> executions;
  std::optional<double> time_seconds;
  int jobs = 1;
  std::optional<uint32_t> stack_kib;
};

// Adds the options to `command`; `reports`: also --json and --junit.
void add_common_options(CLI::App* command, CommonOptions* options, bool reports);
// Adds --stack-kib N (range-checked: a value out of range is a usage error naming the option).
void add_stack_kib_option(CLI::App* command, std::optional<uint32_t>* stack_kib);

// Applies --seed/--strategy/--executions/--time/--stack-kib to `spec`; "" or what is wrong (a
// bad seed).
std::string apply_overrides(const CommonOptions& options, scenario::ScenarioSpec* spec);

}  // namespace mapsim::cli
