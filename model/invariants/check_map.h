// check_map_invariants(): the structural invariants of a map's internal state, read through
// the test-only inspection of impl/ (Map::inspect(), impl/map_inspection.h), for every map
// family: "" when they hold, otherwise the first violation, in words.
//
// Made to run after every simulator step, i.e. at scheduling points in the middle of
// operations: it asserts only what holds at every such point, and accounts for what operations
// in flight may hold explicitly (MapCheckScope). What is checked, per family:
// - hash tables (HASH, PERCPU_HASH, and the buckets of LRU maps): every chain ends on its own
//   bucket's nulls marker without a cycle; every element sits in the bucket its hash names and
//   its stored hash is its key's; no element is linked twice; no key twice in a bucket whose
//   lock is free; at most max_entries keys (NO_PREALLOC: plus the overshoot of racing inserts);
// - preallocated pools: every element is on a free list, a CPU's extra element or in the
//   table, exactly one of them, except for what operations in flight hold; one extra element
//   per CPU (HASH); the element counter matches the table;
// - NO_PREALLOC per-CPU maps: cached value areas are distinct, within the watermark and not
//   in use by an element of the table;
// - LRU maps: every list well formed (links agree both ways, no cycle, nothing foreign), every
//   node on at most one list and of that list's type and owner whenever the list's lock is
//   free; ACTIVE/INACTIVE counters equal the list lengths and the rotation cursor is on
//   INACTIVE (lock free); nodes on no list are few (what operations in flight hold) and of a
//   local type, none with per-CPU lists; a key in the table has an in-use node with its hash;
//   in-use nodes and the element statistic match the table;
// - arrays, bloom filters: the layout; DEVMAP: entries made for their slot; DEVMAP_HASH:
//   chains by key, counter, capacity; LPM trie: prefixes extend their parents on the right
//   side, intermediate nodes have two children, the entry counter (lock free).
//
// Under the simulator, pass the scope of the moment: sim/testing/map_step_check.h does that.
#pragma once

#include <cstdint>
#include <string>

#include "impl/map.h"

namespace mapsim::invariants {

struct MapCheckScope {
  /// Map operations begun and not returned at the moment of the check. 0: quiescent, and then
  /// everything must be accounted for exactly. Each operation in flight may hold elements or
  /// LRU nodes that are on no list and in no table, or in two places during a swap.
  uint32_t operations_in_flight = 0;
  /// Elements one operation may hold that way at once: 1 for single-element operations; a
  /// batch delete holds up to one bucket's chain.
  uint32_t elements_per_operation = 1;
  /// Operations that may have overlapped so far (CPU programs plus nested programs). A
  /// NO_PREALLOC hash map may end up to concurrency - 1 keys over max_entries: the kernel's
  /// is_map_full() check races with the increment that follows it.
  uint32_t concurrency = 1;
};

std::string check_map_invariants(const Map& map, const MapCheckScope& scope = {});

}  // namespace mapsim::invariants
