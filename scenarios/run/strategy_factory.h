// The strategy a scenario asks for (ExploreSpec), built with the project's strategy classes
// (sim/strategy/): random (random walk), pct, bounded (iterative context bounding up to
// preemption_bound preemptions) or dpor (optimal DPOR).
//
// Fault injection (FaultSpec::allocation_failures = n > 0): random and pct fail each allocation
// with probability kAllocationFailureProbability while the execution's budget of n failures
// lasts; bounded branches on every allocation; dpor explores fault plans of up to n failures.
#pragma once

#include <memory>
#include <string>

#include "scenarios/scenario_spec.h"
#include "sim/result.h"
#include "sim/strategy/strategy.h"

namespace mapsim::scenario {

inline constexpr double kAllocationFailureProbability = 0.2;

// An error names the strategy parameter that is wrong.
sim::Result<std::shared_ptr<sim::Strategy>> make_strategy(const ExploreSpec& explore,
                                                          const FaultSpec& faults);

}  // namespace mapsim::scenario
