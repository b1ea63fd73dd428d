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
//   => the end check fails: a key whose update returned 0 is not in the map.
//   (fixed = true: the same scenario on SimPlatform, which never fails)
#pragma once

#include "sim/scenario.h"

namespace mapsim::sim::testing {

Scenario broken_bucket_scenario(bool fixed = false);
Scenario unlocked_hash_map_scenario(bool fixed = false);

}  // namespace mapsim::sim::testing
