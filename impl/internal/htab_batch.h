// The hash family's bucket-based LOOKUP_BATCH and LOOKUP_AND_DELETE_BATCH
// (__htab_map_lookup_and_delete_batch in kernel/bpf/hashtab.c; fact sheet 3.9).
//
// The token is a u32 bucket index. From it, buckets are visited in order: an empty bucket is
// skipped without locking; a non-empty one is locked (its bucket lock, which may fail with
// EDEADLK / ETIMEDOUT like any 6.18 bucket lock) and recounted, and then either copied whole
// (key and value of every element, chain order, head first) or, if it does not fit in what is
// left of *count, not at all: the walk stops there, ENOSPC if nothing was copied yet, else 0.
// A bucket is never split between calls, so a caller whose count is smaller than the biggest
// bucket can never get past it. With do_delete the copied elements are unlinked under the same
// lock and freed after it is dropped, in the kernel's order (the last element of the chain
// first: the kernel pushes them on a list through batch_flink and pops them). Running past the
// last bucket is ENOENT, with whatever was gathered.
//
// On return (except the early EINVAL / ENOENT / count-0 exits) out_batch holds the bucket to
// start the next call at, and *count the number of elements copied.
//
// Concurrency: the copy of one bucket is atomic with respect to writers of that bucket (they
// take the same lock), but a walk over many buckets is not a snapshot: an update that moves a
// key from a bucket not yet visited into one already visited, or a delete racing with the
// walk, is seen as the kernel's walk would see it.
#pragma once

#include <cstdint>
#include <cstring>

#include "impl/internal/hash_table.h"
#include "impl/map_batch.h"
#include "impl/uapi.h"

namespace mapsim::internal {

// Elements in `bucket`'s chain. Lock-free (inside an RCU read section) or under its lock.
template <class P>
uint32_t htab_chain_length(typename HashTable<P>::Bucket& bucket, std::memory_order order) {
  uint32_t length = 0;
  uintptr_t link = bucket.head.load(order);
  while (!is_nulls_marker(link)) {
    ++length;
    link = reinterpret_cast<HtabElement<P>*>(link)->next.load(order);
  }
  return length;
}

// The flavour-specific parts: how a value is copied out (syscall layout: every CPU's slot for
// per-CPU maps) and how an unlinked element is freed (free list, allocator or LRU).
template <class P, class CopyValue, class FreeElement>
struct HtabBatchFlavour {
  CopyValue copy_value;      ///< void(HtabElement<P>*, void* destination)
  FreeElement free_element;  ///< void(HtabElement<P>*); called without any bucket lock held
  size_t value_bytes;        ///< bytes of one copied value (Map::syscall_value_size())
};

template <class P, class Flavour>
class HtabBatchWalk {
 public:
  using Element = HtabElement<P>;
  using Bucket = typename HashTable<P>::Bucket;

  HtabBatchWalk(P& platform, HashTable<P>& table, const BatchCall& call, const Flavour& flavour,
                bool do_delete)
      : platform_(platform), table_(table), call_(call), flavour_(flavour),
        do_delete_(do_delete) {}

  int run() {
    // The early exits write neither count (beyond its reset) nor out_batch.
    if (call_.options.elem_flags != 0) return bpf::kEINVAL;  // BPF_F_LOCK: no spin lock
    if (call_.options.flags != 0) return bpf::kEINVAL;
    const uint32_t max_count = *call_.count;
    if (max_count == 0) return 0;
    *call_.count = 0;
    uint32_t batch = 0;
    if (call_.in_batch != nullptr) std::memcpy(&batch, call_.in_batch, sizeof(batch));
    if (batch >= table_.n_buckets()) return bpf::kENOENT;
    uint32_t total = 0;
    const int result = walk(max_count, &batch, &total);
    std::memcpy(call_.out_batch, &batch, sizeof(batch));
    *call_.count = total;
    return result;
  }

 private:
  // From bucket *batch on; leaves *batch at the bucket the next call starts with.
  int walk(uint32_t max_count, uint32_t* batch, uint32_t* total) {
    for (;;) {
      Bucket& bucket = table_.bucket_at(*batch);
      uint32_t copied = 0;
      {
        RcuReadGuard<P> rcu(platform_);
        if (htab_chain_length<P>(bucket, std::memory_order_acquire) != 0) {
          if (int error = bucket.lock.lock()) return error;
          const uint32_t length = htab_chain_length<P>(bucket, std::memory_order_relaxed);
          if (length > max_count - *total) {
            bucket.lock.unlock();
            return *total == 0 ? bpf::kENOSPC : 0;
          }
          copied = copy_bucket_locked(bucket, *total);
        }
      }
      *total += copied;
      ++*batch;
      if (*batch >= table_.n_buckets()) return bpf::kENOENT;
    }
  }

  // Copies (and with do_delete unlinks) every element of `bucket` to entries first, first+1,
  // ...; unlocks the bucket, then frees what it unlinked. Returns the number copied.
  // REQUIRES: bucket.lock is held by this CPU; the caller is inside an RCU read section.
  uint32_t copy_bucket_locked(Bucket& bucket, uint32_t first) {
    const uint32_t key_size = table_.layout().key_size;
    auto* keys = static_cast<unsigned char*>(call_.keys);
    auto* values = static_cast<unsigned char*>(call_.values);
    Element* to_free = nullptr;  // linked through free_next, like the kernel's batch_flink
    uint32_t copied = 0;
    uintptr_t link = bucket.head.load(std::memory_order_relaxed);
    while (!is_nulls_marker(link)) {
      Element* element = reinterpret_cast<Element*>(link);
      link = element->next.load(std::memory_order_relaxed);
      const size_t entry = size_t{first} + copied;
      P::copy_racy(keys + entry * key_size, table_.key_of(element), key_size);
      flavour_.copy_value(element, values + entry * flavour_.value_bytes);
      if (do_delete_) {
        table_.unlink_locked(bucket, element);
        element->free_next.write(to_free);
        to_free = element;
      }
      ++copied;
    }
    bucket.lock.unlock();
    while (to_free != nullptr) {
      Element* element = to_free;
      to_free = element->free_next.read();
      flavour_.free_element(element);
    }
    return copied;
  }

  P& platform_;
  HashTable<P>& table_;
  const BatchCall& call_;
  const Flavour& flavour_;
  const bool do_delete_;
};

template <class P, class CopyValue, class FreeElement>
int htab_lookup_batch(P& platform, HashTable<P>& table, const BatchCall& call,
                      size_t value_bytes, bool do_delete, CopyValue copy_value,
                      FreeElement free_element) {
  using Flavour = HtabBatchFlavour<P, CopyValue, FreeElement>;
  const Flavour flavour{copy_value, free_element, value_bytes};
  return HtabBatchWalk<P, Flavour>(platform, table, call, flavour, do_delete).run();
}

}  // namespace mapsim::internal
