#include "sim/testing/map_step_check.h"

#include <algorithm>

#include "model/invariants/check_map.h"
#include "sim/execution.h"

namespace mapsim::sim::testing {

std::string map_step_check(const Map& map) {
  invariants::MapCheckScope scope;
  if (const Execution* execution = Execution::current()) {
    scope.operations_in_flight = execution->operations_in_flight();
    scope.concurrency = static_cast<uint32_t>(std::max(execution->context_count(), 1));
  }
  return invariants::check_map_invariants(map, scope);
}

}  // namespace mapsim::sim::testing
