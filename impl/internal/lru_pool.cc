// The platform-independent part of LruPool (target_free) and its RealPlatform instantiation.
#include "impl/internal/lru_pool.h"

#include <algorithm>

namespace mapsim {

uint32_t lru_target_free_count(uint32_t node_count, int possible_cpus) {
  MAPSIM_ASSERT(possible_cpus >= 1, "at least one CPU");
  const uint32_t half_share = node_count / static_cast<uint32_t>(possible_cpus) / 2;
  return std::clamp<uint32_t>(half_share, 1, kLruLocalFreeTargetMax);
}

static_assert(sizeof(LruNode<RealPlatform>) == 32,
              "the node is the kernel's 24-byte bpf_lru_node plus the key's hash, padded to 8: "
              "one per map element, so its size is part of the memory budget");

template class LruPool<RealPlatform>;

}  // namespace mapsim
