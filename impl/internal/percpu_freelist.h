// PercpuFreeList<P>: the free list of preallocated HASH / PERCPU_HASH elements
// (kernel/bpf/percpu_freelist.c; fact sheet 3.12).
//
// One LIFO stack per possible CPU, each behind an rqspinlock-style lock (P::BucketLock).
// - populate: n = count / cpus elements per CPU, one more for the first count % cpus CPUs,
//   consecutive elements pushed in order, so each CPU's last pushed element is popped first.
// - pop: the current CPU's stack first, then the following CPUs in wrap-around order; a stack
//   that looks empty, or whose lock cannot be taken, is skipped. Nothing anywhere -> nullptr.
// - push: onto the current CPU's stack; if its lock fails, onto any other CPU's stack, retrying
//   until one accepts.
// Consequence users can see: a deleted element is reused immediately by the next insert on the
// same CPU (no grace period), so a program still holding a pointer sees the new key's value.
#pragma once

#include <cstdint>
#include <new>

#include "impl/assert.h"
#include "impl/inspection/corruption_access.h"
#include "impl/inspection/hash_view.h"
#include "impl/internal/htab_element.h"
#include "impl/internal/inspect_support.h"

namespace mapsim::internal {

template <class P>
class PercpuFreeList {
 public:
  using Element = HtabElement<P>;

  explicit PercpuFreeList(P& platform) : platform_(platform) {}
  ~PercpuFreeList() {
    if (heads_ == nullptr) return;
    for (int cpu = 0; cpu < cpu_count_; ++cpu) heads_[cpu].~Head();
    platform_.release(heads_);
  }
  PercpuFreeList(const PercpuFreeList&) = delete;
  PercpuFreeList& operator=(const PercpuFreeList&) = delete;

  // Returns 0 or -ENOMEM.
  int allocate() {
    cpu_count_ = platform_.possible_cpus();
    void* memory = platform_.allocate(sizeof(Head) * static_cast<size_t>(cpu_count_));
    if (memory == nullptr) return bpf::kENOMEM;
    heads_ = static_cast<Head*>(memory);
    for (int cpu = 0; cpu < cpu_count_; ++cpu) new (&heads_[cpu]) Head();
    return 0;
  }

  // Distributes `count` elements of `element_size` bytes starting at `pool`.
  // REQUIRES: the list is not yet visible to other CPUs.
  void populate(unsigned char* pool, uint32_t element_size, uint64_t count) {
    const uint64_t per_cpu = count / static_cast<uint64_t>(cpu_count_);
    const uint64_t remainder = count % static_cast<uint64_t>(cpu_count_);
    for (int cpu = 0; cpu < cpu_count_; ++cpu) {
      const uint64_t share = per_cpu + (static_cast<uint64_t>(cpu) < remainder ? 1 : 0);
      for (uint64_t index = 0; index < share; ++index) {
        push_unlocked(heads_[cpu], reinterpret_cast<Element*>(pool));
        pool += element_size;
      }
    }
  }

  Element* pop() {
    const int start = platform_.cpu();
    for (int step = 0; step < cpu_count_; ++step) {
      Head& head = heads_[(start + step) % cpu_count_];
      if (head.first.load() == nullptr) continue;
      if (head.lock.lock() != 0) continue;
      Element* element = head.first.load();
      if (element != nullptr) {
        head.first.store(element->free_next.read());
        element->free_next.write(nullptr);
      }
      head.lock.unlock();
      if (element != nullptr) return element;
    }
    return nullptr;
  }

  void push(Element* element) {
    const int current = platform_.cpu();
    if (try_push(heads_[current], element)) return;
    MAPSIM_ASSERT(cpu_count_ > 1, "a lone CPU's free-list lock cannot fail twice");
    for (;;) {
      for (int step = 1; step < cpu_count_; ++step) {
        if (try_push(heads_[(current + step) % cpu_count_], element)) return;
      }
    }
  }

  // Test-only view of `cpu`'s stack (impl/inspection/hash_view.h): at most `walk_limit`
  // elements; `identify` as for hash_table_view() (impl/internal/hash_table_inspect.h).
  template <class Identify>
  HashFreeListView view(int cpu, uint64_t walk_limit, Identify&& identify) const {
    HashFreeListView view;
    view.locked = inspect_lock_is_locked(heads_[cpu].lock);
    for (const Element* element = heads_[cpu].first.load(); element != nullptr;
         element = element->free_next.read()) {
      if (view.elements.size() >= walk_limit) {
        view.cut = true;
        break;
      }
      if (!identify(element, &view.elements.emplace_back())) break;
    }
    return view;
  }

  // Elements currently on `cpu`'s stack; for tests and invariants of a quiescent map.
  uint64_t count_quiescent(int cpu) const {
    uint64_t count = 0;
    for (Element* element = heads_[cpu].first.load(); element != nullptr;
         element = element->free_next.read()) {
      ++count;
    }
    return count;
  }

 private:
  struct Head {
    typename P::BucketLock lock;
    // Read without the lock as a quick emptiness check (READ_ONCE in the kernel).
    typename P::template Racy<Element*> first{nullptr};
  };

  static void push_unlocked(Head& head, Element* element) {
    element->free_next.write(head.first.load());
    head.first.store(element);
  }

  static bool try_push(Head& head, Element* element) {
    if (head.lock.lock() != 0) return false;
    push_unlocked(head, element);
    head.lock.unlock();
    return true;
  }

  friend struct ::mapsim::MapCorruptionTestOnlyAccess;  // tests that damage it on purpose
  P& platform_;
  Head* heads_ = nullptr;
  int cpu_count_ = 0;
};

}  // namespace mapsim::internal
