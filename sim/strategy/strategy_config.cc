#include "sim/strategy/strategy_config.h"

#include <algorithm>

#include "sim/partition.h"
#include "sim/strategy/bounded_dfs.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/pct.h"
#include "sim/strategy/random_walk.h"

namespace mapsim::sim {
namespace {

using StrategyResult = Result<std::unique_ptr<Strategy>>;

template <class S, class Options>
StrategyResult build(const Options& options) {
  if (std::string error = options.validate(); !error.empty()) {
    return StrategyResult::failure(error);
  }
  return StrategyResult::success(std::make_unique<S>(options));
}

// Executions a part of `config` runs: its share, or the whole budget outside a split.
uint64_t part_budget(const StrategyConfig& config, const ExplorationPart* part) {
  return part != nullptr ? part->executions : config.budget();
}

StrategyResult make(const StrategyConfig& config, const ExplorationPart* part) {
  if (std::string error = config.validate(); !error.empty()) {
    return StrategyResult::failure(error);
  }
  const uint64_t budget = std::max<uint64_t>(1, part_budget(config, part));
  if (config.name == "random") {
    RandomWalkOptions options;
    options.seed = config.seed;
    options.allocation_failure_probability = config.allocation_failure_probability;
    options.budget = budget;
    if (part != nullptr) options.first_execution = part->first_execution;
    return build<RandomWalkStrategy>(options);
  }
  if (config.name == "pct") {
    PctOptions options;
    options.seed = config.seed;
    options.depth = config.pct_depth;
    options.allocation_failure_probability = config.allocation_failure_probability;
    options.budget = budget;
    if (part != nullptr) options.first_execution = part->first_execution;
    return build<PctStrategy>(options);
  }
  if (config.name == "bounded") {
    BoundedDfsOptions options;
    options.max_preemptions = config.preemption_bound;
    options.budget = budget;
    if (part != nullptr) {
      options.prefix = part->prefix.choices;
      options.first_bound = std::min(part->prefix.preemptions, config.preemption_bound);
    }
    return build<BoundedDfsStrategy>(options);
  }
  DporOptions options;  // validate() accepted the name: "dpor"
  options.max_injected_failures = config.max_injected_failures;
  options.budget = budget;
  if (part != nullptr) {
    options.prefix = part->prefix.choices;
    options.prefix_sleep = part->prefix.sleep;
  }
  return build<DporStrategy>(options);
}

}  // namespace

std::string StrategyConfig::validate() const {
  if (name != "random" && name != "pct" && name != "bounded" && name != "dpor") {
    return "strategy: '" + name + "' is not one of " + std::string(kStrategyNames);
  }
  if (name == "pct" && (pct_depth < 1 || pct_depth > PctOptions::kMaxDepth)) {
    return "strategy: pct depth must be in [1, " + std::to_string(PctOptions::kMaxDepth) +
           "], got " + std::to_string(pct_depth);
  }
  if (name == "bounded" && preemption_bound < 0) {
    return "strategy: preemption_bound must be >= 0, got " + std::to_string(preemption_bound);
  }
  if (max_injected_failures < 0 || max_injected_failures > DporOptions::kMaxInjectedFailures) {
    return "strategy: max_injected_failures must be in [0, " +
           std::to_string(DporOptions::kMaxInjectedFailures) + "], got " +
           std::to_string(max_injected_failures);
  }
  if (!(allocation_failure_probability >= 0.0 && allocation_failure_probability <= 1.0)) {
    return "strategy: allocation_failure_probability must be in [0, 1]";
  }
  return "";
}

uint64_t StrategyConfig::budget() const {
  if (executions != 0) return executions;
  if (name == "random") return RandomWalkOptions{}.budget;
  if (name == "pct") return PctOptions{}.budget;
  if (name == "bounded") return BoundedDfsOptions{}.budget;
  return DporOptions{}.budget;
}

StrategyResult make_strategy(const StrategyConfig& config) { return make(config, nullptr); }

StrategyResult make_part_strategy(const StrategyConfig& config, const ExplorationPart& part) {
  return make(config, &part);
}

}  // namespace mapsim::sim
