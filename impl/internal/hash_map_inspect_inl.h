// HashMap<P>::inspect(): the test-only view of a HASH / PERCPU_HASH map
// (impl/inspection/hash_view.h). Included by hash_map_impl.h only.
//
// Elements are named by their pool index when preallocated (an address outside the pool is a
// corrupt link: shown with in_pool = false and not read), by their address otherwise.
#pragma once

#include "impl/internal/hash_map_impl.h"
#include "impl/internal/hash_table_inspect.h"

namespace mapsim::internal {

template <class P>
MapInspection HashMap<P>::inspect() const {
  const uint64_t pool = prealloc_ ? pool_count() : 0;
  const uint32_t element_size = table_.layout().element_size;
  auto identify = [&](const Element* element, HashElementView* seen) {
    if (prealloc_) {
      seen->id = inspect_pool_index(element, pool_, element_size, pool);
      seen->in_pool = seen->id < pool;
      if (!seen->in_pool) return false;
    } else {
      seen->id = reinterpret_cast<uintptr_t>(element);
    }
    if (percpu_) {
      seen->percpu_area = reinterpret_cast<uintptr_t>(values_.area(const_cast<Element*>(element)));
    }
    return true;
  };
  HashMapView view;
  view.percpu = percpu_;
  view.prealloc = prealloc_;
  view.max_entries = max_entries();
  view.possible_cpus = platform_.possible_cpus();
  view.pool_count = pool;
  view.element_count = element_count_.load();
  // A chain can hold every element once, plus (NO_PREALLOC) the overshoot of racing inserts.
  const uint64_t limit = prealloc_ ? pool : uint64_t{max_entries()} * 2 + 64;
  view.table = hash_table_view(table_, static_cast<uint32_t>(limit), identify);
  if (prealloc_) {
    for (int cpu = 0; cpu < view.possible_cpus; ++cpu) {
      view.free_lists.push_back(free_list_.view(cpu, pool, identify));
    }
    if (!percpu_) {
      for (int cpu = 0; cpu < view.possible_cpus; ++cpu) {
        HashElementView& extra = view.extra_elements.emplace_back();
        const Element* element = extra_elements_[cpu].read();
        if (element != nullptr) identify(element, &extra);
      }
    }
  } else if (percpu_ && area_cache_.allocated()) {
    view.area_cache_high_watermark = PercpuAreaCache<P>::kHighWatermark;
    for (int cpu = 0; cpu < view.possible_cpus; ++cpu) {
      view.area_caches.push_back(area_cache_.view(cpu));
    }
  }
  return MapInspection{view};
}

}  // namespace mapsim::internal
