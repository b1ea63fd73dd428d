// The LRU lists of Linux 6.18 (kernel/bpf/bpf_lru_list.c): the part of LRU_HASH and
// LRU_PERCPU_HASH that decides which key an update evicts. Fact sheet section 4.
//
// WHICH 6.18. The reference is the 6.18.44 kernel this project tests against. Its BTF shows the
// LRU that the fact sheet (written from 6.18.35) lists under "newer code" in 4.12:
// struct bpf_lru_locallist {pending_list, free_llist, next_steal, rqspinlock_t lock},
// bpf_lru_node.pending_free, and an rqspinlock_t in bpf_lru_list. So, as in 6.18.44:
//   * every LRU lock is an rqspinlock (P::BucketLock): taking it can fail (-EDEADLK when this
//     CPU holds it already, i.e. a program nested on this CPU; -ETIMEDOUT); a failed pop
//     returns no node (-ENOMEM), a failed push marks the node pending_free;
//   * LOCAL_FREE is a lock-free LIFO (llist): refilled nodes are gathered on a temporary list
//     under the global lock and pushed after it, which reverses 6.18.35's hand-out order
//     (observable through the stale padding of reused per-CPU values);
//   * pending_free nodes are freed by the next flush / shrink / steal without the hash table.
// Nothing else changed: constants, rotation, shrink, stealing order are those of fact sheet 4.
//
// IMPLEMENTATION DETAILS
//
// Memory layout. Every element of an LRU hash map carries one node (impl/internal/lru_node.h);
// the hash table reserves its area inside the element:
//
//   struct LruNode : LruLink {   // 32 bytes on RealPlatform
//     LruLink* prev, * next;     // position in exactly one list (LOCAL_FREE: `next` only)
//     uint16_t cpu;              // owner CPU (pending list owner, or per-CPU list owner)
//     Racy<uint8_t> type;        // the list it is on: ACTIVE 0 INACTIVE 1 FREE 2
//                                //                    LOCAL_FREE 3 LOCAL_PENDING 4
//     Racy<uint8_t> ref;         // reference bit
//     Racy<uint8_t> pending_free;  // pushed while its list's lock could not be taken
//     uint32_t hash;             // hash of the key it was handed out for
//   };
//
//   struct LruList {             // bpf_lru_list
//     LruLink lists[3];          // ACTIVE, INACTIVE, FREE heads
//     uint32_t counts[2];        // ACTIVE, INACTIVE sizes (FREE is not counted)
//     LruLink* next_inactive_rotation;   // cursor: INACTIVE head or a node on INACTIVE
//     BucketLock lock;           // rqspinlock, own cache line
//   };
//
//   struct LruLocalList {        // bpf_lru_locallist, one per possible CPU (common LRU only)
//     LruLink pending_list;      // LOCAL_PENDING: nodes this CPU handed out since its last refill
//     Atomic<LruLink*> free_head;  // LOCAL_FREE llist: nodes reserved for this CPU's next pops
//     uint16_t next_steal;       // the CPU whose local lists this CPU robs first
//     BucketLock lock;           // rqspinlock
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
//   push whose lock fails: node marked pending_free where it is; flush sends a pending_free
//   LOCAL_PENDING node to FREE; shrink and steal take pending_free nodes without the table
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
// never holds two local list locks: stealing releases its own first. Every acquisition may
// fail (rqspinlock) and every caller has a way out, so LRU code never blocks forever.
// LOCAL_FREE llist: pushes are lock-free (compare-exchange on the head); pops happen only with
// the owner's local lock held, so there is one consumer at a time and no ABA.
//
// Complexity. A pop from LOCAL_FREE is O(1). A refill costs O(nr_scans + target_free) list
// steps (nr_scans 128 common, 4 per-CPU) plus one eviction callback per evicted node; a force
// shrink walks a whole list only while the hash table refuses every node (bucket locks failing).
// Stealing costs one lock per possible CPU plus two scans of each victim's pending list.
//
// Deliberately approximate, as in the kernel: the ref bit is racy (a set may be lost); pending
// nodes are invisible to rotation and shrink until their CPU refills again; free nodes parked
// on other CPUs' LOCAL_FREE lists make eviction start before the map is full ("premature
// eviction", fact sheet 4.10).
#pragma once

#include <cstdint>

#include "impl/assert.h"
#include "impl/internal/lru_link.h"
#include "impl/internal/lru_node.h"
#include "impl/mutant.h"

namespace mapsim {

// True when `lock` is held by the calling CPU (or, for locks that cannot tell, by anyone, or
// assumed). Used by `_locked` functions to check their REQUIRES line (STYLE G6).
template <class Lock>
bool lru_lock_is_held(const Lock& lock) {
  if constexpr (requires { lock.is_held_by_current_cpu(); }) {
    return lock.is_held_by_current_cpu();
  } else if constexpr (requires { lock.is_locked(); }) {
    return lock.is_locked();
  } else {
    return true;
  }
}

// Releases, at scope exit, an rqspinlock that was acquired successfully.
template <class Lock>
class LruLockRelease {
 public:
  explicit LruLockRelease(Lock& lock) : lock_(lock) {}
  ~LruLockRelease() { lock_.unlock(); }
  LruLockRelease(const LruLockRelease&) = delete;
  LruLockRelease& operator=(const LruLockRelease&) = delete;

 private:
  Lock& lock_;
};

// How LRU code asks the hash table to drop a key (the kernel's del_from_htab callback).
template <class P>
struct LruEvictor {
  /// Unlinks the element that owns `node` from its bucket if it is linked there; returns whether
  /// it did. Refuses (false) when the element is not linked or its bucket lock fails.
  /// Called with LRU list locks held; takes a bucket lock inside them (see LOCK ORDER).
  bool (*delete_from_table)(void* table, LruNode<P>* node) = nullptr;
  void* table = nullptr;

  bool remove(LruNode<P>* node) const { return delete_from_table(table, node); }
  // A pending_free node is already out of the table: it is freed without asking.
  bool reclaim(LruNode<P>* node) const {
    return node->is_pending_free() || delete_from_table(table, node);
  }
};

template <class P>
struct LruList {
  LruList() {
    for (LruLink<P>& head : lists) lru_link_init_head(&head);
    next_inactive_rotation.write(head(LruListType::kInactive));
  }
  LruList(const LruList&) = delete;  // the cursor points into the object itself
  LruList& operator=(const LruList&) = delete;

  LruLink<P>* head(LruListType type) {
    MAPSIM_ASSERT(!lru_list_type_is_local(type), "an LruList has no local lists");
    return &lists[static_cast<int>(type)];
  }
  const LruLink<P>* head(LruListType type) const {
    MAPSIM_ASSERT(!lru_list_type_is_local(type), "an LruList has no local lists");
    return &lists[static_cast<int>(type)];
  }
  uint32_t count(LruListType type, SourceLocation where = SourceLocation::current()) const {
    MAPSIM_ASSERT(static_cast<int>(type) < kLruCountedListTypeCount, "only ACTIVE/INACTIVE");
    return counts[static_cast<int>(type)].read(where);
  }
  // A node leaves / joins a list of `type` (only ACTIVE and INACTIVE are counted).
  void count_remove(LruListType type, SourceLocation where = SourceLocation::current()) {
    count_add_signed(type, -1, where);
  }
  void count_add(LruListType type, SourceLocation where = SourceLocation::current()) {
    count_add_signed(type, 1, where);
  }
  void count_add_signed(LruListType type, int delta, SourceLocation where) {
    const int index = static_cast<int>(type);
    if (index >= kLruCountedListTypeCount) return;
    counts[index].write(counts[index].read(where) + delta, where);
  }

  LruLink<P> lists[kLruGlobalListTypeCount];
  /// Nodes on ACTIVE, INACTIVE.
  typename P::template Plain<uint32_t> counts[kLruCountedListTypeCount];
  /// Where the next INACTIVE rotation starts: the INACTIVE head or a node on INACTIVE.
  typename P::template Plain<LruLink<P>*> next_inactive_rotation{nullptr};
  /// rqspinlock protecting everything above and the nodes on these lists. Own cache line, as
  /// in the kernel (____cacheline_aligned_in_smp): every refill of every CPU takes it.
  alignas(64) typename P::BucketLock lock;
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
    if (!mutant_active<P>(Mutant::kLruMoveSkipsCount)) {
      list.count_remove(source);
      list.count_add(target);
    }
    node->set_type(target);
  }
  node->clear_ref();
  if (list.next_inactive_rotation.read() == node &&
      !mutant_active<P>(Mutant::kLruCursorNotMoved)) {
    list.next_inactive_rotation.write(node->prev());
  }
  lru_link_move_to_head(node, list.head(target));
}

// __bpf_lru_node_move_to_free(): a node of this list (ACTIVE/INACTIVE) to the head of
// `free_list` (this list's FREE, or a refill's temporary list) with type `free_type`;
// pending_free cleared. The ref bit is left as it is.
template <class P>
void lru_node_move_to_free_locked(LruList<P>& list, LruNode<P>* node, LruLink<P>* free_list,
                                  LruListType free_type) {
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  const LruListType source = node->type();
  MAPSIM_ASSERT(!lru_list_type_is_local(source), "only global-list nodes are shrunk");
  MAPSIM_ASSERT(free_type == LruListType::kFree || free_type == LruListType::kLocalFree,
                "the destination is a free list");
  if (list.next_inactive_rotation.read() == node &&
      !mutant_active<P>(Mutant::kLruCursorNotMoved)) {
    list.next_inactive_rotation.write(node->prev());
  }
  list.count_remove(source);
  node->set_type(free_type);
  node->set_pending_free(false);
  lru_link_move_to_head(node, free_list);
}

// __bpf_lru_node_move_in(): a LOCAL_PENDING node (lock of its local list also held) to the head
// of this list's ACTIVE, INACTIVE or (pending_free nodes) FREE; ref cleared.
template <class P>
void lru_node_move_in_locked(LruList<P>& list, LruNode<P>* node, LruListType target) {
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  MAPSIM_ASSERT(lru_list_type_is_local(node->type()), "only local nodes move in");
  MAPSIM_ASSERT(!lru_list_type_is_local(target), "into the global lists");
  list.count_add(target);
  node->set_type(target);
  if (!mutant_active<P>(Mutant::kLruMoveInKeepsRef)) node->clear_ref();
  if (target == LruListType::kFree) node->set_pending_free(false);
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
  LruLink<P>* active = list.head(LruListType::kActive);
  const LruLink<P>* first = active->next();
  uint32_t scanned = 0;
  for (LruLink<P> *link = active->prev(), *newer = nullptr; link != active; link = newer) {
    newer = lru_link_newer(link);  // captured first: the node may move
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
  LruLink<P>* inactive = list.head(LruListType::kInactive);
  if (lru_link_list_is_empty(inactive)) return 0;
  LruLink<P>* last = list.next_inactive_rotation.read()->next();
  if (last == inactive) last = last->next();
  LruLink<P>* current = list.next_inactive_rotation.read();
  LruLink<P>* next = inactive;
  uint32_t steps = 0;
  uint32_t examined = 0;
  while (steps < scan_count_max) {
    if (current == inactive) {  // wrap past the head without counting it
      current = current->prev();
      continue;
    }
    next = current->prev();
    ++examined;
    LruNode<P>* node = lru_node_of<P>(current);
    if (node->is_referenced()) lru_node_move_locked(list, node, LruListType::kActive);
    if (current == last) break;
    current = next;
    ++steps;
  }
  list.next_inactive_rotation.write(next);
  return examined;
}

// ---- eviction (REQUIRES: list.lock held) ----

// __bpf_lru_list_shrink_inactive(): from the tail of INACTIVE, referenced nodes (not
// pending_free) move to the ACTIVE head; the others are freed to `free_list` when they are
// pending_free or the hash table unlinks their key. Stops at `eviction_target` nodes freed or
// after `scan_count_max` nodes. Returns the number freed.
template <class P>
uint32_t lru_list_shrink_inactive_locked(LruList<P>& list, const LruEvictor<P>& evictor,
                                         uint32_t eviction_target, uint32_t scan_count_max,
                                         LruLink<P>* free_list, LruListType free_type) {
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  LruLink<P>* inactive = list.head(LruListType::kInactive);
  uint32_t evicted = 0;
  uint32_t scanned = 0;
  for (LruLink<P> *link = inactive->prev(), *newer = nullptr; link != inactive; link = newer) {
    newer = lru_link_newer(link);  // captured first: the node may move
    LruNode<P>* node = lru_node_of<P>(link);
    const bool ref_honoured = !mutant_active<P>(Mutant::kLruShrinkIgnoresRef);
    if (ref_honoured && node->is_referenced() && !node->is_pending_free()) {
      lru_node_move_locked(list, node, LruListType::kActive);
    } else if (evictor.reclaim(node)) {
      lru_node_move_to_free_locked(list, node, free_list, free_type);
      if (++evicted == eviction_target) break;
    }
    if (++scanned == scan_count_max) break;
  }
  return evicted;
}

// The second half of __bpf_lru_list_shrink(): when shrink_inactive freed nothing, free the
// oldest node that is pending_free or whose key the hash table agrees to drop, ignoring ref
// bits, from INACTIVE if it is non-empty, else from ACTIVE. Returns 1 if a node was freed.
template <class P>
uint32_t lru_list_force_shrink_locked(LruList<P>& list, const LruEvictor<P>& evictor,
                                      LruLink<P>* free_list, LruListType free_type) {
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  LruLink<P>* victims = list.head(LruListType::kInactive);
  if (lru_link_list_is_empty(victims)) victims = list.head(LruListType::kActive);
  for (LruLink<P> *link = victims->prev(), *newer = nullptr; link != victims; link = newer) {
    newer = lru_link_newer(link);  // captured first: the node may move
    LruNode<P>* node = lru_node_of<P>(link);
    if (evictor.reclaim(node)) {
      lru_node_move_to_free_locked(list, node, free_list, free_type);
      return 1;
    }
  }
  return 0;
}

}  // namespace mapsim
