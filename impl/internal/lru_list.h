// The LRU lists of Linux 6.18 (kernel/bpf/bpf_lru_list.c): the part of LRU_HASH and
// LRU_PERCPU_HASH that decides which key an update evicts. Fact sheet section 4.
//
// IMPLEMENTATION DETAILS
//
// Memory layout. Every element of an LRU hash map carries one node (impl/internal/lru_node.h);
// the hash table reserves its area inside the element:
//
//   struct LruNode : LruLink {   // 24 bytes on RealPlatform
//     LruLink* prev, * next;     // position in exactly one of the lists below
//     uint16_t cpu;              // owner CPU (pending list owner, or per-CPU list owner)
//     Racy<uint8_t> type;        // the list it is on: ACTIVE 0 INACTIVE 1 FREE 2
//                                //                    LOCAL_FREE 3 LOCAL_PENDING 4
//     Racy<uint8_t> ref;         // reference bit
//     uint32_t hash;             // hash of the key it was handed out for
//   };
//
//   struct LruList {             // bpf_lru_list
//     LruLink lists[3];          // ACTIVE, INACTIVE, FREE heads
//     uint32_t counts[2];        // ACTIVE, INACTIVE sizes (FREE is not counted)
//     LruLink* next_inactive_rotation;   // cursor: INACTIVE head or a node on INACTIVE
//     SpinLock lock;             // own cache line
//   };
//
//   struct LruLocalList {        // bpf_lru_locallist, one per possible CPU (common LRU only)
//     LruLink free_list;         // LOCAL_FREE: nodes reserved for this CPU's next pops
//     LruLink pending_list;      // LOCAL_PENDING: nodes this CPU handed out since its last refill
//     uint16_t next_steal;       // the CPU whose local lists this CPU robs first
//     SpinLock lock;
//   };
//
// Common LRU (default): one global LruList + one LruLocalList per possible CPU. Per-CPU LRU
// (BPF_F_NO_COMMON_LRU): one LruList per possible CPU, no local lists, no stealing; each node
// belongs to one CPU's list forever (populate partitions them).
//
// Order: every insertion is at the head (newest end); every scan starts at the tail (oldest).
//
// Transitions, common LRU (the functions of impl/internal/lru_pool.h):
//   FREE --refill--> LOCAL_FREE --pop--> LOCAL_PENDING --flush (next refill)--> ACTIVE|INACTIVE
//   ACTIVE --rotate (no ref)--> INACTIVE, INACTIVE --rotate/shrink (ref)--> ACTIVE
//   INACTIVE --shrink: hash table unlinks the key--> LOCAL_FREE (of the refilling CPU)
//   INACTIVE|ACTIVE --force shrink, ref ignored--> LOCAL_FREE
//   LOCAL_FREE(victim) --steal--> LOCAL_PENDING(thief)
//   LOCAL_PENDING(victim) --steal: hash table unlinks the key--> LOCAL_PENDING(thief)
//   push (delete/replace): LOCAL_PENDING --> owner's LOCAL_FREE; ACTIVE|INACTIVE --> FREE
// Per-CPU LRU:
//   FREE --pop--> INACTIVE; rotate and shrink as above within the CPU's list; push --> FREE
//
// Counters change only on moves between counted types; the ref bit is cleared on every move
// among ACTIVE/INACTIVE/FREE (lru_node_move_locked), on move-in from pending, on every hand-out,
// but NOT by move-to-free (a force-evicted node keeps its bit until it is handed out).
//
// Locks. LOCK ORDER (the one place they nest; never the reverse):
//     local list lock  ->  global list lock  ->  bucket lock (inside the eviction callback)
//     victim's local list lock  ->  bucket lock                      (stealing)
//     per-CPU list lock  ->  bucket lock                             (NO_COMMON_LRU)
// The hash map pops before it takes a bucket lock and pushes after it releases one
// (hashtab.c: "lock acquisition of bucket_lock followed by lru_lock is not allowed"). A CPU
// never holds two local list locks: stealing releases its own first. The eviction callback may
// fail to take a bucket lock (rqspinlock: EDEADLK / ETIMEDOUT); that only makes it refuse the
// node, so LRU code never blocks behind a bucket lock it cannot get.
//
// Complexity. A pop from LOCAL_FREE is O(1). A refill costs O(nr_scans + target_free) list
// steps (nr_scans 128 common, 4 per-CPU) plus one eviction callback per evicted node; a force
// shrink walks a whole list only while the hash table refuses every node (bucket locks failing).
// Stealing costs one lock per possible CPU plus two scans of each victim's pending list.
//
// Deliberately approximate, as in the kernel: the ref bit is racy (a set may be lost); pending
// nodes are invisible to rotation and shrink until their CPU refills again; free nodes parked
// on other CPUs' LOCAL_FREE lists make eviction start before the map is full ("premature
// eviction", fact sheet 4.10). Not implemented because 6.18 does not have them (fact sheet
// 4.12): rqspinlock LRU locks, the lockless LOCAL_FREE llist, pending_free marks.
#pragma once

#include <cstdint>

#include "impl/assert.h"
#include "impl/internal/lru_link.h"
#include "impl/internal/lru_node.h"

namespace mapsim {

// True when `lock` is held by someone; locks that cannot tell (no is_locked()) answer true.
// Used in `_locked` functions to check the REQUIRES line (STYLE G6).
template <class Lock>
bool lru_lock_is_held(const Lock& lock) {
  if constexpr (requires { lock.is_locked(); }) {
    return lock.is_locked();
  } else {
    return true;
  }
}

// How LRU code asks the hash table to drop a key (the kernel's del_from_htab callback).
template <class P>
struct LruEvictor {
  /// Unlinks the element that owns `node` from its bucket if it is linked there; returns whether
  /// it did. Refuses (false) when the element is not linked or its bucket lock fails.
  /// Called with LRU list locks held; takes a bucket lock inside them (see LOCK ORDER).
  bool (*delete_from_table)(void* table, LruNode<P>* node) = nullptr;
  void* table = nullptr;

  bool remove(LruNode<P>* node) const { return delete_from_table(table, node); }
};

template <class P>
struct LruList {
  LruList() {
    for (LruLink& head : lists) lru_link_init_head(&head);
    next_inactive_rotation = head(LruListType::kInactive);
  }
  LruList(const LruList&) = delete;  // the cursor points into the object itself
  LruList& operator=(const LruList&) = delete;

  LruLink* head(LruListType type) {
    MAPSIM_ASSERT(!lru_list_type_is_local(type), "an LruList has no local lists");
    return &lists[static_cast<int>(type)];
  }
  const LruLink* head(LruListType type) const {
    MAPSIM_ASSERT(!lru_list_type_is_local(type), "an LruList has no local lists");
    return &lists[static_cast<int>(type)];
  }
  uint32_t count(LruListType type) const {
    MAPSIM_ASSERT(static_cast<int>(type) < kLruCountedListTypeCount, "only ACTIVE/INACTIVE");
    return counts[static_cast<int>(type)];
  }

  LruLink lists[kLruGlobalListTypeCount];
  uint32_t counts[kLruCountedListTypeCount] = {0, 0};  ///< nodes on ACTIVE, INACTIVE
  /// Where the next INACTIVE rotation starts: the INACTIVE head or a node on INACTIVE.
  LruLink* next_inactive_rotation = nullptr;
  /// Protects everything above and the nodes on these lists. Own cache line, as in the kernel
  /// (____cacheline_aligned_in_smp): every refill of every CPU takes it.
  alignas(64) typename P::SpinLock lock;
};

template <class P>
struct alignas(64) LruLocalList {  // one cache line per CPU: CPUs do not share lines
  LruLocalList() {
    lru_link_init_head(&free_list);
    lru_link_init_head(&pending_list);
  }
  LruLocalList(const LruLocalList&) = delete;
  LruLocalList& operator=(const LruLocalList&) = delete;

  LruLink free_list;      ///< LOCAL_FREE nodes, next pop takes the head
  LruLink pending_list;   ///< LOCAL_PENDING nodes, newest at the head
  /// First victim of this CPU's next steal. Read and written only by pops on this CPU,
  /// without the lock (as in the kernel).
  uint16_t next_steal = 0;
  typename P::SpinLock lock;  ///< protects both lists and the nodes on them
};

// ---- moves between lists of one LruList (REQUIRES: list.lock held) ----

// __bpf_lru_node_move(): ACTIVE/INACTIVE/FREE to the head of ACTIVE/INACTIVE/FREE of the same
// list; counters follow the type; the ref bit is cleared; the rotation cursor steps back if it
// pointed at the node.
template <class P>
void lru_node_move_locked(LruList<P>& list, LruNode<P>* node, LruListType target) {
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  const LruListType source = node->type();
  MAPSIM_ASSERT(!lru_list_type_is_local(source), "local nodes move in with move_in");
  MAPSIM_ASSERT(!lru_list_type_is_local(target), "local targets are reached by move_to_free");
  if (source != target) {
    if (static_cast<int>(source) < kLruCountedListTypeCount) --list.counts[int(source)];
    if (static_cast<int>(target) < kLruCountedListTypeCount) ++list.counts[int(target)];
    node->set_type(target);
  }
  node->clear_ref();
  if (list.next_inactive_rotation == node) {
    list.next_inactive_rotation = list.next_inactive_rotation->prev;
  }
  lru_link_move_to_head(node, list.head(target));
}

// __bpf_lru_node_move_to_free(): a node of this list (ACTIVE/INACTIVE) to the head of
// `free_list` (this list's FREE, or a CPU's LOCAL_FREE whose lock the caller also holds) with
// type `free_type`. The ref bit is left as it is.
template <class P>
void lru_node_move_to_free_locked(LruList<P>& list, LruNode<P>* node, LruLink* free_list,
                                  LruListType free_type) {
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  const LruListType source = node->type();
  MAPSIM_ASSERT(!lru_list_type_is_local(source), "only global-list nodes are shrunk");
  MAPSIM_ASSERT(free_type == LruListType::kFree || free_type == LruListType::kLocalFree,
                "the destination is a free list");
  if (list.next_inactive_rotation == node) {
    list.next_inactive_rotation = list.next_inactive_rotation->prev;
  }
  if (static_cast<int>(source) < kLruCountedListTypeCount) --list.counts[int(source)];
  node->set_type(free_type);
  lru_link_move_to_head(node, free_list);
}

// __bpf_lru_node_move_in(): a LOCAL_PENDING node (lock of its local list also held) to the head
// of this list's ACTIVE or INACTIVE; ref cleared.
template <class P>
void lru_node_move_in_locked(LruList<P>& list, LruNode<P>* node, LruListType target) {
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  MAPSIM_ASSERT(lru_list_type_is_local(node->type()), "only local nodes move in");
  MAPSIM_ASSERT(static_cast<int>(target) < kLruCountedListTypeCount, "into ACTIVE/INACTIVE");
  ++list.counts[static_cast<int>(target)];
  node->set_type(target);
  node->clear_ref();
  lru_link_move_to_head(node, list.head(target));
}

// ---- rotation (REQUIRES: list.lock held) ----

// bpf_lru_list_inactive_low(): ACTIVE is rotated only while INACTIVE is the smaller list.
template <class P>
bool lru_list_inactive_is_low(const LruList<P>& list) {
  return list.count(LruListType::kInactive) < list.count(LruListType::kActive);
}

// __bpf_lru_list_rotate_active(): from the tail of ACTIVE, referenced nodes go back to the
// ACTIVE head (ref cleared: one more chance), others to the INACTIVE head. Stops after
// `scan_count_max` nodes or after the node that was the head when the rotation began.
// Returns the number of nodes scanned.
template <class P>
uint32_t lru_list_rotate_active_locked(LruList<P>& list, uint32_t scan_count_max) {
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  LruLink* active = list.head(LruListType::kActive);
  const LruLink* first = active->next;
  uint32_t scanned = 0;
  for (LruLink *link = active->prev, *newer = nullptr; link != active; link = newer) {
    newer = link->prev;  // captured first: the node may move
    LruNode<P>* node = lru_node_of<P>(link);
    lru_node_move_locked(list, node,
                         node->is_referenced() ? LruListType::kActive : LruListType::kInactive);
    if (++scanned == scan_count_max || link == first) break;
  }
  return scanned;
}

// __bpf_lru_list_rotate_inactive(): starting at the cursor (the tail if the cursor is the
// head), walk towards the head and around, moving referenced nodes to the ACTIVE head; others
// stay put for the next shrink. Stops after `scan_count_max` steps or at the node that followed
// the cursor (one full circle). The cursor is left at the predecessor of the last node examined.
// Returns the number of nodes examined (0 when INACTIVE is empty).
template <class P>
uint32_t lru_list_rotate_inactive_locked(LruList<P>& list, uint32_t scan_count_max) {
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  LruLink* inactive = list.head(LruListType::kInactive);
  if (lru_link_list_is_empty(inactive)) return 0;
  LruLink* last = list.next_inactive_rotation->next;
  if (last == inactive) last = last->next;
  LruLink* current = list.next_inactive_rotation;
  LruLink* next = inactive;
  uint32_t steps = 0;
  uint32_t examined = 0;
  while (steps < scan_count_max) {
    if (current == inactive) {  // wrap past the head without counting it
      current = current->prev;
      continue;
    }
    next = current->prev;
    ++examined;
    LruNode<P>* node = lru_node_of<P>(current);
    if (node->is_referenced()) lru_node_move_locked(list, node, LruListType::kActive);
    if (current == last) break;
    current = next;
    ++steps;
  }
  list.next_inactive_rotation = next;
  return examined;
}

// ---- eviction (REQUIRES: list.lock held, and the lock of `free_list` if it is local) ----

// __bpf_lru_list_shrink_inactive(): from the tail of INACTIVE, referenced nodes move to the
// ACTIVE head; unreferenced ones are offered to the hash table and, when it unlinks the key,
// moved to `free_list`. Stops at `eviction_target` evictions or after `scan_count_max` nodes.
// Returns the number evicted.
template <class P>
uint32_t lru_list_shrink_inactive_locked(LruList<P>& list, const LruEvictor<P>& evictor,
                                         uint32_t eviction_target, uint32_t scan_count_max,
                                         LruLink* free_list, LruListType free_type) {
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  LruLink* inactive = list.head(LruListType::kInactive);
  uint32_t evicted = 0;
  uint32_t scanned = 0;
  for (LruLink *link = inactive->prev, *newer = nullptr; link != inactive; link = newer) {
    newer = link->prev;  // captured first: the node may move
    LruNode<P>* node = lru_node_of<P>(link);
    if (node->is_referenced()) {
      lru_node_move_locked(list, node, LruListType::kActive);
    } else if (evictor.remove(node)) {
      lru_node_move_to_free_locked(list, node, free_list, free_type);
      if (++evicted == eviction_target) break;
    }
    if (++scanned == scan_count_max) break;
  }
  return evicted;
}

// The second half of __bpf_lru_list_shrink(): when shrink_inactive evicted nothing, evict the
// oldest node the hash table agrees to drop, ignoring ref bits, from INACTIVE if it is non-empty,
// else from ACTIVE. Returns 1 if a node was evicted, 0 otherwise.
template <class P>
uint32_t lru_list_force_shrink_locked(LruList<P>& list, const LruEvictor<P>& evictor,
                                      LruLink* free_list, LruListType free_type) {
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  LruLink* victims = list.head(LruListType::kInactive);
  if (lru_link_list_is_empty(victims)) victims = list.head(LruListType::kActive);
  for (LruLink *link = victims->prev, *newer = nullptr; link != victims; link = newer) {
    newer = link->prev;  // captured first: the node may move
    LruNode<P>* node = lru_node_of<P>(link);
    if (evictor.remove(node)) {
      lru_node_move_to_free_locked(list, node, free_list, free_type);
      return 1;
    }
  }
  return 0;
}

// ---- local lists of the common LRU (REQUIRES: local.lock held) ----

// __local_list_flush(): every pending node, oldest first, moves into the global list: ACTIVE if
// referenced, else INACTIVE (ref cleared). REQUIRES: list.lock held too. Returns nodes moved.
template <class P>
uint32_t local_list_flush_locked(LruList<P>& list, LruLocalList<P>& local) {
  MAPSIM_ASSERT(lru_lock_is_held(local.lock), "REQUIRES: local.lock held");
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  uint32_t moved = 0;
  LruLink* pending = &local.pending_list;
  for (LruLink *link = pending->prev, *newer = nullptr; link != pending; link = newer) {
    newer = link->prev;  // captured first: the node may move
    LruNode<P>* node = lru_node_of<P>(link);
    lru_node_move_in_locked(list, node,
                            node->is_referenced() ? LruListType::kActive : LruListType::kInactive);
    ++moved;
  }
  return moved;
}

// __local_list_pop_free(): unlink the head of LOCAL_FREE (type still LOCAL_FREE), or nullptr.
template <class P>
LruNode<P>* local_list_pop_free_locked(LruLocalList<P>& local) {
  MAPSIM_ASSERT(lru_lock_is_held(local.lock), "REQUIRES: local.lock held");
  if (lru_link_list_is_empty(&local.free_list)) return nullptr;
  LruNode<P>* node = lru_node_of<P>(local.free_list.next);
  MAPSIM_ASSERT(node->type() == LruListType::kLocalFree, "LOCAL_FREE holds LOCAL_FREE nodes");
  lru_link_unlink(node);
  return node;
}

// Which pass of local_list_pop_pending_locked() found the node.
enum class LruPendingSteal : uint8_t { kNone, kUnreferenced, kIgnoringRef };

// __local_list_pop_pending(): from the tail of LOCAL_PENDING, the first unreferenced node whose
// key the hash table unlinks; failing that, a second pass accepting any node. The node is
// unlinked (type still LOCAL_PENDING). *pass tells which pass found it.
template <class P>
LruNode<P>* local_list_pop_pending_locked(LruLocalList<P>& local, const LruEvictor<P>& evictor,
                                          LruPendingSteal* pass) {
  MAPSIM_ASSERT(lru_lock_is_held(local.lock), "REQUIRES: local.lock held");
  LruLink* pending = &local.pending_list;
  for (LruPendingSteal attempt : {LruPendingSteal::kUnreferenced, LruPendingSteal::kIgnoringRef}) {
    for (LruLink* link = pending->prev; link != pending; link = link->prev) {
      LruNode<P>* node = lru_node_of<P>(link);
      const bool eligible = attempt == LruPendingSteal::kIgnoringRef || !node->is_referenced();
      if (eligible && evictor.remove(node)) {
        lru_link_unlink(node);
        *pass = attempt;
        return node;
      }
    }
  }
  *pass = LruPendingSteal::kNone;
  return nullptr;
}

// __local_list_add_pending(): hand `node` out on `cpu`: record the key's hash and the owner,
// type LOCAL_PENDING, ref 0, at the head of LOCAL_PENDING.
template <class P>
void local_list_add_pending_locked(LruLocalList<P>& local, int cpu, LruNode<P>* node,
                                   uint32_t hash) {
  MAPSIM_ASSERT(lru_lock_is_held(local.lock), "REQUIRES: local.lock held");
  MAPSIM_ASSERT(cpu >= 0 && cpu <= UINT16_MAX, "CPU ids fit the node's u16");
  node->hash = hash;
  node->cpu = static_cast<uint16_t>(cpu);
  node->set_type(LruListType::kLocalPending);
  node->clear_ref();
  lru_link_add_to_head(node, &local.pending_list);
}

}  // namespace mapsim
