// Completes the observations of an execution from its trace: the simulator times of every
// step (invoked_step, returned_step; see observation.h) and the LRU path events each step
// reported (TraceKind::kPathEvent records fall between the kOperationBegin and kOperationEnd
// records of the step that made them, on the same context).
#pragma once

#include <cstddef>
#include <vector>

#include "scenarios/run/observation.h"
#include "sim/trace.h"

namespace mapsim::scenario {

// `context_first_slot[c]` is the observation slot of context c's first step.
void annotate_from_trace(const sim::Trace& trace, const std::vector<size_t>& context_first_slot,
                         std::vector<Observation>* observations);

}  // namespace mapsim::scenario
