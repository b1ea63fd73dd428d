// StrategyConfig: a strategy named and parameterised as data (scenario files, the command
// line), and the one place that turns such a description into a Strategy object.
//
// Names: "random" (random_walk.h), "pct" (pct.h), "bounded" (bounded_dfs.h, iterative
// preemption bounding up to `preemption_bound`), "dpor" (dpor.h). A part of a split exploration
// (sim/partition.h) is made by make_part_strategy(): the same strategy restricted to the part.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sim/result.h"
#include "sim/strategy/strategy.h"

namespace mapsim::sim {

struct ExplorationPart;

struct StrategyConfig {
  std::string name = "dpor";       ///< random | pct | bounded | dpor
  uint64_t seed = 1;               ///< random, pct
  uint64_t executions = 0;         ///< budget; 0: the strategy's default
  int pct_depth = 3;               ///< pct: bug depth d
  int preemption_bound = 2;        ///< bounded: the largest preemption count explored
  int max_injected_failures = 0;   ///< dpor: allocation failures per fault plan
  double allocation_failure_probability = 0.0;  ///< random, pct: per allocation

  // "" when valid, else what is wrong (naming the field).
  std::string validate() const;
  // Seeded strategies partition their executions by index; systematic ones by prefix.
  bool seeded() const { return name == "random" || name == "pct"; }
  // The budget in executions: `executions`, else the strategy's default.
  uint64_t budget() const;
};

// The strategy names make_strategy() accepts, for error messages and --help.
inline constexpr std::string_view kStrategyNames = "random, pct, bounded, dpor";

Result<std::unique_ptr<Strategy>> make_strategy(const StrategyConfig& config);
Result<std::unique_ptr<Strategy>> make_part_strategy(const StrategyConfig& config,
                                                     const ExplorationPart& part);

}  // namespace mapsim::sim
