// LruPool: where an LRU hash map gets a node for a new element (pop, which may evict other
// keys) and where it returns nodes (push). This is the kernel's struct bpf_lru with
// bpf_lru_init / bpf_lru_populate / bpf_lru_pop_free / bpf_lru_push_free (bpf_lru_list.c of
// Linux 6.18.44), common LRU and per-CPU LRU (BPF_F_NO_COMMON_LRU). The lists, their
// transitions, the lock order, what 6.18.44 changed against the fact sheet and what is
// approximate are described in impl/internal/lru_list.h; fact sheet 4.1-4.9.
//
// Every step of a pop and a push reports itself through platform.path_event() with the ids of
// impl/lru_path_event.h (documented in docs/lru-path-events.md).
//
// Thread safety: pop_free() and push_free() may run concurrently on any CPUs, each caller on
// its platform CPU; they must not be called with a bucket lock held (LOCK ORDER). They never
// block forever: every LRU lock is an rqspinlock, and a failed acquisition makes a pop return
// nullptr and a push mark the node pending_free. populate() and the inspection functions
// require a quiescent pool (no pop or push in flight).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "impl/inspection/corruption_access.h"
#include "impl/inspection/lru_view.h"
#include "impl/internal/lru_cpu_array.h"
#include "impl/internal/lru_list.h"
#include "impl/internal/lru_local_list.h"
#include "impl/internal/lru_node.h"
#include "impl/lru_path_event.h"
#include "impl/mutant.h"
#include "impl/platform.h"
#include "impl/real_platform.h"

namespace mapsim {

inline constexpr uint32_t kLruLocalFreeTargetMax = 128;  ///< LOCAL_FREE_TARGET: nodes per refill
inline constexpr uint32_t kLruCommonScanCountMax = 128;  ///< LOCAL_NR_SCANS: nodes per scan
inline constexpr uint32_t kLruPercpuFreeTarget = 4;      ///< PERCPU_FREE_TARGET: shrink target
inline constexpr uint32_t kLruPercpuScanCountMax = 4;    ///< PERCPU_NR_SCANS: nodes per scan

// Nodes a refill moves to a CPU's LOCAL_FREE list (6.18: bpf_common_lru_populate):
// clamp((node_count / possible_cpus) / 2, 1, LOCAL_FREE_TARGET).
uint32_t lru_target_free_count(uint32_t node_count, int possible_cpus);

struct LruPoolTestOnlyAccess;

template <class P>
class LruPool {
 public:
  // `use_percpu_lists`: BPF_F_NO_COMMON_LRU. `evictor`: the hash table's delete callback.
  LruPool(P& platform, bool use_percpu_lists, LruEvictor<P> evictor);
  ~LruPool();
  LruPool(const LruPool&) = delete;
  LruPool& operator=(const LruPool&) = delete;

  // bpf_lru_init(): allocates the per-CPU structures. Returns 0 or -ENOMEM.
  [[nodiscard]] int init();
  // bpf_lru_populate(): constructs `node_count` nodes in raw memory at first_node,
  // first_node + stride_bytes, ... and puts them on the free list(s). The pool destroys them;
  // the memory stays the caller's (free it after the pool). REQUIRES: init() succeeded, called
  // once, node_count >= 1 (per-CPU lists: >= possible CPUs).
  void populate(unsigned char* first_node, size_t stride_bytes, uint32_t node_count);

  // bpf_lru_pop_free(): a node for a new element whose key hashes to `hash`, on the current
  // CPU; may evict keys through the evictor. nullptr when no node can be found (-ENOMEM).
  LruNode<P>* pop_free(uint32_t hash);
  // bpf_lru_push_free(): returns a node whose element is no longer in the table.
  void push_free(LruNode<P>* node);

  bool percpu_lists() const { return uses_percpu_lists_; }
  /// Refill batch of the common LRU; 0 for per-CPU lists (they use kLruPercpuFreeTarget).
  uint32_t target_free() const { return target_free_; }
  uint32_t scan_count_max() const { return scan_count_max_; }
  uint32_t node_count() const { return node_count_; }
  LruNode<P>* node_at(uint32_t index) const;
  // Index of a populated node (node_at's inverse).
  uint32_t index_of(const LruNode<P>* node) const;

  // ---- inspection (REQUIRES: quiescent) ----
  // Nodes on a list, newest first (LOCAL_FREE: next to be handed out first). Common LRU:
  // ACTIVE/INACTIVE/FREE are the global list (cpu ignored), LOCAL_FREE/LOCAL_PENDING are
  // `cpu`'s. Per-CPU LRU: `cpu`'s list.
  std::vector<const LruNode<P>*> list_nodes(LruListType type, int cpu = 0) const;
  // The counter the kernel keeps for ACTIVE/INACTIVE.
  uint32_t list_counter(LruListType type, int cpu = 0) const;
  int next_steal(int cpu) const { return local_lists_[cpu].next_steal.read(); }
  // The rotation cursor as a node index, or -1 when it points at the INACTIVE head.
  int64_t rotation_cursor(int cpu = 0) const;
  // Structural checks: links consistent, every node on exactly one list of its type, counters,
  // cursor, owners. Returns false and describes the first problem in *failure.
  bool check_invariants(std::string* failure) const;
  // Test-only view of the nodes and lists (impl/inspection/lru_view.h; lru_pool_view_inl.h).
  // Any moment, never asserts: corrupt links end their walk with the reason.
  void fill_view(LruMapView* view) const;

 private:
  friend struct LruPoolTestOnlyAccess;
  friend struct ::mapsim::MapCorruptionTestOnlyAccess;  // tests that damage it on purpose

  LruNode<P>* common_pop_free(uint32_t hash);
  LruNode<P>* common_steal(LruLocalList<P>& local, int cpu, uint32_t hash);
  void park_stolen_node(LruLocalList<P>& local, LruNode<P>* node);
  LruNode<P>* steal_from_victim(int victim);
  LruNode<P>* take_from_victim_locked(LruLocalList<P>& victim_list, int victim);
  LruNode<P>* percpu_pop_free(uint32_t hash);
  void lru_list_pop_free_to_local(LruLocalList<P>& local);
  void local_list_take_refill(LruLocalList<P>& local, LruLink<P>* refill);
  void lru_list_rotate_locked(LruList<P>& list, PathEvent active_event, PathEvent inactive_event);
  uint32_t lru_list_shrink_locked(LruList<P>& list, uint32_t eviction_target, LruLink<P>* free_list,
                                  LruListType free_type, PathEvent shrink_event,
                                  PathEvent force_event);
  void local_list_make_pending_locked(LruLocalList<P>& local, int cpu, LruNode<P>* node,
                                      uint32_t hash);
  void common_push_free(LruNode<P>* node);
  void lru_list_push_free(LruList<P>& list, LruNode<P>* node);
  void percpu_push_free(LruNode<P>* node);
  void populate_common();
  void populate_percpu();
  int next_possible_cpu(int cpu) const { return cpu + 1 == possible_cpus_ ? 0 : cpu + 1; }

  const LruLink<P>* list_head(LruListType type, int cpu) const;
  const LruList<P>& list_for(LruListType type, int cpu) const;
  bool check_list(LruListType type, int cpu, std::vector<uint8_t>* seen, uint32_t* length,
                  std::string* failure) const;
  bool check_node(const LruNode<P>* node, LruListType type, int cpu, std::vector<uint8_t>* seen,
                  std::string* failure) const;
  bool check_counters_and_cursor(const LruList<P>& list, int cpu, std::string* failure) const;
  uint32_t view_index_of(const LruLink<P>* link) const;
  uint32_t view_next_index(const LruLink<P>* link, LruListWalk* walk) const;
  LruListWalk view_walk_list(const LruLink<P>* head) const;
  LruListWalk view_walk_local_free(const LruLocalList<P>& local) const;
  LruListsView view_lists(const LruList<P>& list) const;

  P& platform_;
  const bool uses_percpu_lists_;   ///< BPF_F_NO_COMMON_LRU
  const LruEvictor<P> evictor_;
  const int possible_cpus_;
  const uint32_t scan_count_max_;  ///< nr_scans: 128 common, 4 per-CPU
  uint32_t target_free_ = 0;       ///< common LRU refill batch (nodes), set by populate
  LruList<P> global_list_;                          ///< common LRU only
  LruCpuArray<P, LruLocalList<P>> local_lists_;     ///< common LRU only
  LruCpuArray<P, LruList<P>> percpu_lists_;        ///< per-CPU LRU only
  unsigned char* first_node_ = nullptr;
  size_t stride_bytes_ = 0;
  uint32_t node_count_ = 0;
};

extern template class LruPool<RealPlatform>;

}  // namespace mapsim

#include "impl/internal/lru_pool_inl.h"
