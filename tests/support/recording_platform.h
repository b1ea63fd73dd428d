// RealPlatform whose LRU path events (impl/lru_path_event.h) are recorded instead of compiled
// away, for tests that check which path an operation took: the map code instantiated on it
// calls path_event() here, and the test takes the events recorded since it last looked.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "impl/lru_path_event.h"
#include "impl/real_platform.h"

namespace mapsim::testing {

class RecordingPlatform : public RealPlatform {
 public:
  using Event = std::pair<PathEvent, uint64_t>;  ///< an event and its argument

  using RealPlatform::RealPlatform;
  void path_event(PathEvent event, uint64_t arg = 0) { events_.emplace_back(event, arg); }
  std::vector<Event> take_events() { return std::exchange(events_, {}); }

 private:
  std::vector<Event> events_;
};

}  // namespace mapsim::testing
