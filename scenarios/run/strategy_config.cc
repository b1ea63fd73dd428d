#include "scenarios/run/strategy_config.h"

namespace mapsim::scenario {

sim::StrategyConfig strategy_config(const ExploreSpec& explore, const FaultSpec& faults) {
  sim::StrategyConfig config;
  config.name = explore.strategy;
  config.seed = explore.seed;
  config.executions = explore.executions;
  config.pct_depth = explore.pct_depth;
  config.preemption_bound = explore.preemption_bound;
  config.max_injected_failures = static_cast<int>(faults.allocation_failures);
  config.allocation_failure_probability =
      faults.allocation_failures > 0 ? kAllocationFailureProbability : 0.0;
  return config;
}

}  // namespace mapsim::scenario
