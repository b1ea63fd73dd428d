// MapCorruptionTestOnlyAccess: tests that damage a map on purpose, to show that the invariant
// checks (model/invariants/) catch each kind of damage, reach the map internals through this
// named friend (STYLE G11). impl/ only declares it; a test defines it.
#pragma once

namespace mapsim {

struct MapCorruptionTestOnlyAccess;

}  // namespace mapsim
