#include "cli/common_options.h"

#include <CLI/CLI.hpp>

#include <thread>

#include "sim/seed.h"

namespace mapsim::cli {

void add_common_options(CLI::App* command, CommonOptions* options, bool reports) {
  command->add_option("--out", options->out_dir,
                      "folder for report.json, junit.xml and traces/ (default: out)");
  if (reports) {
    command->add_option("--json", options->json_file, "also write the JSON report here");
    command->add_option("--junit", options->junit_file, "also write the JUnit XML report here");
  }
  command->add_option("--seed", options->seed,
                      "strategy seed: a number, 0x..., or a 40-digit git commit hash");
  command->add_option("--strategy", options->strategy, "random, pct, bounded or dpor")
      ->check(CLI::IsMember({"random", "pct", "bounded", "dpor"}));
  command->add_option("--executions", options->executions,
                      "executions budget (0: the strategy's default)");
  command->add_option("--time", options->time_seconds, "time budget in seconds (0: none)")
      ->check(CLI::NonNegativeNumber);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  command->add_option("--jobs", options->jobs,
                      "threads to explore on (the results do not depend on it); default 1")
      ->check(CLI::Range(1, std::max(64, cores)));
  add_stack_kib_option(command, &options->stack_kib);
}

void add_stack_kib_option(CLI::App* command, std::optional<uint32_t>* stack_kib) {
  using scenario::ExploreSpec;
  command->add_option("--stack-kib", *stack_kib,
                      "fiber stack per simulated context in KiB, " +
                          std::to_string(ExploreSpec::kMinStackKib) + " to " +
                          std::to_string(ExploreSpec::kMaxStackKib) +
                          " (default: the scenario's explore.stack_kib, else 256; 1024 under "
                          "AddressSanitizer)")
      ->check(CLI::Range(ExploreSpec::kMinStackKib, ExploreSpec::kMaxStackKib));
}

std::string apply_overrides(const CommonOptions& options, scenario::ScenarioSpec* spec) {
  if (options.seed) {
    sim::Result<uint64_t> seed = sim::parse_seed(*options.seed);
    if (!seed.ok()) return "--seed: " + seed.error();
    spec->explore.seed = seed.value();
  }
  if (options.strategy) spec->explore.strategy = *options.strategy;
  if (options.executions) spec->explore.executions = *options.executions;
  if (options.time_seconds) spec->explore.time_seconds = *options.time_seconds;
  if (options.stack_kib) spec->explore.stack_kib = *options.stack_kib;
  return "";
}

}  // namespace mapsim::cli
