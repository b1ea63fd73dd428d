// Helpers for the test-only inspection views (impl/map_inspection.h): reading lock state and
// naming pool members without asserting, so that a view of a corrupt map can still be taken.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mapsim::internal {

// Whether `lock` is held by anyone. Locks that cannot tell (test platforms) count as free.
template <class Lock>
bool inspect_lock_is_locked(const Lock& lock) {
  if constexpr (requires { lock.is_locked(); }) {
    return lock.is_locked();
  } else {
    return false;
  }
}

// The index of `address` in an array of `count` objects of `stride` bytes at `first`, or
// `count` when it is not the start of one of them.
inline uint64_t inspect_pool_index(const void* address, const void* first, size_t stride,
                                   uint64_t count) {
  const auto at = reinterpret_cast<uintptr_t>(address);
  const auto base = reinterpret_cast<uintptr_t>(first);
  if (first == nullptr || stride == 0 || at < base) return count;
  const uintptr_t offset = at - base;
  if (offset % stride != 0 || offset / stride >= count) return count;
  return offset / stride;
}

}  // namespace mapsim::internal
