// Template definitions of LruPool (impl/internal/lru_pool.h): construction, populate, pop and
// push. The numbered steps follow fact sheet 4.7 (common pop), 4.8 (push) and 4.9 (per-CPU pop).
// Inspection and invariant checks are in impl/internal/lru_pool_check_inl.h.
#pragma once

#include <memory>
#include <new>

#include "impl/assert.h"
#include "impl/internal/lru_pool.h"

namespace mapsim {

template <class P>
LruPool<P>::LruPool(P& platform, bool use_percpu_lists, LruEvictor<P> evictor)
    : platform_(platform),
      uses_percpu_lists_(use_percpu_lists),
      evictor_(evictor),
      possible_cpus_(platform.possible_cpus()),
      scan_count_max_(use_percpu_lists ? kLruPercpuScanCountMax : kLruCommonScanCountMax),
      local_lists_(platform),
      percpu_lists_(platform) {
  MAPSIM_ASSERT(evictor.delete_from_table != nullptr, "the LRU needs the table's callback");
  MAPSIM_ASSERT(possible_cpus_ >= 1, "at least one CPU");
  MAPSIM_ASSERT(possible_cpus_ <= UINT16_MAX + 1, "node owners and next_steal are u16");
}

template <class P>
LruPool<P>::~LruPool() {
  for (uint32_t index = 0; index < node_count_; ++index) std::destroy_at(node_at(index));
}

template <class P>
int LruPool<P>::init() {
  if (uses_percpu_lists_) return percpu_lists_.allocate(possible_cpus_);
  const int result = local_lists_.allocate(possible_cpus_);
  if (result != 0) return result;
  for (int cpu = 0; cpu < possible_cpus_; ++cpu) {
    local_lists_[cpu].next_steal.write(static_cast<uint16_t>(cpu));
  }
  return 0;
}

template <class P>
void LruPool<P>::populate(unsigned char* first_node, size_t stride_bytes, uint32_t node_count) {
  MAPSIM_ASSERT(node_count_ == 0, "populate() once");
  MAPSIM_ASSERT(node_count >= 1, "an LRU map has at least one element");
  MAPSIM_ASSERT(stride_bytes >= sizeof(LruNode<P>), "nodes must not overlap");
  MAPSIM_ASSERT(reinterpret_cast<uintptr_t>(first_node) % alignof(LruNode<P>) == 0 &&
                    stride_bytes % alignof(LruNode<P>) == 0,
                "every node must be aligned");
  MAPSIM_ASSERT(uses_percpu_lists_ ? percpu_lists_.size() > 0 : local_lists_.size() > 0,
                "REQUIRES: init() succeeded");
  first_node_ = first_node;
  stride_bytes_ = stride_bytes;
  for (uint32_t index = 0; index < node_count; ++index) {
    new (first_node + index * stride_bytes) LruNode<P>();
  }
  node_count_ = node_count;
  if (uses_percpu_lists_) {
    populate_percpu();
  } else {
    populate_common();
  }
}

// bpf_common_lru_populate(): every node, first one first, to the head of the global FREE list.
// No lock: the map is not published yet.
template <class P>
void LruPool<P>::populate_common() {
  for (uint32_t index = 0; index < node_count_; ++index) {
    LruNode<P>* node = node_at(index);
    node->set_type(LruListType::kFree);
    node->set_pending_free(false);
    node->clear_ref();
    lru_link_add_to_head(node, global_list_.head(LruListType::kFree));
  }
  target_free_ = lru_target_free_count(node_count_, possible_cpus_);
}

// bpf_percpu_lru_populate(): consecutive runs of node_count / possible_cpus nodes to CPU 0's FREE
// list, then CPU 1's, ...; each node's owner is fixed forever.
template <class P>
void LruPool<P>::populate_percpu() {
  const uint32_t nodes_per_cpu = node_count_ / static_cast<uint32_t>(possible_cpus_);
  MAPSIM_ASSERT(nodes_per_cpu >= 1, "max_entries was rounded up to a multiple of the CPUs");
  uint32_t index = 0;
  for (int cpu = 0; cpu < possible_cpus_ && index < node_count_; ++cpu) {
    LruList<P>& list = percpu_lists_[cpu];
    do {
      LruNode<P>* node = node_at(index);
      node->cpu.write(static_cast<uint16_t>(cpu));
      node->set_type(LruListType::kFree);
      node->set_pending_free(false);
      node->clear_ref();
      lru_link_add_to_head(node, list.head(LruListType::kFree));
      ++index;
    } while (index < node_count_ && index % nodes_per_cpu != 0);
  }
}

template <class P>
LruNode<P>* LruPool<P>::node_at(uint32_t index) const {
  MAPSIM_ASSERT(index < node_count_, "node index out of range");
  return std::launder(reinterpret_cast<LruNode<P>*>(first_node_ + index * stride_bytes_));
}

template <class P>
uint32_t LruPool<P>::index_of(const LruNode<P>* node) const {
  const auto* address = reinterpret_cast<const unsigned char*>(node);
  MAPSIM_ASSERT(address >= first_node_, "not a node of this pool");
  const size_t offset = static_cast<size_t>(address - first_node_);
  MAPSIM_ASSERT(offset % stride_bytes_ == 0, "not a node of this pool");
  MAPSIM_ASSERT(offset / stride_bytes_ < node_count_, "not a node of this pool");
  return static_cast<uint32_t>(offset / stride_bytes_);
}

template <class P>
LruNode<P>* LruPool<P>::pop_free(uint32_t hash) {
  MAPSIM_ASSERT(node_count_ > 0, "REQUIRES: populate() before pop");
  return uses_percpu_lists_ ? percpu_pop_free(hash) : common_pop_free(hash);
}

// bpf_common_lru_pop_free(), fact sheet 4.7.
template <class P>
LruNode<P>* LruPool<P>::common_pop_free(uint32_t hash) {
  const int cpu = platform_.cpu();
  LruLocalList<P>& local = local_lists_[cpu];
  if (int error = local.lock.lock()) {
    platform_.path_event(PathEvent::kPopLocalLockFailed, static_cast<uint64_t>(-error));
    return nullptr;
  }
  LruNode<P>* node = nullptr;
  {
    LruLockRelease release(local.lock);
    // Step 1: this CPU's LOCAL_FREE list.
    node = local_list_pop_free_locked(local);
    if (node != nullptr) {
      platform_.path_event(PathEvent::kPopLocalFreeHit, 0);
    } else {
      // Step 2: refill LOCAL_FREE from the global list (may evict), then try again.
      lru_list_pop_free_to_local(local);
      node = local_list_pop_free_locked(local);
      platform_.path_event(node != nullptr ? PathEvent::kPopRefillHit : PathEvent::kPopRefillMiss,
                           0);
    }
    // Step 3: the node becomes pending on this CPU.
    if (node != nullptr) local_list_make_pending_locked(local, cpu, node, hash);
  }
  if (node != nullptr) return node;
  // Steps 4-5: steal from the CPUs' local lists.
  return common_steal(local, cpu, hash);
}

// bpf_lru_list_pop_free_to_local(), fact sheet 4.7 step 2. The nodes are gathered on a
// temporary list under the global lock and pushed onto LOCAL_FREE after it (6.18.44), so the
// first node taken from the global FREE list is the first handed out.
// REQUIRES: local.lock held.
template <class P>
void LruPool<P>::lru_list_pop_free_to_local(LruLocalList<P>& local) {
  MAPSIM_ASSERT(lru_lock_is_held(local.lock), "REQUIRES: local.lock held");
  LruList<P>& list = global_list_;
  // LOCK ORDER: local list lock -> global list lock (-> bucket locks in the evictor).
  if (int error = list.lock.lock()) {
    platform_.path_event(PathEvent::kRefillGlobalLockFailed, static_cast<uint64_t>(-error));
    return;
  }
  LruLink<P> refill;
  lru_link_init_head(&refill);
  {
    LruLockRelease release(list.lock);
    // 2a: pending nodes of this CPU join the global list (pending_free ones go to FREE).
    LruFlushCount flushed;
    if (!mutant_active<P>(Mutant::kLruSkipPendingFlush)) {
      flushed = local_list_flush_locked(list, local);
    }
    platform_.path_event(PathEvent::kRefillFlushPending, flushed.moved);
    if (flushed.freed > 0) platform_.path_event(PathEvent::kRefillFlushPendingFree, flushed.freed);
    // 2b: rotate.
    lru_list_rotate_locked(list, PathEvent::kRefillRotateActive, PathEvent::kRefillRotateInactive);
    // 2c: up to target_free nodes from the head of the global FREE list.
    LruLink<P>* global_free = list.head(LruListType::kFree);
    uint32_t moved = 0;
    while (moved < target_free_ && !lru_link_list_is_empty(global_free)) {
      lru_node_move_to_free_locked(list, lru_node_of<P>(global_free->next()), &refill,
                                   LruListType::kLocalFree);
      ++moved;
    }
    platform_.path_event(PathEvent::kRefillMoveFromGlobalFree, moved);
    // 2d: evict for the difference.
    if (moved < target_free_) {
      lru_list_shrink_locked(list, target_free_ - moved, &refill, LruListType::kLocalFree,
                             PathEvent::kRefillShrinkInactive, PathEvent::kRefillForceShrink);
    }
  }
  local_list_take_refill(local, &refill);
}

// The end of a refill: the temporary list, from its head, onto the LOCAL_FREE llist.
template <class P>
void LruPool<P>::local_list_take_refill(LruLocalList<P>& local, LruLink<P>* refill) {
  while (!lru_link_list_is_empty(refill)) {
    LruNode<P>* node = lru_node_of<P>(refill->next());
    lru_link_unlink(node);
    local_list_push_free(local, node);
  }
}

// __bpf_lru_list_rotate(), fact sheet 4.5. REQUIRES: list.lock held.
template <class P>
void LruPool<P>::lru_list_rotate_locked(LruList<P>& list, PathEvent active_event,
                                        PathEvent inactive_event) {
  if (lru_list_inactive_is_low(list)) {
    platform_.path_event(active_event, lru_list_rotate_active_locked(list, scan_count_max_));
  }
  platform_.path_event(inactive_event, lru_list_rotate_inactive_locked(list, scan_count_max_));
}

// __bpf_lru_list_shrink(), fact sheet 4.6. REQUIRES: list.lock held.
template <class P>
uint32_t LruPool<P>::lru_list_shrink_locked(LruList<P>& list, uint32_t eviction_target,
                                            LruLink<P>* free_list, LruListType free_type,
                                            PathEvent shrink_event, PathEvent force_event) {
  uint32_t evicted = lru_list_shrink_inactive_locked(list, evictor_, eviction_target,
                                                     scan_count_max_, free_list, free_type);
  platform_.path_event(shrink_event, evicted);
  if (evicted > 0) return evicted;
  evicted = lru_list_force_shrink_locked(list, evictor_, free_list, free_type);
  platform_.path_event(force_event, evicted);
  return evicted;
}

template <class P>
void LruPool<P>::local_list_make_pending_locked(LruLocalList<P>& local, int cpu,
                                                LruNode<P>* node, uint32_t hash) {
  local_list_add_pending_locked(local, cpu, node, hash);
  platform_.path_event(PathEvent::kPopNodeMadePending, static_cast<uint64_t>(cpu));
}

// Fact sheet 4.7 steps 4-5: try every possible CPU's local lists, starting at next_steal.
// Called without any lock held; takes one victim lock at a time, then this CPU's lock.
template <class P>
LruNode<P>* LruPool<P>::common_steal(LruLocalList<P>& local, int cpu, uint32_t hash) {
  const int first_victim = local.next_steal.read();
  platform_.path_event(PathEvent::kStealBegin, static_cast<uint64_t>(first_victim));
  int victim = first_victim;
  uint32_t tried = 0;
  LruNode<P>* node = nullptr;
  do {
    node = steal_from_victim(victim);
    victim = next_possible_cpu(victim);
    ++tried;
  } while (node == nullptr && victim != first_victim);
  local.next_steal.write(static_cast<uint16_t>(victim));
  if (node == nullptr) {
    platform_.path_event(PathEvent::kStealNothing, tried);
    return nullptr;
  }
  if (int error = local.lock.lock()) {
    platform_.path_event(PathEvent::kStealLocalLockFailed, static_cast<uint64_t>(-error));
    park_stolen_node(local, node);
    return nullptr;
  }
  LruLockRelease release(local.lock);
  local_list_make_pending_locked(local, cpu, node, hash);
  return node;
}

// A stolen node whose thief cannot take its own lock goes to the thief's LOCAL_FREE instead of
// being lost; the next pop on that CPU finds it.
template <class P>
void LruPool<P>::park_stolen_node(LruLocalList<P>& local, LruNode<P>* node) {
  node->set_type(LruListType::kLocalFree);
  node->clear_ref();
  node->set_pending_free(false);
  local_list_push_free(local, node);
}

// One victim: its LOCAL_FREE head, else a pending node that is pending_free or whose key the
// table gives up. A victim whose lock fails is skipped.
template <class P>
LruNode<P>* LruPool<P>::steal_from_victim(int victim) {
  LruLocalList<P>& victim_list = local_lists_[victim];
  if (mutant_active<P>(Mutant::kLruStealWithoutVictimLock)) {
    return take_from_victim_locked(victim_list, victim);
  }
  // LOCK ORDER: victim's local list lock -> bucket lock (in the evictor).
  if (victim_list.lock.lock() != 0) {
    platform_.path_event(PathEvent::kStealVictimLockFailed, static_cast<uint64_t>(victim));
    return nullptr;
  }
  LruLockRelease release(victim_list.lock);
  return take_from_victim_locked(victim_list, victim);
}

// REQUIRES: the victim's local lock held (the one rule mutant lru-steal-without-victim-lock
// breaks; the assertion steps aside for it so that the explorer, not this line, must find the
// interleavings where it matters).
template <class P>
LruNode<P>* LruPool<P>::take_from_victim_locked(LruLocalList<P>& victim_list, int victim) {
  MAPSIM_ASSERT(lru_lock_is_held(victim_list.lock) ||
                    mutant_active<P>(Mutant::kLruStealWithoutVictimLock),
                "REQUIRES: the victim's local lock held");
  LruNode<P>* node = local_list_take_free_head(victim_list);
  if (node != nullptr) {
    platform_.path_event(PathEvent::kStealLocalFree, static_cast<uint64_t>(victim));
    return node;
  }
  LruPendingSteal pass = LruPendingSteal::kNone;
  node = local_list_take_pending(victim_list, evictor_, &pass);
  if (pass == LruPendingSteal::kUnreferenced) {
    platform_.path_event(PathEvent::kStealPendingUnreferenced, static_cast<uint64_t>(victim));
  } else if (pass == LruPendingSteal::kIgnoringRef) {
    platform_.path_event(PathEvent::kStealPendingIgnoringRef, static_cast<uint64_t>(victim));
  }
  return node;
}

// bpf_percpu_lru_pop_free(), fact sheet 4.9.
template <class P>
LruNode<P>* LruPool<P>::percpu_pop_free(uint32_t hash) {
  const int cpu = platform_.cpu();
  LruList<P>& list = percpu_lists_[cpu];
  // LOCK ORDER: per-CPU list lock -> bucket lock (in the evictor).
  if (int error = list.lock.lock()) {
    platform_.path_event(PathEvent::kPercpuLockFailed, static_cast<uint64_t>(-error));
    return nullptr;
  }
  LruLockRelease release(list.lock);
  // Step 1: rotate.
  lru_list_rotate_locked(list, PathEvent::kPercpuRotateActive, PathEvent::kPercpuRotateInactive);
  // Step 2: shrink into FREE if it is empty.
  LruLink<P>* free_list = list.head(LruListType::kFree);
  if (lru_link_list_is_empty(free_list)) {
    lru_list_shrink_locked(list, kLruPercpuFreeTarget, free_list, LruListType::kFree,
                           PathEvent::kPercpuShrinkInactive, PathEvent::kPercpuForceShrink);
  } else {
    platform_.path_event(PathEvent::kPercpuFreeHit, 0);
  }
  // Step 3: hand out the head of FREE as an INACTIVE node.
  if (lru_link_list_is_empty(free_list)) return nullptr;
  LruNode<P>* node = lru_node_of<P>(free_list->next());
  node->hash.write(hash);
  node->clear_ref();
  lru_node_move_locked(list, node, LruListType::kInactive);
  platform_.path_event(PathEvent::kPercpuNodeToInactive, static_cast<uint64_t>(cpu));
  return node;
}

template <class P>
void LruPool<P>::push_free(LruNode<P>* node) {
  if (uses_percpu_lists_) {
    percpu_push_free(node);
  } else {
    common_push_free(node);
  }
}

// bpf_common_lru_push_free(), fact sheet 4.8. Called without any lock held.
template <class P>
void LruPool<P>::common_push_free(LruNode<P>* node) {
  const LruListType type = node->type();  // READ_ONCE: the owner's refill may flush it now
  MAPSIM_ASSERT(type != LruListType::kFree && type != LruListType::kLocalFree,
                "pushing a node that is already free (double free)");
  if (type == LruListType::kLocalPending) {
    const int owner =
        mutant_active<P>(Mutant::kLruPushPendingToWrongCpu) ? platform_.cpu() : node->cpu.read();
    LruLocalList<P>& local = local_lists_[owner];
    if (int error = local.lock.lock()) {
      node->set_pending_free(true);
      platform_.path_event(PathEvent::kPushMarkedPendingFree, static_cast<uint64_t>(-error));
      return;
    }
    bool still_pending = false;
    {
      LruLockRelease release(local.lock);
      still_pending = node->type() == LruListType::kLocalPending;  // re-check under the lock
      if (still_pending) {
        node->set_type(LruListType::kLocalFree);
        node->clear_ref();
        lru_link_unlink(node);
      }
    }
    if (still_pending) {
      local_list_push_free(local, node);
      platform_.path_event(PathEvent::kPushPendingToLocalFree, static_cast<uint64_t>(owner));
      return;
    }
    platform_.path_event(PathEvent::kPushPendingMovedMeanwhile, static_cast<uint64_t>(owner));
  }
  lru_list_push_free(global_list_, node);
}

// bpf_lru_list_push_free(): an ACTIVE/INACTIVE node to the head of the global FREE list.
template <class P>
void LruPool<P>::lru_list_push_free(LruList<P>& list, LruNode<P>* node) {
  MAPSIM_ASSERT(!lru_list_type_is_local(node->type()), "a flushed node is ACTIVE/INACTIVE");
  if (int error = list.lock.lock()) {
    node->set_pending_free(true);
    platform_.path_event(PathEvent::kPushMarkedPendingFree, static_cast<uint64_t>(-error));
    return;
  }
  LruLockRelease release(list.lock);
  lru_node_move_locked(list, node, LruListType::kFree);
  platform_.path_event(PathEvent::kPushToGlobalFree, 0);
}

// bpf_percpu_lru_push_free(): to the head of the owner CPU's FREE list.
template <class P>
void LruPool<P>::percpu_push_free(LruNode<P>* node) {
  const int owner = node->cpu.read();
  LruList<P>& list = percpu_lists_[owner];
  if (int error = list.lock.lock()) {
    node->set_pending_free(true);
    platform_.path_event(PathEvent::kPushMarkedPendingFree, static_cast<uint64_t>(-error));
    return;
  }
  LruLockRelease release(list.lock);
  MAPSIM_ASSERT(node->type() != LruListType::kFree, "pushing a free node (double free)");
  lru_node_move_locked(list, node, LruListType::kFree);
  platform_.path_event(PathEvent::kPushPercpuToFree, static_cast<uint64_t>(owner));
}

}  // namespace mapsim

#include "impl/internal/lru_pool_check_inl.h"
#include "impl/internal/lru_pool_view_inl.h"
