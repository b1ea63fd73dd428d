// HashMap<P>: BPF_MAP_TYPE_HASH and BPF_MAP_TYPE_PERCPU_HASH (kernel/bpf/hashtab.c; fact sheet
// 3.2-3.13).
//
// Storage:
// - Preallocated (default): one pool of elements made at creation. HASH has max_entries +
//   possible_cpus elements, and each CPU takes one out of the free list as its private "extra"
//   element: replacing an existing key swaps the new value into the extra element and keeps the
//   old element as the CPU's next extra, so exactly max_entries elements serve new keys.
//   PERCPU_HASH has exactly max_entries elements (it updates in place). Free elements live in
//   a PercpuFreeList; an empty free list is E2BIG.
// - BPF_F_NO_PREALLOC: elements are allocated on demand; an element counter enforces
//   max_entries exactly (E2BIG), allocation failure is ENOMEM, and freed elements are released
//   after an RCU grace period; per-CPU value areas recycle through a PercpuAreaCache.
// Update order (htab_map_update_elem): flags -> bucket lock -> existence (EEXIST / ENOENT) ->
// capacity (E2BIG / ENOMEM) -> new element at the chain head, old one unlinked. Existence is
// checked before capacity.
#pragma once

#include <memory>

#include "impl/assert.h"
#include "impl/inspection/corruption_access.h"
#include "impl/internal/create_checks.h"
#include "impl/internal/hash_table.h"
#include "impl/internal/htab_batch.h"
#include "impl/internal/percpu_area_cache.h"
#include "impl/internal/percpu_freelist.h"
#include "impl/internal/percpu_values.h"
#include "impl/map.h"
#include "impl/map_inspection.h"
#include "impl/mutant.h"
#include "impl/uapi.h"

namespace mapsim::internal {

template <class P>
class HashMap final : public Map {
 public:
  using Element = HtabElement<P>;
  using Bucket = typename HashTable<P>::Bucket;

  // REQUIRES: htab_alloc_check(attr) passed and attr.map_type is HASH or PERCPU_HASH.
  static int create(P& platform, const MapAttr& attr, std::unique_ptr<Map>* out) {
    HtabSizing sizing;
    if (int error = htab_compute_sizing(attr, platform.possible_cpus(), &sizing)) return error;
    MapInfo info{attr.map_type, attr.key_size, attr.value_size, sizing.max_entries,
                 attr.map_flags, attr.map_extra, attr.name};
    auto map = std::unique_ptr<HashMap>(new HashMap(platform, info));
    if (int error = map->allocate(sizing.n_buckets)) return error;
    *out = std::move(map);
    return 0;
  }

  ~HashMap() override {
    if (!prealloc_) release_all_elements();
    platform_.release(pool_);
    platform_.release(percpu_pool_);
    platform_.release(extra_elements_);
  }

  void* prog_lookup(const void* key) override {
    RcuReadGuard<P> rcu(platform_);
    Element* element = table_.lookup_rcu(table_.hash_key(key), key);
    if (element == nullptr) return nullptr;
    if (percpu_) return values_.slot(element, platform_.cpu());
    return table_.value_area_of(element);
  }

  void* prog_lookup_percpu(const void* key, uint32_t cpu) override {
    if (!percpu_ || cpu >= static_cast<uint32_t>(platform_.possible_cpus())) return nullptr;
    RcuReadGuard<P> rcu(platform_);
    Element* element = table_.lookup_rcu(table_.hash_key(key), key);
    return element == nullptr ? nullptr : values_.slot(element, static_cast<int>(cpu));
  }

  int prog_update(const void* key, const void* value, uint64_t flags) override {
    return update(key, value, flags, ValueSource::kProgram);
  }
  int prog_delete(const void* key) override { return remove(key, nullptr); }

  // For tests and invariant checks of a quiescent map.
  uint64_t element_count() const { return element_count_.load(); }
  HashTable<P>& table() { return table_; }
  // Test-only view (impl/internal/hash_map_inspect_inl.h).
  MapInspection inspect() const override;

 protected:
  int sys_lookup(const void* key, void* value) override {
    RcuReadGuard<P> rcu(platform_);
    Element* element = table_.lookup_rcu(table_.hash_key(key), key);
    if (element == nullptr) return bpf::kENOENT;
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
  // BATCH_OPS(htab): bucket-based lookups (impl/internal/htab_batch.h), generic update/delete.
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
        [this](Element* element) { free_element(element); });
  }

  HashMap(P& platform, const MapInfo& info)
      : Map(info),
        platform_(platform),
        percpu_(info.map_type == bpf::kMapPercpuHash),
        prealloc_((info.map_flags & bpf::kFNoPrealloc) == 0),
        table_(platform, HtabLayout::make(sizeof(Element), 0, info.key_size, info.value_size,
                                          percpu_),
               (info.map_flags & bpf::kFZeroSeed) ? 0 : platform.random_u32()),
        values_(table_.layout(), platform.possible_cpus()),
        free_list_(platform),
        area_cache_(platform, values_.all_cpus_bytes()) {
    if (percpu_) set_syscall_value_size(values_.all_cpus_bytes());
  }

  // The big blocks are reserved before anything is written, so an absurd size fails with
  // ENOMEM before any memory is touched.
  int allocate(uint32_t n_buckets) {
    if (prealloc_) {
      if (int error = reserve_pool()) return error;
    }
    if (int error = table_.allocate_buckets(n_buckets)) return error;
    if (prealloc_) return populate_pool();
    if (percpu_) return area_cache_.allocate();
    return 0;
  }

  uint64_t pool_count() const {
    return uint64_t{max_entries()} + (percpu_ ? 0 : platform_.possible_cpus());
  }

  int reserve_pool() {
    pool_ = static_cast<unsigned char*>(
        platform_.allocate(pool_count() * table_.layout().element_size));
    if (pool_ == nullptr) return bpf::kENOMEM;
    if (percpu_) {
      percpu_pool_ = static_cast<unsigned char*>(
          platform_.allocate(pool_count() * values_.all_cpus_bytes()));
      if (percpu_pool_ == nullptr) return bpf::kENOMEM;
    }
    return 0;
  }

  int populate_pool() {
    const uint32_t element_size = table_.layout().element_size;
    for (uint64_t index = 0; index < pool_count(); ++index) {
      Element* element = new (pool_ + index * element_size) Element();
      if (percpu_) values_.attach(element, percpu_pool_ + index * values_.all_cpus_bytes());
    }
    if (int error = free_list_.allocate()) return error;
    free_list_.populate(pool_, element_size, pool_count());
    if (!percpu_) return take_extra_elements(platform_.possible_cpus());
    return 0;
  }

  // alloc_extra_elems(): each possible CPU takes one element, popped on the creating CPU.
  int take_extra_elements(int cpus) {
    extra_elements_ = static_cast<ExtraSlot*>(platform_.allocate(sizeof(ExtraSlot) * cpus));
    if (extra_elements_ == nullptr) return bpf::kENOMEM;
    for (int cpu = 0; cpu < cpus; ++cpu) {
      new (&extra_elements_[cpu]) ExtraSlot(free_list_.pop());
      MAPSIM_ASSERT(extra_elements_[cpu].read() != nullptr, "the pool holds one extra per CPU");
    }
    return 0;
  }

  using ValueSource = HtabValueSource;

  static int check_flags(const Element* old_element, uint64_t flags) {
    const uint64_t mode = flags & ~bpf::kFLock;
    if (old_element != nullptr && mode == bpf::kNoExist) return bpf::kEEXIST;
    if (old_element == nullptr && mode == bpf::kExist) return bpf::kENOENT;
    return 0;
  }

  int update(const void* key, const void* value, uint64_t flags, ValueSource source) {
    // HASH accepts BPF_F_LOCK as a flag bit (then needs a spin lock: EINVAL without one);
    // PERCPU_HASH rejects it with the other unknown bits.
    if ((percpu_ ? flags : (flags & ~bpf::kFLock)) > bpf::kExist) return bpf::kEINVAL;
    if (flags & bpf::kFLock) return bpf::kEINVAL;
    const uint32_t hash = table_.hash_key(key);
    Bucket& bucket = table_.bucket_for(hash);
    Element* unlinked_early = nullptr;
    if (!percpu_ && mutant_active<P>(Mutant::kHashUpdateUnlinksBeforeLock)) {
      unlinked_early = unlink_before_locking(bucket, hash, key);
    }
    if (int error = bucket.lock.lock()) return error;
    Element* old_element = unlinked_early != nullptr ? unlinked_early
                                                     : table_.lookup_locked(bucket, hash, key);
    int error = 0;
    if (mutant_active<P>(Mutant::kHashCapacityBeforeExistence)) error = check_capacity_early();
    if (error == 0) error = check_flags(old_element, flags);
    if (error == 0 && percpu_ && old_element != nullptr) {
      values_.write(old_element, value, source, /*fresh=*/false, platform_);
    } else if (error == 0) {
      Element* fresh = take_element(old_element, &error);
      if (fresh != nullptr) {
        fill_element(fresh, hash, key, value, source);
        table_.insert_head_locked(bucket, fresh);
        if (old_element != nullptr) table_.unlink_locked(bucket, old_element);
      }
    }
    bucket.lock.unlock();
    if (error == 0 && !percpu_ && old_element != nullptr && !prealloc_) {
      free_element(old_element);
    }
    return error;
  }

  // Mutant hash-update-unlinks-before-lock only: the old element found and unlinked before the
  // bucket lock is taken (a lock-free lookup, then an unlocked unlink).
  Element* unlink_before_locking(Bucket& bucket, uint32_t hash, const void* key) {
    Element* found = nullptr;
    {
      RcuReadGuard<P> rcu(platform_);
      found = table_.lookup_rcu(hash, key);
    }
    if (found != nullptr) table_.unlink_locked(bucket, found);
    return found;
  }

  // Mutant hash-capacity-before-existence only: E2BIG for a full map whatever the key.
  int check_capacity_early() const {
    return element_count_.load() >= max_entries() ? bpf::kE2BIG : 0;
  }

  // alloc_htab_elem()'s choice of memory. REQUIRES: the key's bucket lock is held.
  Element* take_element(Element* old_element, int* error) {
    if (prealloc_) {
      if (old_element != nullptr) {
        const bool wrong_cpu = mutant_active<P>(Mutant::kHashExtraElementWrongCpu);
        ExtraSlot& extra = extra_elements_[wrong_cpu ? 0 : platform_.cpu()];
        Element* fresh = extra.read();
        extra.write(old_element);
        return fresh;
      }
      Element* fresh = free_list_.pop();
      if (fresh == nullptr) {
        *error = bpf::kE2BIG;
        return nullptr;
      }
      element_count_.fetch_add(1);
      return fresh;
    }
    return allocate_element(old_element != nullptr, error);
  }

  Element* allocate_element(bool replacing, int* error) {
    // A replacement may exceed the limit for a moment: the old element is freed right after.
    if (element_count_.load() >= max_entries() && !replacing) {
      *error = bpf::kE2BIG;
      return nullptr;
    }
    element_count_.fetch_add(1);
    void* memory = platform_.allocate(table_.layout().element_size);
    void* percpu_area = nullptr;
    if (memory != nullptr && percpu_) {
      percpu_area = area_cache_.take();
      if (percpu_area == nullptr) {
        platform_.release(memory);
        memory = nullptr;
      }
    }
    if (memory == nullptr) {
      element_count_.fetch_sub(1);
      *error = bpf::kENOMEM;
      return nullptr;
    }
    Element* element = new (memory) Element();
    if (percpu_) values_.attach(element, static_cast<unsigned char*>(percpu_area));
    return element;
  }

  void fill_element(Element* element, uint32_t hash, const void* key, const void* value,
                    ValueSource source) {
    P::copy_racy(table_.key_of(element), key, key_size());
    if (percpu_) {
      values_.write(element, value, source, /*fresh=*/true, platform_);
    } else {
      P::copy_racy(table_.value_area_of(element), value, value_size());
    }
    element->hash.store(hash);
  }

  void copy_value_out(Element* element, void* value) {
    if (percpu_) {
      values_.read_all_cpus(element, value);
    } else {
      P::copy_racy(value, table_.value_area_of(element), value_size());
    }
  }

  // Delete (value == nullptr) or lookup-and-delete: bucket lock, unlink, unlock, free.
  int remove(const void* key, void* value) {
    const uint32_t hash = table_.hash_key(key);
    Bucket& bucket = table_.bucket_for(hash);
    const bool locks = !mutant_active<P>(Mutant::kHashDeleteWithoutBucketLock);
    if (locks) {
      if (int error = bucket.lock.lock()) return error;
    }
    Element* element = table_.lookup_locked(bucket, hash, key);
    if (element != nullptr) {
      if (value != nullptr) copy_value_out(element, value);
      table_.unlink_locked(bucket, element);
    }
    if (locks) bucket.lock.unlock();
    if (element == nullptr) return bpf::kENOENT;
    free_element(element);
    return 0;
  }

  // free_htab_elem(): preallocated elements go back to this CPU's free list at once.
  void free_element(Element* element) {
    element_count_.fetch_sub(1);
    if (prealloc_) {
      free_list_.push(element);
      return;
    }
    if (percpu_) area_cache_.give_back(values_.area(element));
    if (mutant_active<P>(Mutant::kHashFreeWithoutGracePeriod)) {
      platform_.release(element);
      return;
    }
    platform_.release_after_grace_period(element);
  }

  // NO_PREALLOC teardown: every element still in the table.
  void release_all_elements() {
    table_.for_each_quiescent([&](uint32_t, Element* element) {
      if (percpu_) platform_.release(values_.area(element));
      platform_.release(element);
    });
  }

  friend struct ::mapsim::MapCorruptionTestOnlyAccess;  // tests that damage it on purpose
  P& platform_;
  const bool percpu_;
  const bool prealloc_;
  HashTable<P> table_;
  PercpuValues<P> values_;
  PercpuFreeList<P> free_list_;
  PercpuAreaCache<P> area_cache_;  // NO_PREALLOC per-CPU maps only
  unsigned char* pool_ = nullptr;
  unsigned char* percpu_pool_ = nullptr;
  // [cpu]; HASH with preallocation only. Each CPU uses its own slot, under the bucket lock of
  // the key it replaces (a program nested on that CPU is ordered after what it interrupted).
  using ExtraSlot = typename P::template Plain<Element*>;
  ExtraSlot* extra_elements_ = nullptr;
  typename P::template Atomic<uint64_t> element_count_{0};
};

}  // namespace mapsim::internal

#include "impl/internal/hash_map_inspect_inl.h"  // IWYU pragma: export
