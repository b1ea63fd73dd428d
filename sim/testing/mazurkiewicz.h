// Mazurkiewicz traces by brute force, for checking partial-order reduction (tests and
// benchmarks only).
//
// Two executions are equivalent when one can be turned into the other by swapping adjacent
// independent transitions (sim/transition.h). canonical_trace() names an execution's class by
// its lexicographically least linearisation: repeatedly emit, among the transitions whose
// dependent predecessors have all been emitted, the one of the smallest context. Equal names
// mean equivalent executions.
#pragma once

#include <string>
#include <vector>

#include "sim/trace.h"
#include "sim/transition.h"

namespace mapsim::sim::testing {

std::vector<Transition> transitions_of(const Trace& trace);
std::string canonical_trace(const std::vector<Transition>& transitions);

}  // namespace mapsim::sim::testing
