#include "sim/rcu_model.h"

#include "impl/assert.h"

namespace mapsim::sim {

void RcuModel::reset() {
  depth_.fill(0);
  retired_.clear();
}

void RcuModel::read_unlock(int context, std::vector<uint32_t>* reclaim) {
  MAPSIM_ASSERT(depth_[context] > 0, "rcu_read_unlock() without rcu_read_lock()");
  if (--depth_[context] > 0) return;
  const uint64_t bit = uint64_t{1} << context;
  size_t kept = 0;
  for (Retired& retired : retired_) {
    retired.waiting_for &= ~bit;
    if (retired.waiting_for == 0) {
      reclaim->push_back(retired.block);
    } else {
      retired_[kept++] = retired;
    }
  }
  retired_.resize(kept);
}

void RcuModel::retire(uint32_t block, std::vector<uint32_t>* reclaim) {
  uint64_t readers = 0;
  for (int context = 0; context < kMaxContexts; ++context) {
    if (depth_[context] > 0) readers |= uint64_t{1} << context;
  }
  if (readers == 0) {
    reclaim->push_back(block);
  } else {
    retired_.push_back(Retired{block, readers});
  }
}

}  // namespace mapsim::sim
