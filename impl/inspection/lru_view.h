// Read-only view of an LRU hash map's internal state (LRU_HASH, LRU_PERCPU_HASH): the bucket
// array, the LRU node pool and its lists, for invariant checks (model/invariants/). Test-only,
// like impl/inspection/hash_view.h, whose rules it follows: a copy taken at one moment (maybe a
// scheduling point inside an operation), locks included, never asserting; walks over corrupt
// links stop and say why.
#pragma once

#include <cstdint>
#include <vector>

#include "impl/inspection/hash_view.h"

namespace mapsim {

struct LruNodeView {
  uint8_t type = 0;  ///< LruListType: ACTIVE 0, INACTIVE 1, FREE 2, LOCAL_FREE 3, LOCAL_PENDING 4
  bool referenced = false;
  bool pending_free = false;
  uint16_t cpu = 0;   ///< owner CPU
  uint32_t hash = 0;  ///< hash of the key the node was last handed out for
};

// One list walked from its head (newest first).
struct LruListWalk {
  enum class End : uint8_t {
    kHead,           ///< came back to its head (LOCAL_FREE: reached the end of the llist)
    kForeignLink,    ///< a link points at neither a node of the pool nor this list's head
    kBrokenBackLink, ///< a node's prev does not point back at its predecessor
    kTooLong,        ///< more links than nodes in the pool: a cycle that misses the head
  };
  std::vector<uint32_t> nodes;  ///< node indexes, newest first
  End end = End::kHead;
};

// The global list of the common LRU, or one CPU's list of the per-CPU LRU.
struct LruListsView {
  LruListWalk lists[3];       ///< ACTIVE, INACTIVE, FREE
  uint32_t counts[2] = {0, 0};  ///< the counters of ACTIVE, INACTIVE
  static constexpr int64_t kCursorAtHead = -1;
  static constexpr int64_t kCursorForeign = -2;
  int64_t cursor = kCursorAtHead;  ///< rotation cursor: node index, at head, or foreign
  bool locked = false;
};

// One CPU's local lists of the common LRU.
struct LruLocalView {
  LruListWalk pending;  ///< LOCAL_PENDING
  LruListWalk free;     ///< LOCAL_FREE (llist)
  uint16_t next_steal = 0;
  bool locked = false;
};

struct LruMapView {
  HashTableView table;  ///< element ids are node indexes (element i owns node i)
  bool percpu_values = false;  ///< LRU_PERCPU_HASH
  bool percpu_lists = false;   ///< BPF_F_NO_COMMON_LRU
  uint32_t max_entries = 0;
  int possible_cpus = 0;
  uint32_t target_free = 0;    ///< common LRU refill batch
  std::vector<LruNodeView> nodes;    ///< [node index]
  std::vector<LruListsView> lists;   ///< [0] common LRU; [cpu] per-CPU LRU
  std::vector<LruLocalView> locals;  ///< [cpu]; common LRU only
  uint64_t element_count = 0;        ///< the map's element statistic
};

}  // namespace mapsim
