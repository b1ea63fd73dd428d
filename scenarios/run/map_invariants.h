// The structural invariants of a scenario's map (model/invariants/check_map.h, every map type),
// checked by the scenario runner after every visible step and at the end of every completed
// execution (docs/invariants.md).
//
// After a step the map may be in the middle of operations: the check is told how many are in
// flight (MapCheckScope, from the running execution) and names the step that broke the
// invariant: the last step taken, its context and the scenario operation it belongs to. At the
// end the map is quiescent and everything must be accounted for exactly; the LRU maps' and the
// LPM trie's own quiescent checks run there too.
#pragma once

#include <string>

#include "impl/map.h"

namespace mapsim::scenario {

// "" when the invariants hold at this scheduling point, else "after step N (CONTEXT, in
// \"OPERATION\"): what is broken". REQUIRES: inside a running execution's step check.
std::string check_step_invariants(const Map& map);

// "" when the invariants hold (every map type), else what is broken.
// REQUIRES: direct mode; the map is quiescent.
std::string check_quiescent_invariants(Map& map);

}  // namespace mapsim::scenario
