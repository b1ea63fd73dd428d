// RCU as the simulator models it: read-side sections per context, and deferred frees that
// complete at the earliest moment the kernel would allow.
//
// A block retired with release_after_grace_period() waits for the contexts that were inside a
// read-side section at that moment; when the last of them leaves its section, the grace period
// is over and the block is reclaimed (poisoned) at once. Reclaiming as early as RCU permits
// makes every use-after-grace-period visible: a reader that was not protected, or a writer
// that keeps using a block after retiring it, touches poison.
// Nested programs are readers of their own; a context that finishes inside a read-side section
// is a bug the execution reports.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "sim/vector_clock.h"

namespace mapsim::sim {

class RcuModel {
 public:
  void reset();
  void read_lock(int context) { depth_[context] += 1; }
  // Leaves a section; appends to *reclaim the blocks whose grace period ended.
  // REQUIRES: depth(context) > 0.
  void read_unlock(int context, std::vector<uint32_t>* reclaim);
  // Retires `block`; appends it to *reclaim when no reader can still see it.
  void retire(uint32_t block, std::vector<uint32_t>* reclaim);
  int depth(int context) const { return depth_[context]; }
  size_t pending() const { return retired_.size(); }

 private:
  struct Retired {
    uint32_t block;
    uint64_t waiting_for;  // bit c: context c was a reader when the block was retired
  };
  std::array<int, kMaxContexts> depth_{};
  std::vector<Retired> retired_;
};

}  // namespace mapsim::sim
