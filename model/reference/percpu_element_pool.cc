#include "model/reference/percpu_element_pool.h"

#include <utility>

#include "impl/assert.h"

namespace mapsim::reference {

PercpuElementPool::PercpuElementPool(bool prealloc, uint32_t max_entries,
                                     const PercpuSlots& slots, int cpus)
    : prealloc_(prealloc), zero_area_(slots.zero_area()) {
  if (!prealloc) {
    area_caches_.assign(static_cast<size_t>(cpus), std::vector<Bytes>{zero_area_});
    return;
  }
  free_areas_.assign(max_entries, zero_area_);
  free_lists_.resize(static_cast<size_t>(cpus));
  const uint32_t share = max_entries / static_cast<uint32_t>(cpus);
  const uint32_t remainder = max_entries % static_cast<uint32_t>(cpus);
  uint32_t next_id = 0;
  for (uint32_t cpu = 0; cpu < static_cast<uint32_t>(cpus); ++cpu) {
    const uint32_t count = share + (cpu < remainder ? 1 : 0);
    for (uint32_t dealt = 0; dealt < count; ++dealt) free_lists_[cpu].push_back(next_id++);
  }
}

std::optional<PercpuElement> PercpuElementPool::take(int cpu) {
  if (!prealloc_) {
    std::vector<Bytes>& cache = area_caches_[static_cast<size_t>(cpu)];
    if (cache.empty()) return PercpuElement{0, zero_area_};
    PercpuElement element{0, std::move(cache.back())};
    cache.pop_back();
    if (cache.size() < kCacheLowWatermark) cache.push_back(zero_area_);
    return element;
  }
  const size_t cpus = free_lists_.size();
  for (size_t step = 0; step < cpus; ++step) {
    std::vector<uint32_t>& free_list = free_lists_[(static_cast<size_t>(cpu) + step) % cpus];
    if (free_list.empty()) continue;
    const uint32_t id = free_list.back();
    free_list.pop_back();
    PercpuElement element{id, std::move(free_areas_[id])};
    free_areas_[id].clear();  // in use: its area lives in the element
    return element;
  }
  return std::nullopt;
}

void PercpuElementPool::give_back(int cpu, PercpuElement element) {
  if (!prealloc_) {
    std::vector<Bytes>& cache = area_caches_[static_cast<size_t>(cpu)];
    cache.push_back(std::move(element.area));
    if (cache.size() > kCacheHighWatermark) cache.resize(kCacheTrimTarget);
    return;
  }
  MAPSIM_ASSERT(free_areas_[element.id].empty(), "an element is freed once");
  free_areas_[element.id] = std::move(element.area);
  free_lists_[static_cast<size_t>(cpu)].push_back(element.id);
}

void PercpuElementPool::hash_into(StateHasher& hasher) const {
  hasher.add(free_lists_);
  hasher.add(free_areas_);
  hasher.add(area_caches_);
}

}  // namespace mapsim::reference
