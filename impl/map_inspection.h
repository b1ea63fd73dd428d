// MapInspection: a test-only, read-only view of a map's internal state (Map::inspect()), one
// view type per map family. model/invariants/ checks these views after every simulator step.
//
// Contract:
// - inspect() copies the state as it is at that moment, including which locks are held; under
//   the simulator this may be a scheduling point in the middle of an operation. It never
//   changes the map and never asserts: corrupt links are reported in the view.
// - It costs nothing unless called: no counters or shadow state are kept for it (RealPlatform
//   production code is unchanged). Calling it while other threads of a RealPlatform map run is
//   not supported (a torn view); under the simulator every moment is a consistent snapshot.
// - Map types without a view return std::monostate.
#pragma once

#include <variant>

#include "impl/inspection/array_view.h"
#include "impl/inspection/corruption_access.h"
#include "impl/inspection/devmap_view.h"
#include "impl/inspection/hash_view.h"
#include "impl/inspection/lpm_view.h"
#include "impl/inspection/lru_view.h"

namespace mapsim {

struct MapInspection {
  std::variant<std::monostate, HashMapView, LruMapView, ArrayMapView, BloomFilterView,
               DevMapView, DevMapHashView, LpmTrieView>
      view;
};

}  // namespace mapsim
