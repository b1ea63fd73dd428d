// Shrinking a failing schedule's preemptions (`mapsim minimize`, second phase): fewer context
// switches that the failure does not need, so the trace reads as the essential interleaving.
//
// Candidates are wishes for sim::GuidedStrategy (the execution follows the wish where it can
// and runs without preemptions otherwise), made from the best schedule so far, for each of its
// preemptions in order:
//   - cut:   follow the schedule up to the preemption, then run without preemptions;
//   - defer: run the preempted context's next stretch before the preempting stretch;
// and for every two neighbouring stretches of different contexts:
//   - swap:  run them the other way round.
// A candidate is kept when the execution it produces still fails the same way and has fewer
// preemptions (or as many and fewer steps); the search repeats until no candidate improves or
// the budget (candidates, deadline) runs out. Allocation outcomes stay as the original schedule
// had them (by context and allocation ordinal).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "sim/explorer.h"
#include "sim/schedule.h"

namespace mapsim::cli {

struct ScheduleShrink {
  sim::Schedule schedule;  ///< the best failing schedule
  int preemptions_before = 0;
  int preemptions_after = 0;
  uint32_t steps_before = 0;
  uint32_t steps_after = 0;
  uint64_t candidates = 0;  ///< executions tried
  std::string error;        ///< the original schedule does not fail as expected
};

struct ScheduleShrinkOptions {
  uint64_t max_candidates = 2000;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

// The preemptions of the execution `schedule` records (-1 when it does not replay).
int schedule_preemptions(const sim::Scenario& scenario, const sim::ExplorerOptions& options,
                         const sim::Schedule& schedule);

// `same_failure(schedule)`: does this failing execution fail the way the original does?
ScheduleShrink shrink_preemptions(const sim::Scenario& scenario,
                                  const sim::ExplorerOptions& options,
                                  const sim::Schedule& schedule,
                                  const std::function<bool(const sim::Schedule&)>& same_failure,
                                  const ScheduleShrinkOptions& limits = {});

}  // namespace mapsim::cli
