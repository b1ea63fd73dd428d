// explore_for_events(): runs a synthesised scenario (a ScenarioSpec of updates, deletes and
// lookups on an LRU map, with setup, CPU programs and interrupts) under the simulator with DPOR
// and reports which LRU path events its executions showed, stopping at the first execution that
// shows the one asked for.
//
// This is how a candidate is judged (the model proposes, the simulator decides) and how the
// checked-in scenarios are checked. Setup runs in direct mode, whose path events are not
// recorded: only the explored part counts, as for a scenario's `exists` expectation.
// Deterministic: the same spec explores the same executions in the same order.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "impl/lru_path_event.h"
#include "scenarios/scenario_spec.h"

namespace mapsim::synth {

struct ReachReport {
  bool reached = false;
  uint64_t executions = 0;          ///< executions run (up to and including the first hit)
  bool exhausted = false;           ///< DPOR covered every execution (when not reached)
  std::set<uint16_t> events;        ///< every path event seen
  std::string error;                ///< the scenario could not run (bad spec, failure)
};

// Explores `spec` with DPOR for at most `max_executions` executions (the spec's own budget when
// 0, then DPOR's default).
ReachReport explore_for_events(const scenario::ScenarioSpec& spec, PathEvent target,
                               uint64_t max_executions = 0);

}  // namespace mapsim::synth
