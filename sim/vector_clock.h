// Vector clocks over simulated contexts (Lamport 1978; Mattern 1989).
//
// Entry c counts the steps of context c that happen before the clock's owner. Used twice, for
// two different relations: the data-race detector's synchronisation order (locks, atomics with
// acquire/release, interrupt entry and exit; sim/race_detector.h) and DPOR's happens-before over
// dependent transitions (sim/strategy/dpor.h).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace mapsim::sim {

// Contexts of one execution: CPUs that run a program plus nested (interrupt) programs. Fixed so
// that clocks are flat arrays without allocation; 32 is far above what exhaustive exploration
// can handle and enough for random walks on many CPUs.
inline constexpr int kMaxContexts = 32;

class VectorClock {
 public:
  uint32_t operator[](int context) const { return ticks_[context]; }
  uint32_t& operator[](int context) { return ticks_[context]; }

  void join(const VectorClock& other) {
    for (int context = 0; context < kMaxContexts; ++context) {
      ticks_[context] = std::max(ticks_[context], other.ticks_[context]);
    }
  }
  void clear() { ticks_.fill(0); }
  // True when every entry is <= the other's: this clock's owner happens before (or is) it.
  bool less_or_equal(const VectorClock& other) const {
    for (int context = 0; context < kMaxContexts; ++context) {
      if (ticks_[context] > other.ticks_[context]) return false;
    }
    return true;
  }

 private:
  std::array<uint32_t, kMaxContexts> ticks_{};
};

}  // namespace mapsim::sim
