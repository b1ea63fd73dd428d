// Read-only views of the hash family's internal state (HASH, PERCPU_HASH and the bucket array
// of the LRU maps), for invariant checks (model/invariants/). Test-only: maps fill them in
// Map::inspect(), which nothing on a hot path calls, so RealPlatform pays nothing at run time.
//
// A view is a copy taken at one moment. Under the simulator that moment may be a scheduling
// point in the middle of an operation, so a view shows what is there, locks included, and
// never asserts anything itself: walks over corrupt links stop (cut, foreign) instead of
// crashing or looping, and the checker says what is wrong.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mapsim {

// One element as a chain, a free list or an extra slot holds it.
struct HashElementView {
  static constexpr uint64_t kNone = UINT64_MAX;
  /// Pool index for preallocated maps; for BPF_F_NO_PREALLOC the element's address (only
  /// compared, never printed). kNone: an empty slot.
  uint64_t id = kNone;
  /// Preallocated maps: the address is one of the pool's elements (false: corrupt link).
  bool in_pool = true;
  uint32_t hash = 0;      ///< the hash stored in the element
  uint32_t key_hash = 0;  ///< the hash of its key bytes, recomputed with the table's seed
  std::string key;        ///< the key bytes
  /// Per-CPU maps: address of the element's per-CPU value area (0 otherwise).
  uint64_t percpu_area = 0;
};

struct HashChainView {
  std::vector<HashElementView> elements;  ///< from the bucket head, in chain order
  uint32_t end_bucket = 0;  ///< the bucket named by the nulls marker that ends the chain
  bool cut = false;         ///< the walk stopped after walk_limit elements (a cycle)
  bool locked = false;      ///< the bucket lock was held at the moment of the view
};

struct HashTableView {
  uint32_t n_buckets = 0;
  uint32_t seed = 0;
  uint32_t walk_limit = 0;  ///< longest chain walked before a chain counts as cyclic
  std::vector<HashChainView> buckets;  ///< [bucket index]
};

// A per-CPU free list of preallocated elements (impl/internal/percpu_freelist.h).
struct HashFreeListView {
  std::vector<HashElementView> elements;  ///< top first (id and in_pool only)
  bool cut = false;                       ///< longer than the pool: a cycle
  bool locked = false;
};

// A CPU's cache of per-CPU value areas (NO_PREALLOC per-CPU maps; percpu_area_cache.h).
struct PercpuAreaCacheView {
  std::vector<uint64_t> areas;  ///< addresses of the cached areas
  uint32_t count = 0;           ///< the list's counter
  bool locked = false;
};

// HashMap<P>: BPF_MAP_TYPE_HASH / PERCPU_HASH.
struct HashMapView {
  HashTableView table;
  bool percpu = false;
  bool prealloc = true;
  uint32_t max_entries = 0;
  int possible_cpus = 0;
  uint64_t pool_count = 0;     ///< preallocated elements (0 with BPF_F_NO_PREALLOC)
  uint64_t element_count = 0;  ///< the map's element counter
  std::vector<HashFreeListView> free_lists;       ///< [cpu]; preallocated maps
  std::vector<HashElementView> extra_elements;    ///< [cpu]; preallocated HASH only
  std::vector<PercpuAreaCacheView> area_caches;   ///< [cpu]; NO_PREALLOC PERCPU_HASH only
  uint32_t area_cache_high_watermark = 0;
};

}  // namespace mapsim
