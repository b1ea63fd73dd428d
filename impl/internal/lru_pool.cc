// The platform-independent part of LruPool (target_free) and its RealPlatform instantiation.
#include "impl/internal/lru_pool.h"

#include <algorithm>

namespace mapsim {

uint32_t lru_target_free_count(uint32_t node_count, int possible_cpus) {
  MAPSIM_ASSERT(possible_cpus >= 1, "at least one CPU");
  const uint32_t half_share = node_count / static_cast<uint32_t>(possible_cpus) / 2;
  return std::clamp<uint32_t>(half_share, 1, kLruLocalFreeTargetMax);
}

template class LruPool<RealPlatform>;

}  // namespace mapsim
