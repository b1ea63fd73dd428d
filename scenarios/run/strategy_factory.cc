#include "scenarios/run/strategy_factory.h"

#include "sim/strategy/bounded_dfs.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/pct.h"
#include "sim/strategy/random_walk.h"

namespace mapsim::scenario {
namespace {

using StrategyResult = sim::Result<std::shared_ptr<sim::Strategy>>;

template <class Made>
StrategyResult share(Made made) {
  if (!made.ok()) return StrategyResult::failure("explore: " + made.error());
  using Concrete = std::decay_t<decltype(made.value())>;
  return StrategyResult::success(std::make_shared<Concrete>(std::move(made.value())));
}

}  // namespace

StrategyResult make_strategy(const ExploreSpec& explore, const FaultSpec& faults) {
  const double failure_probability =
      faults.allocation_failures > 0 ? kAllocationFailureProbability : 0.0;
  if (explore.strategy == "random") {
    sim::RandomWalkOptions options;
    options.seed = explore.seed;
    options.allocation_failure_probability = failure_probability;
    return share(sim::RandomWalkStrategy::make(options));
  }
  if (explore.strategy == "pct") {
    sim::PctOptions options;
    options.seed = explore.seed;
    options.depth = explore.pct_depth;
    options.allocation_failure_probability = failure_probability;
    return share(sim::PctStrategy::make(options));
  }
  if (explore.strategy == "bounded") {
    sim::BoundedDfsOptions options;
    options.max_preemptions = explore.preemption_bound;
    return share(sim::BoundedDfsStrategy::make(options));
  }
  if (explore.strategy == "dpor") {
    sim::DporOptions options;
    options.max_injected_failures = static_cast<int>(faults.allocation_failures);
    return share(sim::DporStrategy::make(options));
  }
  return StrategyResult::failure("explore.strategy: expected random, pct, bounded or dpor, got '" +
                                 explore.strategy + "'");
}

}  // namespace mapsim::scenario
