// LruLocalList: a CPU's local lists in the common LRU (the kernel's struct bpf_lru_locallist of
// Linux 6.18.44): LOCAL_PENDING, a doubly linked list under the CPU's local lock, and
// LOCAL_FREE, a lock-free LIFO (llist). The design and the lock order are in
// impl/internal/lru_list.h.
#pragma once

#include <atomic>
#include <cstdint>

#include "impl/assert.h"
#include "impl/internal/lru_link.h"
#include "impl/internal/lru_list.h"
#include "impl/internal/lru_node.h"

namespace mapsim {

template <class P>
struct alignas(64) LruLocalList {  // one cache line per CPU: CPUs do not share lines
  LruLocalList() { lru_link_init_head(&pending_list); }
  LruLocalList(const LruLocalList&) = delete;
  LruLocalList& operator=(const LruLocalList&) = delete;

  /// LOCAL_PENDING nodes, newest at the head; protected by `lock`.
  LruLink<P> pending_list;
  /// LOCAL_FREE llist: the newest node (linked through LruLink::next) or nullptr. Pushed
  /// lock-free by anyone; popped only with `lock` held (one consumer at a time).
  typename P::template Atomic<LruLink<P>*> free_head{nullptr};
  /// First victim of this CPU's next steal. Read and written only by pops on this CPU, without
  /// the lock (as in the kernel).
  typename P::template Plain<uint16_t> next_steal{0};
  /// rqspinlock protecting pending_list, the nodes on it, and LOCAL_FREE pops.
  typename P::BucketLock lock;
};

// llist_add(): `node` (type LOCAL_FREE, on no list) becomes the head of LOCAL_FREE. Lock-free.
template <class P>
void local_list_push_free(LruLocalList<P>& local, LruNode<P>* node) {
  MAPSIM_ASSERT(node->type() == LruListType::kLocalFree, "LOCAL_FREE holds LOCAL_FREE nodes");
  LruLink<P>* first = local.free_head.load(std::memory_order_relaxed);
  do {
    node->set_prev(nullptr);
    node->set_next(first);  // published by the release below
  } while (!local.free_head.compare_exchange_weak(first, node, std::memory_order_release,
                                                  std::memory_order_relaxed));
}

// llist_del_first() on LOCAL_FREE: unlink its head (type still LOCAL_FREE), or nullptr. Safe
// only for one consumer at a time, which local_list_pop_free_locked() guarantees.
template <class P>
LruNode<P>* local_list_take_free_head(LruLocalList<P>& local) {
  LruLink<P>* first = local.free_head.load(std::memory_order_acquire);
  while (first != nullptr &&
         !local.free_head.compare_exchange_weak(first, first->next(), std::memory_order_acquire,
                                                std::memory_order_acquire)) {
  }
  if (first == nullptr) return nullptr;
  first->set_next(nullptr);
  LruNode<P>* node = lru_node_of<P>(first);
  MAPSIM_ASSERT(node->type() == LruListType::kLocalFree, "LOCAL_FREE holds LOCAL_FREE nodes");
  return node;
}

// __local_list_pop_free(): the head of LOCAL_FREE, or nullptr.
// REQUIRES: local.lock held (the llist's single consumer).
template <class P>
LruNode<P>* local_list_pop_free_locked(LruLocalList<P>& local) {
  MAPSIM_ASSERT(lru_lock_is_held(local.lock), "REQUIRES: local.lock held (single consumer)");
  return local_list_take_free_head(local);
}

struct LruFlushCount {
  uint32_t moved = 0;  ///< pending nodes moved into the global list
  uint32_t freed = 0;  ///< of which pending_free ones, moved to FREE
};

// __local_list_flush(): every pending node, oldest first, moves into the global list: FREE if
// pending_free, ACTIVE if referenced, else INACTIVE (ref cleared).
// REQUIRES: local.lock and list.lock held.
template <class P>
LruFlushCount local_list_flush_locked(LruList<P>& list, LruLocalList<P>& local) {
  MAPSIM_ASSERT(lru_lock_is_held(local.lock), "REQUIRES: local.lock held");
  MAPSIM_ASSERT(lru_lock_is_held(list.lock), "REQUIRES: list.lock held");
  LruFlushCount count;
  LruLink<P>* pending = &local.pending_list;
  for (LruLink<P> *link = pending->prev(), *newer = nullptr; link != pending; link = newer) {
    newer = lru_link_newer(link);  // captured first: the node moves
    LruNode<P>* node = lru_node_of<P>(link);
    LruListType target = LruListType::kInactive;
    if (node->is_pending_free()) {
      target = LruListType::kFree;
      ++count.freed;
    } else if (node->is_referenced()) {
      target = LruListType::kActive;
    }
    lru_node_move_in_locked(list, node, target);
    ++count.moved;
  }
  return count;
}

// Which pass of local_list_pop_pending_locked() found the node.
enum class LruPendingSteal : uint8_t { kNone, kUnreferenced, kIgnoringRef };

// __local_list_pop_pending(): from the tail of LOCAL_PENDING, the first unreferenced node that
// is pending_free or whose key the hash table unlinks; failing that, a second pass accepting
// referenced nodes too. The node is unlinked (type still LOCAL_PENDING). *pass tells which pass
// found it. The caller guarantees local.lock is held (local_list_pop_pending_locked).
template <class P>
LruNode<P>* local_list_take_pending(LruLocalList<P>& local, const LruEvictor<P>& evictor,
                                    LruPendingSteal* pass) {
  LruLink<P>* pending = &local.pending_list;
  for (LruPendingSteal attempt : {LruPendingSteal::kUnreferenced, LruPendingSteal::kIgnoringRef}) {
    for (LruLink<P>* link = pending->prev(); link != pending; link = lru_link_newer(link)) {
      LruNode<P>* node = lru_node_of<P>(link);
      const bool eligible = attempt == LruPendingSteal::kIgnoringRef || !node->is_referenced();
      if (eligible && evictor.reclaim(node)) {
        lru_link_unlink(node);
        *pass = attempt;
        return node;
      }
    }
  }
  *pass = LruPendingSteal::kNone;
  return nullptr;
}

// REQUIRES: local.lock held.
template <class P>
LruNode<P>* local_list_pop_pending_locked(LruLocalList<P>& local, const LruEvictor<P>& evictor,
                                          LruPendingSteal* pass) {
  MAPSIM_ASSERT(lru_lock_is_held(local.lock), "REQUIRES: local.lock held");
  return local_list_take_pending(local, evictor, pass);
}

// __local_list_add_pending(): hand `node` out on `cpu`: record the key's hash and the owner,
// type LOCAL_PENDING, ref 0, not pending_free, at the head of LOCAL_PENDING.
// REQUIRES: local.lock held.
template <class P>
void local_list_add_pending_locked(LruLocalList<P>& local, int cpu, LruNode<P>* node,
                                   uint32_t hash) {
  MAPSIM_ASSERT(lru_lock_is_held(local.lock), "REQUIRES: local.lock held");
  MAPSIM_ASSERT(cpu >= 0 && cpu <= UINT16_MAX, "CPU ids fit the node's u16");
  node->hash.write(hash);
  node->cpu.write(static_cast<uint16_t>(cpu));
  node->set_type(LruListType::kLocalPending);
  node->set_pending_free(false);
  node->clear_ref();
  lru_link_add_to_head(node, &local.pending_list);
}

}  // namespace mapsim
