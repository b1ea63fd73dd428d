// LruCpuArray<P, T>: one T per possible CPU, in memory from the platform (so that it counts
// against the platform's budget and can fail with -ENOMEM like the kernel's alloc_percpu),
// aligned to alignof(T) so that cache-line-aligned per-CPU structures really own their lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

#include "impl/assert.h"
#include "impl/uapi.h"

namespace mapsim {

template <class P, class T>
class LruCpuArray {
 public:
  explicit LruCpuArray(P& platform) : platform_(platform) {}
  ~LruCpuArray() { reset(); }
  LruCpuArray(const LruCpuArray&) = delete;
  LruCpuArray& operator=(const LruCpuArray&) = delete;

  // Allocates and default-constructs `count` elements. Returns 0 or -ENOMEM.
  // REQUIRES: not allocated yet.
  [[nodiscard]] int allocate(int count) {
    MAPSIM_ASSERT(block_ == nullptr, "allocate() once");
    MAPSIM_ASSERT(count >= 1, "at least one CPU");
    const size_t bytes = sizeof(T) * static_cast<size_t>(count) + alignof(T);
    block_ = platform_.allocate(bytes);
    if (block_ == nullptr) return bpf::kENOMEM;
    const auto address = reinterpret_cast<uintptr_t>(block_);
    const uintptr_t aligned = (address + alignof(T) - 1) / alignof(T) * alignof(T);
    elements_ = reinterpret_cast<T*>(aligned);
    for (int index = 0; index < count; ++index) new (&elements_[index]) T();
    count_ = count;
    return 0;
  }

  int size() const { return count_; }
  T& operator[](int cpu) {
    MAPSIM_ASSERT(cpu >= 0 && cpu < count_, "CPU outside the possible CPUs");
    return elements_[cpu];
  }
  const T& operator[](int cpu) const {
    MAPSIM_ASSERT(cpu >= 0 && cpu < count_, "CPU outside the possible CPUs");
    return elements_[cpu];
  }

 private:
  void reset() {
    for (int index = count_ - 1; index >= 0; --index) std::destroy_at(&elements_[index]);
    if (block_ != nullptr) platform_.release(block_);
    block_ = nullptr;
    elements_ = nullptr;
    count_ = 0;
  }

  P& platform_;
  void* block_ = nullptr;   ///< what the platform handed out (released as is)
  T* elements_ = nullptr;   ///< block_ rounded up to alignof(T)
  int count_ = 0;
};

}  // namespace mapsim
