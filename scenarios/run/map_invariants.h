// The structural invariants of a scenario's map, checked at the end of every completed
// execution (the map is quiescent then: no update in flight, no lock held).
//
// Today these are the implementation's own quiescent checks: the LRU hash maps'
// check_invariants() (every node on exactly one list, list counts, keys in the table == nodes
// in use, the element statistic) and the LPM trie's check_invariants_quiescent(). Other types
// have no structural check of their own yet.
#pragma once

#include <string>

#include "impl/map.h"

namespace mapsim::scenario {

// "" when the invariants hold (or the type has none), else what is broken.
// REQUIRES: direct mode; the map is quiescent.
std::string check_quiescent_invariants(Map& map);

}  // namespace mapsim::scenario
