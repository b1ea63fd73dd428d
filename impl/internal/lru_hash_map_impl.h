// LruHashMap<P>: BPF_MAP_TYPE_LRU_HASH and BPF_MAP_TYPE_LRU_PERCPU_HASH (kernel/bpf/hashtab.c,
// the htab_lru_* functions; fact sheet 3.1-3.11 and 4.10), built on the shared bucket array
// (impl/internal/hash_table.h) and the LRU node pool (impl/internal/lru_pool.h).
//
// Storage: always preallocated (LRU + BPF_F_NO_PREALLOC is ENOTSUPP in htab_alloc_check), one
// pool of exactly max_entries elements (no per-CPU extra elements: the LRU hands out nodes).
// Each element reserves an area for its LruNode between the header and the key:
//
//   HtabElement header | LruNode (32 bytes) | key (round_up 8) | value or per-CPU pointer
//
// Update (4.10): flags > BPF_EXIST -> EINVAL; then a node is popped BEFORE the bucket lock is
// taken (LOCK ORDER: LRU locks -> bucket lock; popping may evict keys, which takes their bucket
// locks), and only then is existence checked. So an update that fails with EEXIST / ENOENT (or a
// bucket-lock error) may already have evicted other keys; the unused node is pushed back.
// LRU_PERCPU_HASH updates existing keys in place and pops nothing for flags == BPF_EXIST.
// No node anywhere -> ENOMEM (never E2BIG).
//
// Reference bit: set by program lookups (bpf_map_lookup_elem, bpf_map_lookup_percpu_elem) and
// by updates of an existing key (LRU_HASH: on the new node; LRU_PERCPU_HASH: on the existing
// node); never by syscall lookups, so that a userspace walk does not disturb eviction.
//
// Element statistic (bpf_map_inc/dec_elem_count): +1 per pop, -1 per push and per eviction, so
// at rest it equals the number of keys in the map.
#pragma once

#include <memory>
#include <string>

#include "impl/assert.h"
#include "impl/inspection/corruption_access.h"
#include "impl/internal/create_checks.h"
#include "impl/internal/hash_table.h"
#include "impl/internal/htab_batch.h"
#include "impl/internal/lru_pool.h"
#include "impl/internal/percpu_values.h"
#include "impl/lru_path_event.h"
#include "impl/map.h"
#include "impl/map_inspection.h"
#include "impl/mutant.h"
#include "impl/uapi.h"

namespace mapsim::internal {

// A block from the platform, released when the owner is destroyed (declared before the objects
// living in it, so that they are destroyed first).
template <class P>
class LruPlatformBlock {
 public:
  explicit LruPlatformBlock(P& platform) : platform_(platform) {}
  ~LruPlatformBlock() { platform_.release(data_); }
  LruPlatformBlock(const LruPlatformBlock&) = delete;
  LruPlatformBlock& operator=(const LruPlatformBlock&) = delete;

  bool allocate(uint64_t bytes) {
    data_ = static_cast<unsigned char*>(platform_.allocate(bytes));
    return data_ != nullptr;
  }
  unsigned char* data() const { return data_; }

 private:
  P& platform_;
  unsigned char* data_ = nullptr;
};

template <class P>
class LruHashMap final : public Map {
 public:
  using Element = HtabElement<P>;
  using Bucket = typename HashTable<P>::Bucket;
  using Node = LruNode<P>;

  // REQUIRES: htab_alloc_check(attr) passed and attr.map_type is LRU_HASH or LRU_PERCPU_HASH.
  static int create(P& platform, const MapAttr& attr, std::unique_ptr<Map>* out) {
    HtabSizing sizing;
    if (int error = htab_compute_sizing(attr, platform.possible_cpus(), &sizing)) return error;
    MapInfo info{attr.map_type, attr.key_size, attr.value_size, sizing.max_entries,
                 attr.map_flags, attr.map_extra, attr.name};
    auto map = std::unique_ptr<LruHashMap>(new LruHashMap(platform, info));
    if (int error = map->allocate(sizing.n_buckets)) return error;
    *out = std::move(map);
    return 0;
  }

  ~LruHashMap() override {
    for (uint32_t index = 0; index < populated_; ++index) std::destroy_at(element_at(index));
  }

  // htab_lru_map_lookup_elem / htab_lru_percpu_map_lookup_elem: marks the key as used.
  void* prog_lookup(const void* key) override {
    RcuReadGuard<P> rcu(platform_);
    Element* element = table_.lookup_rcu(table_.hash_key(key), key);
    if (element == nullptr) return nullptr;
    mark_referenced(element);
    if (percpu_) return values_.slot(element, platform_.cpu());
    return table_.value_area_of(element);
  }

  // htab_lru_percpu_map_lookup_percpu_elem: also marks the key (LRU_PERCPU_HASH only).
  void* prog_lookup_percpu(const void* key, uint32_t cpu) override {
    if (!percpu_ || cpu >= static_cast<uint32_t>(platform_.possible_cpus())) return nullptr;
    RcuReadGuard<P> rcu(platform_);
    Element* element = table_.lookup_rcu(table_.hash_key(key), key);
    if (element == nullptr) return nullptr;
    mark_referenced(element);
    return values_.slot(element, static_cast<int>(cpu));
  }

  int prog_update(const void* key, const void* value, uint64_t flags) override {
    return update(key, value, flags, ValueSource::kProgram);
  }
  int prog_delete(const void* key) override { return remove(key, nullptr); }

  // ---- inspection for tests and invariant checks (REQUIRES: quiescent) ----
  const LruPool<P>& lru() const { return lru_; }
  HashTable<P>& table() { return table_; }
  uint64_t element_count() const { return element_count_.load(); }
  // The node of the element holding `key`, or nullptr.
  const Node* node_of_key(const void* key) {
    RcuReadGuard<P> rcu(platform_);
    Element* element = table_.lookup_rcu(table_.hash_key(key), key);
    return element == nullptr ? nullptr : node_of(element);
  }
  // The LRU pool's invariants, plus: the keys in the table are exactly the nodes on
  // ACTIVE/INACTIVE/LOCAL_PENDING lists, and the element statistic equals their number.
  bool check_invariants(std::string* failure);
  // Test-only view at any moment (impl/inspection/lru_view.h; lru_hash_map_ops_inl.h).
  MapInspection inspect() const override;

 protected:
  // LRU_HASH: htab_lru_map_lookup_elem_sys (no mark); LRU_PERCPU_HASH: bpf_percpu_hash_copy
  // ("we do not mark LRU map element here").
  int sys_lookup(const void* key, void* value) override {
    RcuReadGuard<P> rcu(platform_);
    Element* element = table_.lookup_rcu(table_.hash_key(key), key);
    if (element == nullptr) return bpf::kENOENT;
    if (mutant_active<P>(Mutant::kLruSyscallLookupSetsRef)) mark_referenced(element);
    copy_value_out(element, value);
    return 0;
  }
  int sys_update(const void* key, const void* value, uint64_t flags) override {
    return update(key, value, flags, ValueSource::kSyscall);
  }
  int sys_delete(const void* key) override { return remove(key, nullptr); }
  int sys_get_next_key(const void* key, void* next_key) override {
    return table_.get_next_key(key, next_key);
  }
  int sys_lookup_and_delete(const void* key, void* value) override { return remove(key, value); }
  // BATCH_OPS(htab_lru): bucket-based lookups (impl/internal/htab_batch.h; copies never set
  // the reference bit), generic update/delete.
  int sys_lookup_batch(const BatchCall& call) override { return lookup_batch(call, false); }
  int sys_lookup_and_delete_batch(const BatchCall& call) override {
    return lookup_batch(call, true);
  }
  int sys_update_batch(const BatchCall& call) override { return generic_update_batch(call); }
  int sys_delete_batch(const BatchCall& call) override { return generic_delete_batch(call); }

 private:
  int lookup_batch(const BatchCall& call, bool do_delete) {
    return htab_lookup_batch(
        platform_, table_, call, syscall_value_size(), do_delete,
        [this](Element* element, void* value) { copy_value_out(element, value); },
        [this](Element* element) { push_element(element); });
  }

  using ValueSource = HtabValueSource;

  LruHashMap(P& platform, const MapInfo& info)
      : Map(info),
        platform_(platform),
        percpu_(info.map_type == bpf::kMapLruPercpuHash),
        table_(platform,
               HtabLayout::make(sizeof(Element), sizeof(Node), info.key_size, info.value_size,
                                percpu_),
               (info.map_flags & bpf::kFZeroSeed) ? 0 : platform.random_u32()),
        values_(table_.layout(), platform.possible_cpus()),
        element_block_(platform),
        percpu_block_(platform),
        lru_(platform, (info.map_flags & bpf::kFNoCommonLru) != 0,
             LruEvictor<P>{&LruHashMap::delete_node, this}) {
    if (percpu_) set_syscall_value_size(values_.all_cpus_bytes());
  }

  int allocate(uint32_t n_buckets);
  void populate_elements();

  Element* element_at(uint64_t index) const {
    return std::launder(reinterpret_cast<Element*>(element_block_.data() +
                                                   index * table_.layout().element_size));
  }
  Node* node_of(Element* element) {
    return std::launder(reinterpret_cast<Node*>(table_.node_area_of(element)));
  }
  Element* element_of(Node* node) const {
    return std::launder(reinterpret_cast<Element*>(reinterpret_cast<unsigned char*>(node) -
                                                   table_.layout().node_offset));
  }

  static int check_flags(const Element* old_element, uint64_t flags) {
    if (old_element != nullptr && flags == bpf::kNoExist) return bpf::kEEXIST;
    if (old_element == nullptr && flags == bpf::kExist) return bpf::kENOENT;
    return 0;
  }
  int update(const void* key, const void* value, uint64_t flags, ValueSource source) {
    // 4.10 step 1: both LRU types reject everything above BPF_EXIST, BPF_F_LOCK included.
    if (flags > bpf::kExist) return bpf::kEINVAL;
    platform_.path_event(PathEvent::kUpdateBegin, flags);
    return percpu_ ? update_percpu(key, value, flags, source) : update_shared(key, value, flags);
  }
  int update_shared(const void* key, const void* value, uint64_t flags);
  int check_existence_early(Bucket& bucket, uint32_t hash, const void* key, uint64_t flags);
  int update_percpu(const void* key, const void* value, uint64_t flags, ValueSource source);
  Element* pop_element(uint32_t hash, const void* key);
  void push_element(Element* element);
  void report_existence_error(int error);
  void copy_value_out(Element* element, void* value);
  int remove(const void* key, void* value);
  void mark_referenced(Element* element);
  static bool delete_node(void* map, Node* node);
  uint64_t free_node_count() const;

  friend struct ::mapsim::MapCorruptionTestOnlyAccess;  // tests that damage it on purpose
  P& platform_;
  const bool percpu_;
  HashTable<P> table_;
  PercpuValues<P> values_;
  LruPlatformBlock<P> element_block_;  ///< max_entries elements
  LruPlatformBlock<P> percpu_block_;   ///< LRU_PERCPU_HASH: max_entries per-CPU value areas
  uint32_t populated_ = 0;             ///< elements constructed in element_block_
  LruPool<P> lru_;                     ///< destroyed before the blocks its nodes live in
  typename P::template Atomic<uint64_t> element_count_{0};
};

}  // namespace mapsim::internal

#include "impl/internal/lru_hash_map_ops_inl.h"
