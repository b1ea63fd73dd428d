// Template definitions of LruPool's inspection and invariant checks (impl/internal/lru_pool.h).
// All of them REQUIRE a quiescent pool: no pop or push in flight, no list lock held.
//
// The invariants (what check_invariants() proves, in this order):
//   1. every list is a well-formed circular list (prev/next agree, it ends at its head);
//   2. every node on a list has that list's type; local pending nodes and per-CPU nodes name
//      the CPU that owns the list; no free node is still marked pending_free;
//   3. every populated node is on exactly one list (no node leaked, none on two lists);
//   4. ACTIVE/INACTIVE counters equal the list lengths;
//   5. the rotation cursor is the INACTIVE head or a node on INACTIVE.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "impl/internal/lru_pool.h"

namespace mapsim {

template <class P>
const LruList<P>& LruPool<P>::list_for(LruListType type, int cpu) const {
  MAPSIM_ASSERT(!lru_list_type_is_local(type), "local lists are not LruLists");
  return uses_percpu_lists_ ? percpu_lists_[cpu] : global_list_;
}

// The head of a doubly linked list; LOCAL_FREE is an llist and has none.
template <class P>
const LruLink<P>* LruPool<P>::list_head(LruListType type, int cpu) const {
  MAPSIM_ASSERT(type != LruListType::kLocalFree, "LOCAL_FREE is an llist");
  if (type == LruListType::kLocalPending) {
    MAPSIM_ASSERT(!uses_percpu_lists_, "per-CPU LRU lists have no local lists");
    return &local_lists_[cpu].pending_list;
  }
  return list_for(type, cpu).head(type);
}

template <class P>
std::vector<const LruNode<P>*> LruPool<P>::list_nodes(LruListType type, int cpu) const {
  std::vector<const LruNode<P>*> nodes;
  if (type == LruListType::kLocalFree) {
    MAPSIM_ASSERT(!uses_percpu_lists_, "per-CPU LRU lists have no local lists");
    for (const LruLink<P>* link = local_lists_[cpu].free_head.load(std::memory_order_acquire);
         link != nullptr; link = link->next()) {
      MAPSIM_ASSERT(nodes.size() <= node_count_, "list longer than the pool: corrupt");
      nodes.push_back(static_cast<const LruNode<P>*>(link));
    }
    return nodes;
  }
  const LruLink<P>* head = list_head(type, cpu);
  for (const LruLink<P>* link = head->next(); link != head; link = link->next()) {
    MAPSIM_ASSERT(nodes.size() <= node_count_, "list longer than the pool: corrupt");
    nodes.push_back(static_cast<const LruNode<P>*>(link));
  }
  return nodes;
}

template <class P>
uint32_t LruPool<P>::list_counter(LruListType type, int cpu) const {
  return list_for(type, cpu).count(type);
}

template <class P>
int64_t LruPool<P>::rotation_cursor(int cpu) const {
  const LruList<P>& list = list_for(LruListType::kInactive, cpu);
  const LruLink<P>* cursor = list.next_inactive_rotation.read();
  if (cursor == list.head(LruListType::kInactive)) return -1;
  return index_of(static_cast<const LruNode<P>*>(cursor));
}

template <class P>
bool LruPool<P>::check_node(const LruNode<P>* node, LruListType type, int cpu,
                            std::vector<uint8_t>* seen, std::string* failure) const {
  const std::string where = "list " + std::to_string(static_cast<int>(type)) + " of CPU " +
                            std::to_string(cpu) + ": node " + std::to_string(index_of(node));
  const uint32_t index = index_of(node);
  if ((*seen)[index] != 0) {
    *failure = where + " is on two lists (or a cycle)";
    return false;
  }
  (*seen)[index] = 1;
  if (node->type() != type) {
    *failure = where + " has type " + std::to_string(static_cast<int>(node->type()));
    return false;
  }
  const bool owner_is_fixed = uses_percpu_lists_ || type == LruListType::kLocalPending;
  if (owner_is_fixed && node->cpu.read() != cpu) {
    *failure = where + " names CPU " + std::to_string(node->cpu.read()) + " as its owner";
    return false;
  }
  if (node->is_pending_free() && (type == LruListType::kFree || type == LruListType::kLocalFree)) {
    *failure = where + " is free and still marked pending_free";
    return false;
  }
  return true;
}

template <class P>
bool LruPool<P>::check_list(LruListType type, int cpu, std::vector<uint8_t>* seen,
                            uint32_t* length, std::string* failure) const {
  *length = 0;
  if (type == LruListType::kLocalFree) {
    const LruLink<P>* link = local_lists_[cpu].free_head.load(std::memory_order_acquire);
    for (; link != nullptr; link = link->next(), ++*length) {
      if (!check_node(static_cast<const LruNode<P>*>(link), type, cpu, seen, failure)) {
        return false;
      }
    }
    return true;
  }
  const LruLink<P>* head = list_head(type, cpu);
  for (const LruLink<P>* link = head->next(); link != head; link = link->next(), ++*length) {
    if (link == nullptr || link->prev() == nullptr || link->next() == nullptr ||
        link->next()->prev() != link) {
      *failure = "list " + std::to_string(static_cast<int>(type)) + " of CPU " +
                 std::to_string(cpu) + ": broken links";
      return false;
    }
    if (!check_node(static_cast<const LruNode<P>*>(link), type, cpu, seen, failure)) {
      return false;
    }
  }
  return true;
}

template <class P>
bool LruPool<P>::check_counters_and_cursor(const LruList<P>& list, int cpu,
                                           std::string* failure) const {
  for (LruListType type : {LruListType::kActive, LruListType::kInactive}) {
    const size_t length = list_nodes(type, cpu).size();
    if (length != list.count(type)) {
      *failure = "CPU " + std::to_string(cpu) + ": counter of list " +
                 std::to_string(static_cast<int>(type)) + " is " +
                 std::to_string(list.count(type)) + ", list holds " + std::to_string(length);
      return false;
    }
  }
  const LruLink<P>* cursor = list.next_inactive_rotation.read();
  if (cursor == list.head(LruListType::kInactive)) return true;
  for (const LruNode<P>* node : list_nodes(LruListType::kInactive, cpu)) {
    if (node == cursor) return true;
  }
  *failure = "CPU " + std::to_string(cpu) + ": rotation cursor is not on INACTIVE";
  return false;
}

template <class P>
bool LruPool<P>::check_invariants(std::string* failure) const {
  std::vector<uint8_t> seen(node_count_, 0);
  uint32_t total = 0;
  uint32_t length = 0;
  auto check_lists = [&](int cpu, std::initializer_list<LruListType> types) {
    for (LruListType type : types) {
      if (!check_list(type, cpu, &seen, &length, failure)) return false;
      total += length;
    }
    return true;
  };
  const std::initializer_list<LruListType> kGlobal = {
      LruListType::kActive, LruListType::kInactive, LruListType::kFree};
  if (uses_percpu_lists_) {
    for (int cpu = 0; cpu < possible_cpus_; ++cpu) {
      if (!check_lists(cpu, kGlobal)) return false;
      if (!check_counters_and_cursor(percpu_lists_[cpu], cpu, failure)) return false;
    }
  } else {
    if (!check_lists(0, kGlobal)) return false;
    if (!check_counters_and_cursor(global_list_, 0, failure)) return false;
    for (int cpu = 0; cpu < possible_cpus_; ++cpu) {
      if (!check_lists(cpu, {LruListType::kLocalFree, LruListType::kLocalPending})) return false;
    }
  }
  if (total != node_count_) {
    *failure = std::to_string(node_count_ - total) + " node(s) on no list";
    return false;
  }
  return true;
}

}  // namespace mapsim
