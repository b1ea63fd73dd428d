// LruNode: the LRU bookkeeping carried by every element of an LRU hash map (the kernel's
// struct bpf_lru_node, plus the element hash the kernel writes through hash_offset).
// The design of the lists a node moves between is in impl/internal/lru_list.h.
#pragma once

#include <cstdint>

#include "impl/internal/lru_link.h"

namespace mapsim {

// Which list a node is on. Values are the kernel's enum bpf_lru_list_type; the first three index
// LruList::lists, the last two are the per-CPU local lists of the common LRU.
enum class LruListType : uint8_t {
  kActive = 0,
  kInactive = 1,
  kFree = 2,
  kLocalFree = 3,
  kLocalPending = 4,
};

inline constexpr int kLruGlobalListTypeCount = 3;   ///< ACTIVE, INACTIVE, FREE
inline constexpr int kLruCountedListTypeCount = 2;  ///< ACTIVE, INACTIVE have counters

constexpr bool lru_list_type_is_local(LruListType type) {
  return type == LruListType::kLocalFree || type == LruListType::kLocalPending;
}

// Derives from LruLink so that a link found on a list converts back to its node with a checked
// static_cast (no offsetof arithmetic, no layout assumption about the platform's Racy cells).
// A node on a CPU's LOCAL_FREE llist uses only `next` of its LruLink (the kernel's union of
// list_head and llist_node).
template <class P>
struct LruNode : LruLink<P> {
  LruNode() = default;
  LruNode(const LruNode&) = delete;
  LruNode& operator=(const LruNode&) = delete;

  LruListType type() const { return static_cast<LruListType>(type_cell.load()); }
  void set_type(LruListType type) { type_cell.store(static_cast<uint8_t>(type)); }
  bool is_referenced() const { return ref_cell.load() != 0; }
  void clear_ref() { ref_cell.store(0); }
  bool is_pending_free() const { return pending_free_cell.load() != 0; }
  void set_pending_free(bool pending) { pending_free_cell.store(pending ? 1 : 0); }

  /// Owner CPU: of the LOCAL_PENDING list the node was last added to (common LRU; also read by a
  /// push to find that list), or of the per-CPU list the node belongs to forever (NO_COMMON_LRU).
  /// u16 as in the kernel: up to 65536 CPUs. Written under the lock of that list (or at
  /// populate); read without a lock by a push, ordered after the write by the bucket lock that
  /// linked and unlinked the node's key.
  typename P::template Plain<uint16_t> cpu{0};
  /// LruListType. Written under the lock of the list the node is on; read without any lock by
  /// bpf_lru_push_free() (READ_ONCE in the kernel), hence a racy cell.
  typename P::template Racy<uint8_t> type_cell{static_cast<uint8_t>(LruListType::kFree)};
  /// Reference bit: set without any lock by program lookups and updates of existing keys,
  /// cleared under the list lock when the node moves. "An approximation ... no protection is
  /// used" (bpf_lru_list.h): a set can be lost against a concurrent clear. Intended race.
  typename P::template Racy<uint8_t> ref_cell{0};
  /// 1 when a push could not take the lock of the list the node should go to (an rqspinlock
  /// failure): the node stays where it is, already out of the table, and the next flush, shrink
  /// or steal that meets it frees it without asking the table. Written without the list lock
  /// (that is the point), hence racy.
  typename P::template Racy<uint8_t> pending_free_cell{0};
  /// Hash of the key the node was last handed out for; written by the pop under the LRU lock
  /// that makes the node visible, read by the eviction callback to find the key's bucket.
  typename P::template Plain<uint32_t> hash{0};
};

// bpf_lru_node_set_ref(): set only when clear, so that hot keys do not keep dirtying the cache
// line. Called without any lock (program lookups, updates of existing keys). Returns whether
// this call changed the bit (for the lru.lookup.set_ref path event).
template <class P>
bool lru_node_set_ref(LruNode<P>* node) {
  if (node->ref_cell.load() != 0) return false;
  node->ref_cell.store(1);
  return true;
}

template <class P>
LruNode<P>* lru_node_of(LruLink<P>* link) {
  return static_cast<LruNode<P>*>(link);
}

}  // namespace mapsim
