// map_step_check(): the map invariants of model/invariants/check_map.h as a scenario's step
// check, with the scope of the moment taken from the running execution (how many operations
// are in flight, how many contexts may have overlapped). Outside an execution (or between
// executions) the map is quiescent and everything must be accounted for exactly.
//
//   instance.check_step = [map] { return map_step_check(**map); };
#pragma once

#include <string>

#include "impl/map.h"

namespace mapsim::sim::testing {

std::string map_step_check(const Map& map);

}  // namespace mapsim::sim::testing
