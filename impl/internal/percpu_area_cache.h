// PercpuAreaCache<P>: where a NO_PREALLOC per-CPU hash map gets the per-CPU value area of a new
// element: the kernel's bpf_mem_alloc per-CPU cache (kernel/bpf/memalloc.c), modelled as far as
// users can see it.
//
// Each CPU keeps a LIFO of free areas. Freeing pushes onto the freeing CPU's list; allocating
// pops from the allocating CPU's list, without zeroing, so a program that inserts a key sees the
// padding bytes of the key deleted before it on that CPU (observed on 6.18.44: fact in
// tests/data/diff). The kernel's watermarks for per-CPU caches are low 1 / high 3: a list is
// prefilled with one fresh (zeroed) area, refilled with a fresh area when an allocation empties
// it, and trimmed back to 2 entries (the most recently freed go) when a free pushes it past 3.
// Areas trimmed away or left at teardown are returned after an RCU grace period.
#pragma once

#include <cstdint>
#include <new>
#include <source_location>

#include "impl/assert.h"
#include "impl/inspection/corruption_access.h"
#include "impl/inspection/hash_view.h"
#include "impl/internal/inspect_support.h"
#include "impl/uapi.h"

namespace mapsim::internal {

template <class P>
class PercpuAreaCache {
 public:
  static constexpr uint32_t kLowWatermark = 1;
  static constexpr uint32_t kHighWatermark = 3;
  static constexpr uint32_t kTrimTarget = (kLowWatermark + kHighWatermark) / 2;

  PercpuAreaCache(P& platform, size_t area_bytes)
      : platform_(platform), area_bytes_(area_bytes) {}
  ~PercpuAreaCache() {
    if (lists_ == nullptr) return;
    for (int cpu = 0; cpu < cpu_count_; ++cpu) {
      for (uint32_t index = 0; index < lists_[cpu].size(); ++index) {
        platform_.release(lists_[cpu].at(index));
      }
      lists_[cpu].~List();
    }
    platform_.release(lists_);
  }
  PercpuAreaCache(const PercpuAreaCache&) = delete;
  PercpuAreaCache& operator=(const PercpuAreaCache&) = delete;

  // Returns 0 or -ENOMEM. Prefills one fresh area per CPU.
  int allocate() {
    cpu_count_ = platform_.possible_cpus();
    lists_ = static_cast<List*>(platform_.allocate(sizeof(List) * size_t(cpu_count_)));
    if (lists_ == nullptr) return bpf::kENOMEM;
    for (int cpu = 0; cpu < cpu_count_; ++cpu) {
      new (&lists_[cpu]) List();
      if (!push_fresh(lists_[cpu])) return bpf::kENOMEM;
    }
    return 0;
  }

  // An area for a new element on the current CPU, or nullptr (-ENOMEM).
  unsigned char* take() {
    List& list = lists_[platform_.cpu()];
    if (list.lock.lock() != 0) return fresh_area();  // nested on this CPU: no cache
    unsigned char* area = list.size() > 0 ? list.pop() : nullptr;
    if (area != nullptr && list.size() < kLowWatermark) push_fresh(list);
    list.lock.unlock();
    return area != nullptr ? area : fresh_area();
  }

  // Returns an element's area to the current CPU's list.
  void give_back(unsigned char* area) {
    List& list = lists_[platform_.cpu()];
    if (list.lock.lock() != 0) {
      platform_.release_after_grace_period(area);
      return;
    }
    MAPSIM_ASSERT(list.size() <= kHighWatermark, "lists are trimmed past the high watermark");
    list.push(area);
    unsigned char* trimmed[kHighWatermark + 1];
    uint32_t trimmed_count = 0;
    if (list.size() > kHighWatermark) {
      while (list.size() > kTrimTarget) trimmed[trimmed_count++] = list.pop();
    }
    list.lock.unlock();
    for (uint32_t index = 0; index < trimmed_count; ++index) {
      platform_.release_after_grace_period(trimmed[index]);
    }
  }

  // Test-only view of `cpu`'s list (impl/inspection/hash_view.h).
  PercpuAreaCacheView view(int cpu) const {
    PercpuAreaCacheView view;
    const List& list = lists_[cpu];
    view.locked = inspect_lock_is_locked(list.lock);
    view.count = list.size();
    for (uint32_t index = 0; index < view.count && index <= kHighWatermark; ++index) {
      view.areas.push_back(reinterpret_cast<uintptr_t>(list.at(index)));
    }
    return view;
  }
  bool allocated() const { return lists_ != nullptr; }

 private:
  // A LIFO of free areas; the areas keep their old contents (no link is written into them).
  // Everything but the lock is touched only with the lock held (or before publication).
  // (Accessors pass on the caller's source location for race reports.)
  struct List {
    using Where = std::source_location;
    uint32_t size(Where where = Where::current()) const { return count.read(where); }
    unsigned char* at(uint32_t index, Where where = Where::current()) const {
      return areas[index].read(where);
    }
    void push(unsigned char* area, Where where = Where::current()) {
      const uint32_t size_before = count.read(where);
      areas[size_before].write(area, where);
      count.write(size_before + 1, where);
    }
    unsigned char* pop(Where where = Where::current()) {
      const uint32_t size_after = count.read(where) - 1;
      count.write(size_after, where);
      return areas[size_after].read(where);
    }

    typename P::BucketLock lock;
    typename P::template Plain<unsigned char*> areas[kHighWatermark + 1];
    typename P::template Plain<uint32_t> count{0};
  };

  unsigned char* fresh_area() {
    return static_cast<unsigned char*>(platform_.allocate(area_bytes_));
  }

  bool push_fresh(List& list) {
    unsigned char* area = fresh_area();
    if (area == nullptr) return false;
    list.push(area);
    return true;
  }

  friend struct ::mapsim::MapCorruptionTestOnlyAccess;  // tests that damage it on purpose
  P& platform_;
  size_t area_bytes_;
  List* lists_ = nullptr;
  int cpu_count_ = 0;
};

}  // namespace mapsim::internal
