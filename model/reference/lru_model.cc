#include "model/reference/lru_model.h"

#include <algorithm>

#include "impl/assert.h"

namespace mapsim::reference {

LruModel::LruModel(uint32_t node_count, int possible_cpus, bool percpu_lists)
    : cpus_(possible_cpus), percpu_lists_(percpu_lists), nodes_(node_count) {
  MAPSIM_ASSERT(node_count >= 1, "an LRU map has at least one element");
  const uint32_t cpus = static_cast<uint32_t>(possible_cpus);
  if (percpu_lists) {
    MAPSIM_ASSERT(node_count % cpus == 0, "max_entries was rounded to a multiple of the CPUs");
    percpu_.resize(cpus);
    const uint32_t per_cpu = node_count / cpus;
    for (uint32_t node = 0; node < node_count; ++node) {
      nodes_[node].cpu = static_cast<int>(node / per_cpu);
      percpu_[node / per_cpu].free.push_front(node);
    }
    return;
  }
  for (uint32_t node = 0; node < node_count; ++node) global_.free.push_front(node);
  target_free_ = std::clamp(node_count / cpus / 2, 1u, kLocalFreeTargetMax);
  locals_.resize(cpus);
  for (int cpu = 0; cpu < possible_cpus; ++cpu) locals_[static_cast<size_t>(cpu)].next_steal = cpu;
}

std::optional<uint32_t> LruModel::pop(int cpu, LruEvictor& evictor) {
  return percpu_lists_ ? percpu_pop(cpu, evictor) : common_pop(cpu, evictor);
}

// bpf_common_lru_pop_free().
std::optional<uint32_t> LruModel::common_pop(int cpu, LruEvictor& evictor) {
  LocalLists& local = locals_[static_cast<size_t>(cpu)];
  if (local.free.empty()) refill(cpu, evictor);
  if (local.free.empty()) return steal(cpu, evictor);
  const uint32_t node = local.free.front();
  local.free.pop_front();
  make_pending(cpu, node);
  return node;
}

// bpf_lru_list_pop_free_to_local() of 6.18.44. REQUIRES: LOCAL_FREE(cpu) is empty.
void LruModel::refill(int cpu, LruEvictor& evictor) {
  flush_pending(cpu);
  lru_list_rotate(global_, nodes_, kCommonScanCountMax);
  std::list<uint32_t> gathered;  // the temporary list, head first
  uint32_t moved = 0;
  while (moved < target_free_ && !global_.free.empty()) {
    lru_node_move_to_free(global_, nodes_, global_.free.front(), gathered,
                          LruListKind::kLocalFree);
    ++moved;
  }
  if (moved < target_free_) {
    lru_list_shrink(global_, nodes_, target_free_ - moved, kCommonScanCountMax, gathered,
                    LruListKind::kLocalFree, evictor);
  }
  std::list<uint32_t>& local_free = locals_[static_cast<size_t>(cpu)].free;
  for (uint32_t node : gathered) local_free.push_front(node);  // llist_add, one by one
}

// __local_list_flush(): oldest first, into the global list.
void LruModel::flush_pending(int cpu) {
  std::list<uint32_t>& pending = locals_[static_cast<size_t>(cpu)].pending;
  while (!pending.empty()) {
    const uint32_t node = pending.back();
    pending.pop_back();
    lru_node_move_in(global_, nodes_, node,
                     nodes_[node].ref ? LruListKind::kActive : LruListKind::kInactive);
  }
}

// Fact sheet 4.7 steps 4-5.
std::optional<uint32_t> LruModel::steal(int cpu, LruEvictor& evictor) {
  LocalLists& local = locals_[static_cast<size_t>(cpu)];
  const int first_victim = local.next_steal;
  int victim = first_victim;
  std::optional<uint32_t> node;
  do {
    node = steal_from(victim, evictor);
    victim = (victim + 1) % cpus_;
  } while (!node && victim != first_victim);
  local.next_steal = victim;
  if (node) make_pending(cpu, *node);
  return node;
}

std::optional<uint32_t> LruModel::steal_from(int victim, LruEvictor& evictor) {
  LocalLists& local = locals_[static_cast<size_t>(victim)];
  if (!local.free.empty()) {
    const uint32_t node = local.free.front();
    local.free.pop_front();
    return node;
  }
  // __local_list_pop_pending(): oldest first, an unreferenced node; failing that, any node.
  for (bool accept_referenced : {false, true}) {
    for (auto node = local.pending.rbegin(); node != local.pending.rend(); ++node) {
      if (nodes_[*node].ref && !accept_referenced) continue;
      const uint32_t stolen = *node;
      evictor.evict(stolen);
      local.pending.erase(std::next(node).base());
      return stolen;
    }
  }
  return std::nullopt;
}

// __local_list_add_pending(): the node is handed out on `cpu`.
void LruModel::make_pending(int cpu, uint32_t node) {
  nodes_[node].list = LruListKind::kLocalPending;
  nodes_[node].cpu = cpu;
  nodes_[node].ref = false;
  locals_[static_cast<size_t>(cpu)].pending.push_front(node);
}

// bpf_percpu_lru_pop_free().
std::optional<uint32_t> LruModel::percpu_pop(int cpu, LruEvictor& evictor) {
  LruList& list = percpu_[static_cast<size_t>(cpu)];
  lru_list_rotate(list, nodes_, kPercpuScanCountMax);
  if (list.free.empty()) {
    lru_list_shrink(list, nodes_, kPercpuFreeTarget, kPercpuScanCountMax, list.free,
                    LruListKind::kFree, evictor);
  }
  if (list.free.empty()) return std::nullopt;
  const uint32_t node = list.free.front();
  lru_node_move(list, nodes_, node, LruListKind::kInactive);
  return node;
}

void LruModel::push(uint32_t node) {
  if (percpu_lists_) {
    lru_node_move(percpu_[static_cast<size_t>(nodes_[node].cpu)], nodes_, node,
                  LruListKind::kFree);
  } else {
    common_push(node);
  }
}

// bpf_common_lru_push_free().
void LruModel::common_push(uint32_t node) {
  LruNodeState& state = nodes_[node];
  MAPSIM_ASSERT(state.list != LruListKind::kFree && state.list != LruListKind::kLocalFree,
                "a node is pushed once");
  if (state.list != LruListKind::kLocalPending) {
    lru_node_move(global_, nodes_, node, LruListKind::kFree);
    return;
  }
  LocalLists& owner = locals_[static_cast<size_t>(state.cpu)];
  owner.pending.erase(std::find(owner.pending.begin(), owner.pending.end(), node));
  state.list = LruListKind::kLocalFree;
  state.ref = false;
  owner.free.push_front(node);
}

std::vector<uint32_t> LruModel::list_nodes(LruListKind kind, int cpu) const {
  const auto index = static_cast<size_t>(cpu);
  const std::list<uint32_t>* list = nullptr;
  if (kind == LruListKind::kLocalFree || kind == LruListKind::kLocalPending) {
    MAPSIM_ASSERT(!percpu_lists_, "local lists exist in the common LRU only");
    list = kind == LruListKind::kLocalFree ? &locals_[index].free : &locals_[index].pending;
  } else {
    list = &(percpu_lists_ ? percpu_[index] : global_).of(kind);
  }
  return std::vector<uint32_t>(list->begin(), list->end());
}

void LruModel::hash_into(StateHasher& hasher) const {
  hasher.add(nodes_);
  hasher.add(global_);
  hasher.add(locals_);
  hasher.add(percpu_);
}

}  // namespace mapsim::reference
