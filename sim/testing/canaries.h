// Canaries: deliberately broken concurrent code that every strategy must catch (STYLE G11;
// loom's tests/deadlock.rs, TigerBeetle's canary fuzzer). They show that the explorer
// works: a strategy that never reports them explores nothing of value. Test-only; built from
// SimPlatform and never compiled into a RealPlatform build.
//
// broken_bucket_scenario: one hash bucket (a singly linked list under a BucketLock) with the
//   bug "the update unlinks the old node before it takes the bucket lock". CPU 0 replaces key
//   1, CPU 1 replaces key 2; initial chain head -> key 2 -> key 1. In the bad interleavings a
//   stale node is relinked (key 1 twice) or a new node is lost (key 2 missing).
//   => the end check fails: "key 1 appears 2 times" or similar.  (fixed = false: never fails)
//
// unlocked_hash_map_scenario: the real BPF_MAP_TYPE_HASH code (impl/internal/hash_map_impl.h)
//   instantiated on a platform whose bucket lock excludes nobody (it still announces itself,
//   so the interleavings are the same). Two CPUs insert two keys of the same bucket.
//   => the end check fails: a key whose update returned 0 is not in the map; or, first, a data
//   race: the same locks guard the free lists, whose links are plain fields (P::Plain).
//   (fixed = true: the same scenario on SimPlatform, which never fails)
//
// unlocked_lru_map_scenario: the real LRU_HASH code on the same platform: its list locks
//   exclude nobody. Two CPUs insert into a 2-entry map holding one key (refills, evictions).
//   => a data race on the LRU lists' plain fields (links, counters), reported with both
//   accesses. (fixed = true: SimPlatform, which never fails)
//
// lru_steal_scenario: the real BPF_MAP_TYPE_LRU_HASH code on SimPlatform, 3 CPUs, max_entries 2
//   (one node per refill), key 100 inserted in setup (its node pending on CPU 0); CPU 0, 1 and 2
//   each insert one key. When CPU 1 takes the last free node first, CPU 2 finds nothing to
//   refill or shrink and steals CPU 0's pending node while CPU 0 may be flushing it. The bug is
//   planted by running it with mutant lru-steal-without-victim-lock (impl/mutant.h) in
//   ExplorerOptions::execution.mutants: the steal then skips the victim's local lock.
//   => with the mutant: a data race on the victim's list links, an LRU invariant (counters,
//      links) breaks or a list assertion fires; without it: never fails.
#pragma once

#include "impl/mutant.h"
#include "sim/scenario.h"

namespace mapsim::sim::testing {

Scenario broken_bucket_scenario(bool fixed = false);
Scenario unlocked_hash_map_scenario(bool fixed = false);
Scenario unlocked_lru_map_scenario(bool fixed = false);
Scenario lru_steal_scenario();
inline constexpr Mutant kLruStealCanaryMutant = Mutant::kLruStealWithoutVictimLock;

}  // namespace mapsim::sim::testing
