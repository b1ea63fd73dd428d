// HashTable<P>: the bucket array shared by every hash-family map (HASH, PERCPU_HASH, LRU_HASH,
// LRU_PERCPU_HASH); the kernel's htab buckets and hlist_nulls chains (kernel/bpf/hashtab.c).
//
// What the bucket lock protects: the chain of its bucket (links of the elements in it, and
// which elements are in it). Readers (lookups, get_next_key) take no lock: they walk inside an
// RCU read section and restart when they end on another bucket's nulls marker
// (htab_element.h). The lock is the 6.18 rqspinlock: acquiring it fails with -EDEADLK when the
// same CPU already holds it (a program nested on that CPU) instead of deadlocking, and that
// error is returned to the caller unchanged.
//
// Order: elements are inserted at the head of their chain, so iteration order is bucket 0..n-1
// and, inside a bucket, newest first (fact sheet 3.4). This class knows nothing of values, free
// lists or capacity: the map flavours do.
#pragma once

#include <cstdint>
#include <cstring>
#include <new>

#include "impl/assert.h"
#include "impl/internal/htab_element.h"
#include "impl/jhash.h"
#include "impl/mutant.h"
#include "impl/platform.h"
#include "impl/uapi.h"

namespace mapsim::internal {

template <class P>
class HashTable {
 public:
  using Element = HtabElement<P>;

  struct Bucket {
    typename P::template Atomic<uintptr_t> head{0};
    typename P::BucketLock lock;
  };

  HashTable(P& platform, const HtabLayout& layout, uint32_t seed)
      : platform_(platform), layout_(layout), seed_(seed) {}
  ~HashTable() { release_buckets(); }
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;

  // REQUIRES: n_buckets is a power of two. Returns 0 or -ENOMEM.
  int allocate_buckets(uint32_t n_buckets) {
    MAPSIM_ASSERT(n_buckets != 0 && (n_buckets & (n_buckets - 1)) == 0, "power of two");
    void* memory = platform_.allocate(uint64_t{n_buckets} * sizeof(Bucket));
    if (memory == nullptr) return bpf::kENOMEM;
    buckets_ = static_cast<Bucket*>(memory);
    for (uint32_t index = 0; index < n_buckets; ++index) {
      Bucket* bucket = new (&buckets_[index]) Bucket();
      bucket->head.store(nulls_marker(index), std::memory_order_relaxed);
    }
    n_buckets_ = n_buckets;
    return 0;
  }

  const HtabLayout& layout() const { return layout_; }
  uint32_t n_buckets() const { return n_buckets_; }
  uint32_t seed() const { return seed_; }

  uint32_t hash_key(const void* key) const { return htab_key_hash(key, layout_.key_size, seed_); }
  uint32_t bucket_index(uint32_t hash) const { return hash & (n_buckets_ - 1); }
  Bucket& bucket_for(uint32_t hash) { return buckets_[bucket_index(hash)]; }
  Bucket& bucket_at(uint32_t index) { return buckets_[index]; }
  const Bucket& bucket_at(uint32_t index) const { return buckets_[index]; }

  unsigned char* key_of(Element* element) const {
    return reinterpret_cast<unsigned char*>(element) + layout_.key_offset;
  }
  unsigned char* node_area_of(Element* element) const {
    return reinterpret_cast<unsigned char*>(element) + layout_.node_offset;
  }
  unsigned char* value_area_of(Element* element) const {
    return reinterpret_cast<unsigned char*>(element) + layout_.value_offset;
  }

  // Lock-free lookup (the kernel's lookup_nulls_elem_raw).
  // REQUIRES: the caller is inside an RCU read section.
  Element* lookup_rcu(uint32_t hash, const void* key) {
    const uint32_t index = bucket_index(hash);
    for (;;) {
      uintptr_t link = buckets_[index].head.load(std::memory_order_acquire);
      while (!is_nulls_marker(link)) {
        Element* element = reinterpret_cast<Element*>(link);
        if (matches(element, hash, key)) return element;
        link = element->next.load(std::memory_order_acquire);
      }
      // Ended on another bucket's marker: the walk was diverted by a reused element. Retry.
      if (nulls_bucket(link) == index) return nullptr;
    }
  }

  // Lookup under the bucket lock (the kernel's lookup_elem_raw).
  // REQUIRES: bucket.lock is held by this CPU.
  Element* lookup_locked(Bucket& bucket, uint32_t hash, const void* key) {
    uintptr_t link = bucket.head.load(std::memory_order_relaxed);
    while (!is_nulls_marker(link)) {
      Element* element = reinterpret_cast<Element*>(link);
      if (matches(element, hash, key)) return element;
      link = element->next.load(std::memory_order_relaxed);
    }
    return nullptr;
  }

  // Publishes `element` at the head of `bucket`; its key and value must be written already.
  // REQUIRES: bucket.lock is held by this CPU.
  void insert_head_locked(Bucket& bucket, Element* element) {
    if (mutant_active<P>(Mutant::kHashInsertAtTail)) {
      insert_tail_locked(bucket, element);
      return;
    }
    element->next.store(bucket.head.load(std::memory_order_relaxed), std::memory_order_relaxed);
    bucket.head.store(reinterpret_cast<uintptr_t>(element), std::memory_order_release);
  }

  // Mutant hash-insert-at-tail only: `element` becomes the last of its chain.
  // REQUIRES: bucket.lock is held by this CPU.
  void insert_tail_locked(Bucket& bucket, Element* element) {
    typename P::template Atomic<uintptr_t>* link = &bucket.head;
    uintptr_t value = link->load(std::memory_order_relaxed);
    while (!is_nulls_marker(value)) {
      link = &reinterpret_cast<Element*>(value)->next;
      value = link->load(std::memory_order_relaxed);
    }
    element->next.store(value, std::memory_order_relaxed);
    link->store(reinterpret_cast<uintptr_t>(element), std::memory_order_release);
  }

  // Unlinks `element` from `bucket`. Its own `next` is left intact so a reader standing on it
  // can walk on (hlist_nulls_del_rcu). Returns false if it was not in the chain.
  // REQUIRES: bucket.lock is held by this CPU.
  bool unlink_locked(Bucket& bucket, Element* element) {
    typename P::template Atomic<uintptr_t>* link = &bucket.head;
    for (;;) {
      uintptr_t value = link->load(std::memory_order_relaxed);
      if (is_nulls_marker(value)) return false;
      Element* current = reinterpret_cast<Element*>(value);
      if (current == element) {
        link->store(element->next.load(std::memory_order_relaxed), std::memory_order_release);
        return true;
      }
      link = &current->next;
    }
  }

  // BPF_MAP_GET_NEXT_KEY (fact sheet 3.8): NULL or a missing key restarts at the first element;
  // otherwise the next element of the key's chain, else the head of the next non-empty bucket.
  int get_next_key(const void* key, void* next_key) {
    RcuReadGuard<P> rcu(platform_);
    uint32_t index = 0;
    if (key != nullptr) {
      const uint32_t hash = hash_key(key);
      if (Element* element = lookup_rcu(hash, key)) {
        uintptr_t link = element->next.load(std::memory_order_acquire);
        if (!is_nulls_marker(link)) {
          P::copy_racy(next_key, key_of(reinterpret_cast<Element*>(link)), layout_.key_size);
          return 0;
        }
        index = bucket_index(hash) + 1;
      }
    }
    for (; index < n_buckets_; ++index) {
      uintptr_t link = buckets_[index].head.load(std::memory_order_acquire);
      if (!is_nulls_marker(link)) {
        P::copy_racy(next_key, key_of(reinterpret_cast<Element*>(link)), layout_.key_size);
        return 0;
      }
    }
    return bpf::kENOENT;
  }

  // Visits every element in iteration order; for tests and inspection of a quiescent map.
  template <class Visitor>
  void for_each_quiescent(Visitor&& visit) {
    for (uint32_t index = 0; index < n_buckets_; ++index) {
      uintptr_t link = buckets_[index].head.load(std::memory_order_acquire);
      while (!is_nulls_marker(link)) {
        Element* element = reinterpret_cast<Element*>(link);
        link = element->next.load(std::memory_order_acquire);
        visit(index, element);
      }
      MAPSIM_ASSERT(nulls_bucket(link) == index, "a chain ends on its own bucket's marker");
    }
  }

 private:
  bool matches(Element* element, uint32_t hash, const void* key) const {
    return element->hash.load() == hash &&
           P::equal_racy(key_of(element), key, layout_.key_size);
  }

  void release_buckets() {
    if (buckets_ == nullptr) return;
    for (uint32_t index = 0; index < n_buckets_; ++index) buckets_[index].~Bucket();
    platform_.release(buckets_);
    buckets_ = nullptr;
  }

  P& platform_;
  HtabLayout layout_;
  uint32_t seed_;
  Bucket* buckets_ = nullptr;
  uint32_t n_buckets_ = 0;
};

}  // namespace mapsim::internal
