// PercpuElementPool: where the per-CPU value area of a new PERCPU_HASH element comes from, and
// where a deleted element's area goes. Users see this through padding: a program insert writes
// only value_size bytes per slot, so the rest of each slot shows what the memory held before
// (percpu_slots.h). Which memory an insert gets is therefore part of the model:
//
// Preallocated (fact sheet 3.2, 3.12): a pool of max_entries elements, each with its own area
// (zero at creation), dealt out to one LIFO free list per possible CPU: n = pool / cpus per
// CPU, one more for the first pool % cpus CPUs, consecutive elements pushed in order (so the
// last one dealt to a CPU is its first out). An insert pops from its own CPU's list, else from
// the next CPUs in wrap-around order; nothing anywhere means the map is full (E2BIG). A delete
// pushes the element onto the deleting CPU's list, to be reused at once.
//
// BPF_F_NO_PREALLOC (impl/internal/percpu_area_cache.h records what was established on
// 6.18.44): the BPF memory allocator keeps a LIFO cache of free areas per CPU, not zeroed. Each
// cache starts with one fresh (zero) area; an insert pops from its CPU's cache and, if that
// emptied it, the cache gets a fresh area; a delete pushes onto the deleting CPU's cache, and a
// cache that grows past 3 drops its most recently freed areas until 2 are left (they go back
// to the system and come back zeroed, if ever).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/reference/model_op.h"
#include "model/reference/percpu_slots.h"
#include "model/reference/state_hasher.h"

namespace mapsim::reference {

struct PercpuElement {
  uint32_t id = 0;  ///< preallocated pool index; 0 for NO_PREALLOC elements (no identity)
  Bytes area;       ///< possible_cpus slots of round_up(value_size, 8) bytes

  bool operator==(const PercpuElement&) const = default;
  void hash_into(StateHasher& hasher) const {
    hasher.add(id);
    hasher.add(area);
  }
};

class PercpuElementPool {
 public:
  PercpuElementPool(bool prealloc, uint32_t max_entries, const PercpuSlots& slots, int cpus);

  // The element for a new key inserted on `cpu`; nullopt when the preallocated pool is empty.
  std::optional<PercpuElement> take(int cpu);
  // A deleted element, freed on `cpu`.
  void give_back(int cpu, PercpuElement element);

  bool operator==(const PercpuElementPool&) const = default;
  void hash_into(StateHasher& hasher) const;

 private:
  static constexpr size_t kCacheLowWatermark = 1;
  static constexpr size_t kCacheHighWatermark = 3;
  static constexpr size_t kCacheTrimTarget = (kCacheLowWatermark + kCacheHighWatermark) / 2;

  bool prealloc_;
  Bytes zero_area_;
  // Preallocated: per CPU, the free element ids, top of the stack last.
  std::vector<std::vector<uint32_t>> free_lists_;
  // Preallocated: per element id, the area it holds while it is free.
  std::vector<Bytes> free_areas_;
  // NO_PREALLOC: per CPU, the cached free areas, top of the stack last.
  std::vector<std::vector<Bytes>> area_caches_;
};

}  // namespace mapsim::reference
