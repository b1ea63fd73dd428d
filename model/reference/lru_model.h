// LruModel: the node pool of an LRU hash map, where an insert gets its node ("pop", which may
// evict other keys) and where freed nodes go ("push"): the LRU of the 6.18.44 kernel as plain
// lists (fact sheet 4; the llist LOCAL_FREE of 4.12 that 6.18.44 carries, see below).
//
// Nodes are the pool elements 0 .. node_count-1. The map model (lru_hash_model.h) keeps the
// keys and values of the nodes; this class keeps where each node is.
//
// Common LRU (default): one global LruList (lru_lists.h), and per CPU a LOCAL_FREE list (nodes
// reserved for this CPU's next inserts) and a LOCAL_PENDING list (nodes it handed out since its
// last refill, invisible to rotation and eviction until then).
//   populate: nodes 0, 1, ... pushed onto the global FREE head, so node_count-1 comes out
//     first; target_free = clamp((node_count / cpus) / 2, 1, 128);
//   pop on CPU c: the head of LOCAL_FREE(c); else refill, then the head of LOCAL_FREE(c);
//     else steal. The node becomes LOCAL_PENDING on c (owner c, ref 0).
//   refill: flush LOCAL_PENDING(c) into the global list (oldest first; referenced ones to
//     ACTIVE, others to INACTIVE); rotate (128 scans); move up to target_free nodes from the
//     head of FREE onto a temporary list (each at its head), evict for the difference
//     (shrink, also onto the temporary list); then push the temporary list's nodes from its
//     head, one by one, onto LOCAL_FREE(c) -- 6.18.44's LOCAL_FREE is an llist, and this push
//     loop reverses 6.18.35's hand-out order: the first node taken off FREE is handed out first
//     (tests/data/diff/lru-percpu-hash-local-free-order.jsonl).
//   steal: CPUs from next_steal(c) on, wrapping, until one gives a node: its LOCAL_FREE head,
//     else its oldest unreferenced pending node, else its oldest pending node (the victim's key
//     is evicted); next_steal(c) becomes the CPU after the last one tried.
//   push: a LOCAL_PENDING node goes to the head of its owner's LOCAL_FREE (ref cleared);
//     an ACTIVE / INACTIVE node to the head of the global FREE.
// Per-CPU LRU (BPF_F_NO_COMMON_LRU): one LruList per CPU; populate deals node_count / cpus
//   consecutive nodes to each CPU's FREE (owner fixed forever); pop on c rotates c's list
//   (4 scans), shrinks it into its FREE (target 4) if FREE is empty, and moves FREE's head to
//   INACTIVE's head; push returns a node to its owner's FREE head. Capacity is partitioned.
//
// Left out: lock failures and pending_free (lru_lists.h); the element counter.
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <vector>

#include "model/reference/lru_lists.h"
#include "model/reference/state_hasher.h"

namespace mapsim::reference {

class LruModel {
 public:
  static constexpr uint32_t kCommonScanCountMax = 128;  ///< LOCAL_NR_SCANS
  static constexpr uint32_t kLocalFreeTargetMax = 128;  ///< LOCAL_FREE_TARGET
  static constexpr uint32_t kPercpuScanCountMax = 4;    ///< PERCPU_NR_SCANS
  static constexpr uint32_t kPercpuFreeTarget = 4;      ///< PERCPU_FREE_TARGET

  // REQUIRES: node_count >= 1; per-CPU lists: node_count is a multiple of possible_cpus.
  LruModel(uint32_t node_count, int possible_cpus, bool percpu_lists);

  // A node for a new element inserted on `cpu`; may evict keys through `evictor`. nullopt when
  // no node can be found (the update fails with ENOMEM).
  std::optional<uint32_t> pop(int cpu, LruEvictor& evictor);
  // A node whose element left the table (or never entered it).
  void push(uint32_t node);
  // bpf_lru_node_set_ref().
  void set_ref(uint32_t node) { nodes_[node].ref = true; }

  // ---- inspection ----
  bool percpu_lists() const { return percpu_lists_; }
  uint32_t target_free() const { return target_free_; }
  const LruNodeState& node(uint32_t id) const { return nodes_[id]; }
  // A list's nodes, head first. Common LRU: ACTIVE/INACTIVE/FREE are global (cpu ignored),
  // LOCAL_FREE/LOCAL_PENDING are `cpu`'s. Per-CPU LRU: `cpu`'s list.
  std::vector<uint32_t> list_nodes(LruListKind kind, int cpu) const;
  int next_steal(int cpu) const { return locals_[static_cast<size_t>(cpu)].next_steal; }
  // Every node on exactly the list its state names, owners right. False and *failure if not.
  bool check_invariants(std::string* failure) const;

  bool operator==(const LruModel&) const = default;
  void hash_into(StateHasher& hasher) const;

 private:
  // A CPU's local lists in the common LRU (bpf_lru_locallist).
  struct LocalLists {
    std::list<uint32_t> free;     ///< LOCAL_FREE, head (next handed out) first
    std::list<uint32_t> pending;  ///< LOCAL_PENDING, newest first
    int next_steal = 0;           ///< the CPU this CPU robs first

    bool operator==(const LocalLists&) const = default;
    void hash_into(StateHasher& hasher) const {
      hasher.add(free);
      hasher.add(pending);
      hasher.add(static_cast<uint64_t>(next_steal));
    }
  };

  std::optional<uint32_t> common_pop(int cpu, LruEvictor& evictor);
  void refill(int cpu, LruEvictor& evictor);
  void flush_pending(int cpu);
  std::optional<uint32_t> steal(int cpu, LruEvictor& evictor);
  std::optional<uint32_t> steal_from(int victim, LruEvictor& evictor);
  void make_pending(int cpu, uint32_t node);
  std::optional<uint32_t> percpu_pop(int cpu, LruEvictor& evictor);
  void common_push(uint32_t node);
  bool check_list(const std::list<uint32_t>& list, LruListKind kind, int owner,
                  std::vector<int>* seen, std::string* failure) const;

  int cpus_;
  bool percpu_lists_;
  uint32_t target_free_ = 0;     ///< common LRU refill batch
  LruNodes nodes_;
  LruList global_;               ///< common LRU
  std::vector<LocalLists> locals_;  ///< common LRU, per CPU
  std::vector<LruList> percpu_;     ///< per-CPU LRU, per CPU
};

}  // namespace mapsim::reference
