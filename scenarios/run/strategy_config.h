// The strategy a scenario asks for (ExploreSpec, FaultSpec) as a sim::StrategyConfig, which
// sim::make_strategy() turns into the strategy object (sim/strategy/strategy_config.h).
//
// Fault injection (FaultSpec::allocation_failures = n > 0): random and pct fail each allocation
// with probability kAllocationFailureProbability while the execution's budget of n failures
// lasts; bounded branches on every allocation; dpor explores fault plans of up to n failures.
#pragma once

#include "scenarios/scenario_spec.h"
#include "sim/strategy/strategy_config.h"

namespace mapsim::scenario {

inline constexpr double kAllocationFailureProbability = 0.2;

sim::StrategyConfig strategy_config(const ExploreSpec& explore, const FaultSpec& faults);

}  // namespace mapsim::scenario
