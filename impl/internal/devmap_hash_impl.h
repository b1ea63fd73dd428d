// DevMapHash<P>: BPF_MAP_TYPE_DEVMAP_HASH (kernel/bpf/devmap.c, dev_map_hash_*; fact sheet 6.4).
//
// n_buckets = roundup_pow_of_two(max_entries) chains; the bucket of a key is
// key & (n_buckets - 1), no hash function. Chains are singly linked, newest first. One map
// lock (the kernel's index_lock, a spin lock) serialises writers and guards `items_`, the entry
// count; lookups and get_next_key walk the chains lock-free inside an RCU read section, and
// removed entries are freed after a grace period (never reused early, so plain lists are safe).
//
// Results:
// - update: flags > BPF_EXIST or ifindex 0 -> EINVAL (before the lock); under the lock:
//   present + BPF_NOEXIST -> EEXIST; BPF_EXIST is *not* enforced (a missing key is inserted);
//   the new entry is validated (ENOMEM / EINVAL) before the capacity check; a new key with
//   items >= max_entries -> E2BIG; a replaced key moves to the head of its chain.
// - lookup / delete: absent -> ENOENT.
// - get_next_key: the hash family's algorithm with this bucket index: NULL or a missing key ->
//   the first entry; else the next entry of the chain, else the head of the next non-empty
//   bucket; the end -> ENOENT.
// No lookup_and_delete and no batch ops (ENOTSUPP, the Map defaults).
#pragma once

#include <cstring>
#include <memory>

#include "impl/assert.h"
#include "impl/inspection/corruption_access.h"
#include "impl/internal/devmap_checks.h"
#include "impl/internal/devmap_entry.h"
#include "impl/internal/inspect_support.h"
#include "impl/map.h"
#include "impl/map_inspection.h"
#include "impl/uapi.h"

namespace mapsim::internal {

template <class P>
class DevMapHash final : public Map {
 public:
  using Entry = DevmapEntry<P>;
  using Head = typename P::template Atomic<uintptr_t>;

  // REQUIRES: devmap_alloc_check(attr) passed and attr.map_type is DEVMAP_HASH.
  static int create(P& platform, const MapAttr& attr, std::unique_ptr<Map>* out) {
    MapInfo info{attr.map_type, attr.key_size, attr.value_size, attr.max_entries,
                 attr.map_flags | bpf::kFRdonlyProg, attr.map_extra, attr.name};
    auto map = std::unique_ptr<DevMapHash>(new DevMapHash(platform, info));
    const uint32_t n_buckets = devmap_hash_bucket_count(attr.max_entries);
    void* memory = platform.allocate(uint64_t{n_buckets} * sizeof(Head));
    if (memory == nullptr) return bpf::kENOMEM;
    map->heads_ = static_cast<Head*>(memory);
    for (uint32_t index = 0; index < n_buckets; ++index) new (&map->heads_[index]) Head(0);
    map->n_buckets_ = n_buckets;
    *out = std::move(map);
    return 0;
  }

  ~DevMapHash() override {
    for (uint32_t index = 0; index < n_buckets_; ++index) {
      uintptr_t link = heads_[index].load(std::memory_order_relaxed);
      while (link != 0) {
        Entry* entry = reinterpret_cast<Entry*>(link);
        link = entry->next.load(std::memory_order_relaxed);
        devmap_entry_destroy_now(platform_, entry);
      }
      heads_[index].~Head();
    }
    platform_.release(heads_);
  }

  // dev_map_hash_lookup_elem(). REQUIRES: the caller is inside an RCU read section.
  void* prog_lookup(const void* key) override {
    Entry* entry = find(key_of(key), std::memory_order_acquire);
    return entry == nullptr ? nullptr : &entry->value;
  }
  int prog_update(const void* key, const void* value, uint64_t flags) override {
    return update(key, value, flags);
  }
  int prog_delete(const void* key) override { return remove(key); }

  uint32_t n_buckets() const { return n_buckets_; }
  // Test-only view of the chains (impl/inspection/devmap_view.h).
  MapInspection inspect() const override;

 protected:
  int sys_lookup(const void* key, void* value) override {
    RcuReadGuard<P> rcu(platform_);
    const void* found = prog_lookup(key);
    if (found == nullptr) return bpf::kENOENT;
    P::copy_racy(value, found, value_size());
    return 0;
  }
  int sys_update(const void* key, const void* value, uint64_t flags) override {
    RcuReadGuard<P> rcu(platform_);
    return update(key, value, flags);
  }
  int sys_delete(const void* key) override {
    RcuReadGuard<P> rcu(platform_);
    return remove(key);
  }
  int sys_get_next_key(const void* key, void* next_key) override;

 private:
  DevMapHash(P& platform, const MapInfo& info) : Map(info), platform_(platform) {}

  static uint32_t key_of(const void* key) {
    uint32_t value;
    std::memcpy(&value, key, sizeof(value));
    return value;
  }
  Head& head_for(uint32_t key) { return heads_[key & (n_buckets_ - 1)]; }

  // __dev_map_hash_lookup_elem(): relaxed loads under the lock, acquire loads under RCU.
  Entry* find(uint32_t key, std::memory_order order) {
    uintptr_t link = head_for(key).load(order);
    while (link != 0) {
      Entry* entry = reinterpret_cast<Entry*>(link);
      if (entry->key.read() == key) return entry;
      link = entry->next.load(order);
    }
    return nullptr;
  }

  // REQUIRES: lock_ is held. The unlinked entry keeps its `next`, so a reader standing on it
  // walks on (hlist_del_rcu).
  void unlink_locked(Entry* target) {
    Head* link = &head_for(target->key.read());
    for (;;) {
      const uintptr_t value = link->load(std::memory_order_relaxed);
      MAPSIM_ASSERT(value != 0, "the entry is in its key's chain");
      Entry* current = reinterpret_cast<Entry*>(value);
      if (current == target) {
        link->store(target->next.load(std::memory_order_relaxed), std::memory_order_release);
        return;
      }
      link = &current->next;
    }
  }

  // REQUIRES: lock_ is held; `entry` is complete (hlist_add_head_rcu publishes it).
  void insert_head_locked(Entry* entry) {
    Head& head = head_for(entry->key.read());
    entry->next.store(head.load(std::memory_order_relaxed), std::memory_order_relaxed);
    head.store(reinterpret_cast<uintptr_t>(entry), std::memory_order_release);
  }

  int update(const void* key, const void* value, uint64_t flags);
  int remove(const void* key);

  friend struct ::mapsim::MapCorruptionTestOnlyAccess;  // tests that damage it on purpose
  P& platform_;
  typename P::SpinLock lock_;  ///< index_lock: chain links and items_
  typename P::template Plain<uint32_t> items_{0};  ///< entries in the map; guarded by lock_
  Head* heads_ = nullptr;
  uint32_t n_buckets_ = 0;
};

// __dev_map_hash_update_elem().
template <class P>
int DevMapHash<P>::update(const void* key, const void* value, uint64_t flags) {
  const DevmapValue written = devmap_value_from_user(value, value_size());
  if (flags > bpf::kExist || written.ifindex == 0) return bpf::kEINVAL;
  const uint32_t index = key_of(key);
  lock_.lock();
  Entry* old_entry = find(index, std::memory_order_relaxed);
  if (old_entry != nullptr && (flags & bpf::kNoExist)) {
    lock_.unlock();
    return bpf::kEEXIST;
  }
  int error = 0;
  Entry* entry = devmap_entry_create(platform_, written, index, &error);
  if (entry == nullptr) {
    lock_.unlock();
    return error;
  }
  if (old_entry != nullptr) {
    unlink_locked(old_entry);
  } else if (items_.read() >= max_entries()) {
    lock_.unlock();
    devmap_entry_destroy_now(platform_, entry);  // never published
    return bpf::kE2BIG;
  } else {
    items_.write(items_.read() + 1);
  }
  insert_head_locked(entry);
  lock_.unlock();
  if (old_entry != nullptr) devmap_entry_destroy_after_grace_period(platform_, old_entry);
  return 0;
}

// dev_map_hash_delete_elem().
template <class P>
int DevMapHash<P>::remove(const void* key) {
  lock_.lock();
  Entry* entry = find(key_of(key), std::memory_order_relaxed);
  if (entry != nullptr) {
    items_.write(items_.read() - 1);
    unlink_locked(entry);
  }
  lock_.unlock();
  if (entry == nullptr) return bpf::kENOENT;
  devmap_entry_destroy_after_grace_period(platform_, entry);
  return 0;
}

template <class P>
MapInspection DevMapHash<P>::inspect() const {
  DevMapHashView view;
  view.max_entries = max_entries();
  view.n_buckets = n_buckets_;
  view.items = items_.read();
  view.locked = inspect_lock_is_locked(lock_);
  view.walk_limit = max_entries() * 2 + 64;
  view.buckets.resize(n_buckets_);
  for (uint32_t index = 0; index < n_buckets_; ++index) {
    DevMapHashView::Chain& chain = view.buckets[index];
    for (uintptr_t link = heads_[index].load(std::memory_order_relaxed); link != 0;) {
      if (chain.entries.size() >= view.walk_limit) {
        chain.cut = true;
        break;
      }
      const Entry* entry = reinterpret_cast<const Entry*>(link);
      chain.entries.push_back(devmap_entry_view(entry));
      link = entry->next.load(std::memory_order_relaxed);
    }
  }
  return MapInspection{view};
}

// dev_map_hash_get_next_key().
template <class P>
int DevMapHash<P>::sys_get_next_key(const void* key, void* next_key) {
  RcuReadGuard<P> rcu(platform_);
  uint32_t bucket = 0;
  if (key != nullptr) {
    const uint32_t index = key_of(key);
    if (Entry* entry = find(index, std::memory_order_acquire)) {
      const uintptr_t next = entry->next.load(std::memory_order_acquire);
      if (next != 0) {
        const uint32_t next_index = reinterpret_cast<Entry*>(next)->key.read();
        std::memcpy(next_key, &next_index, sizeof(next_index));
        return 0;
      }
      bucket = (index & (n_buckets_ - 1)) + 1;
    }
  }
  for (; bucket < n_buckets_; ++bucket) {
    const uintptr_t head = heads_[bucket].load(std::memory_order_acquire);
    if (head != 0) {
      const uint32_t head_index = reinterpret_cast<Entry*>(head)->key.read();
      std::memcpy(next_key, &head_index, sizeof(head_index));
      return 0;
    }
  }
  return bpf::kENOENT;
}

}  // namespace mapsim::internal
