// Mazurkiewicz traces by brute force, for checking partial-order reduction (tests and
// benchmarks only).
//
// Two executions are equivalent when one can be turned into the other by swapping adjacent
// independent transitions (sim/transition.h). canonical_trace() names an execution's class by
// its lexicographically least linearisation: repeatedly emit, among the transitions whose
// dependent predecessors have all been emitted, the one of the smallest context. Equal names
// mean equivalent executions.
//
// observable_view() is the check on the dependency relation itself: what every context saw (the
// result of each of its steps and operations, in its own program order). Swapping independent
// transitions never changes it, so two executions with the same canonical name must have the
// same view; a relation that misses a real conflict breaks that.
#pragma once

#include <string>
#include <vector>

#include "sim/trace.h"
#include "sim/transition.h"

namespace mapsim::sim::testing {

std::vector<Transition> transitions_of(const Trace& trace);
std::string canonical_trace(const std::vector<Transition>& transitions);
std::string observable_view(const Trace& trace);

}  // namespace mapsim::sim::testing
