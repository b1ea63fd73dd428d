// The keys of the array-like maps (ARRAY, PERCPU_ARRAY, DEVMAP): a host-order u32 index, and
// the walk over indexes that array_map_get_next_key() and dev_map_get_next_key() share.
#pragma once

#include <cstdint>
#include <cstring>

#include "impl/uapi.h"

namespace mapsim::internal {

inline uint32_t array_index_of(const void* key) {
  uint32_t index;
  std::memcpy(&index, key, sizeof(index));
  return index;
}

// NULL or an index past the end -> index 0; the last index -> ENOENT; else the next index.
// Every index counts, whether or not the map holds something there (a DEVMAP's empty slots).
inline int array_index_get_next_key(const void* key, void* next_key, uint32_t max_entries) {
  const uint32_t index = key == nullptr ? UINT32_MAX : array_index_of(key);
  uint32_t next = 0;
  if (index < max_entries) {
    if (index == max_entries - 1) return bpf::kENOENT;
    next = index + 1;
  }
  std::memcpy(next_key, &next, sizeof(next));
  return 0;
}

}  // namespace mapsim::internal
