// PathEvent: the steps of the LRU hash map update path, each reported as it happens.
//
// Map code calls `platform.path_event(PathEvent, arg)` at every step of an LRU update (and of
// the node pops, pushes and evictions that an update causes). RealPlatform compiles the call
// away; the simulator records it in the trace. The flowchart renderer (viz/) draws one node per
// event id, and the scenario synthesizer (Z3) targets them, so:
//
//   * numeric values and dotted names are STABLE: never renumber, never rename, never reuse a
//     retired value; add new events with new values at the end of their group;
//   * the groups are numbered by hundreds: update 1xx, common-LRU pop 2xx, refill 3xx, steal 4xx,
//     per-CPU-LRU pop 5xx, eviction callback 6xx, push 7xx, program lookup 8xx.
//
// docs/lru-path-events.md lists every event: where it fires, which lock is held, what `arg`
// carries and what it means for a user of the map.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "impl/platform.h"

namespace mapsim {

enum class PathEvent : uint16_t {
  // ---- update (impl/internal/lru_hash_map_impl.h); fact sheet 4.10 ----
  kUpdateBegin = 100,                 ///< arg: flags
  kUpdatePercpuExistSkipsPop = 101,   ///< LRU_PERCPU_HASH + BPF_EXIST: no node is popped
  kUpdateNoNode = 102,                ///< the pop found no node: -ENOMEM
  kUpdateBucketLockFailed = 103,      ///< arg: positive errno (EDEADLK / ETIMEDOUT)
  kUpdateExists = 104,                ///< BPF_NOEXIST and the key is present: -EEXIST
  kUpdateNotFound = 105,              ///< BPF_EXIST and the key is absent: -ENOENT
  kUpdateInsertNew = 106,             ///< new node linked at the bucket head (key was absent)
  kUpdateReplaceExisting = 107,       ///< LRU_HASH: new node (ref = 1) replaces the old one
  kUpdatePercpuInPlace = 108,         ///< LRU_PERCPU_HASH: existing node, ref = 1, values copied
  kUpdateUnusedNodePushedBack = 109,  ///< the popped node was not inserted: pushed back
  kUpdateOldNodePushedBack = 110,     ///< LRU_HASH replace: the old node is pushed back
  kUpdateSuccess = 111,               ///< the update returns 0

  // ---- common LRU pop (bpf_common_lru_pop_free); fact sheet 4.7 ----
  kPopLocalFreeHit = 200,             ///< this CPU's LOCAL_FREE list had a node
  kPopRefillHit = 201,                ///< after a refill, LOCAL_FREE has a node
  kPopRefillMiss = 202,               ///< after a refill, LOCAL_FREE is still empty: steal next
  kPopNodeMadePending = 203,          ///< arg: CPU; node is now LOCAL_PENDING of that CPU
  kPopLocalLockFailed = 204,          ///< arg: errno; this CPU's local lock failed: no node

  // ---- refill (lru_list_pop_free_to_local); fact sheet 4.7 step 2 ----
  kRefillFlushPending = 300,          ///< arg: pending nodes moved into the global list
  kRefillRotateActive = 301,          ///< arg: nodes scanned (only when inactive < active)
  kRefillRotateInactive = 302,        ///< arg: nodes scanned (0: INACTIVE empty)
  kRefillMoveFromGlobalFree = 303,    ///< arg: nodes moved from global FREE to LOCAL_FREE
  kRefillShrinkInactive = 304,        ///< arg: nodes evicted (ref bit honoured)
  kRefillForceShrink = 305,           ///< arg: nodes evicted (0 or 1; ref bit ignored)
  kRefillFlushPendingFree = 306,      ///< arg: pending_free nodes the flush sent to FREE
  kRefillGlobalLockFailed = 307,      ///< arg: errno; no refill this time

  // ---- steal (bpf_common_lru_pop_free, second half); fact sheet 4.7 step 4 ----
  kStealBegin = 400,                  ///< arg: first victim CPU (this CPU's next_steal)
  kStealLocalFree = 401,              ///< arg: victim CPU; took the head of its LOCAL_FREE
  kStealPendingUnreferenced = 402,    ///< arg: victim CPU; evicted an unreferenced pending key
  kStealPendingIgnoringRef = 403,     ///< arg: victim CPU; evicted in the pass ignoring ref
  kStealNothing = 404,                ///< arg: victims tried; no node anywhere
  kStealVictimLockFailed = 405,       ///< arg: victim CPU; its lock failed, victim skipped
  kStealLocalLockFailed = 406,        ///< arg: errno; stolen node parked on own LOCAL_FREE

  // ---- per-CPU LRU pop (bpf_percpu_lru_pop_free); fact sheet 4.9 ----
  kPercpuRotateActive = 500,          ///< arg: nodes scanned (only when inactive < active)
  kPercpuRotateInactive = 501,        ///< arg: nodes scanned
  kPercpuFreeHit = 502,               ///< this CPU's FREE list had a node: no shrink
  kPercpuShrinkInactive = 503,        ///< arg: nodes evicted (ref bit honoured)
  kPercpuForceShrink = 504,           ///< arg: nodes evicted (0 or 1; ref bit ignored)
  kPercpuNodeToInactive = 505,        ///< arg: CPU; node handed out, now INACTIVE
  kPercpuLockFailed = 506,            ///< arg: errno; this CPU's list lock failed: no node

  // ---- eviction callback (htab_lru_map_delete_node); fact sheet 4.6 ----
  kEvictUnlinked = 600,               ///< arg: the node's hash; its key left the map
  kEvictBucketLockFailed = 601,       ///< arg: positive errno; the node stays where it is
  kEvictNotInTable = 602,             ///< arg: the node's hash; node not (or no longer) linked

  // ---- push (bpf_lru_push_free); fact sheet 4.8 ----
  kPushPendingToLocalFree = 700,      ///< arg: owner CPU; pending node back to its LOCAL_FREE
  kPushPendingMovedMeanwhile = 701,   ///< arg: owner CPU; flushed meanwhile: global path taken
  kPushToGlobalFree = 702,            ///< ACTIVE/INACTIVE node to the global FREE list
  kPushPercpuToFree = 703,            ///< arg: owner CPU; node to its per-CPU FREE list
  kPushMarkedPendingFree = 704,       ///< arg: errno; lock failed, node marked pending_free

  // ---- program lookup (htab_lru_map_lookup_elem & co.); fact sheet 3.7 ----
  kLookupSetRef = 800,                ///< ref bit was 0 and is now 1
};

// "lru.update.begin", "lru.pop.local_free_hit", ...: stable dotted ids; nullptr for a value that
// is not an event.
const char* path_event_name(PathEvent event);
// One line for flowchart labels and reports; nullptr for a value that is not an event.
const char* path_event_summary(PathEvent event);
std::optional<PathEvent> path_event_from_name(std::string_view name);
// Every event, in ascending numeric order.
std::span<const PathEvent> all_path_events();

}  // namespace mapsim
