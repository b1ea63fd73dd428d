// What a user asks for when creating a map (the MAP_CREATE fields of union bpf_attr that mapsim
// models), and what the map reports back after the kernel's adjustments (OBJ_GET_INFO_BY_FD).
#pragma once

#include <cstdint>
#include <string>

namespace mapsim {

struct MapAttr {
  uint32_t map_type = 0;      ///< enum bpf_map_type (raw: invalid values are allowed)
  uint32_t key_size = 0;      ///< bytes
  uint32_t value_size = 0;    ///< bytes (per CPU for per-CPU maps)
  uint32_t max_entries = 0;   ///< as requested; LRU per-CPU lists may round it up
  uint32_t map_flags = 0;     ///< BPF_F_* creation flags (raw)
  uint32_t numa_node = 0;     ///< only read with BPF_F_NUMA_NODE
  uint64_t map_extra = 0;     ///< bloom filter: number of hash functions in the low 4 bits
  std::string name;           ///< map_name; must fit 15 characters + NUL

  bool operator==(const MapAttr&) const = default;
};

// The effective attributes, as OBJ_GET_INFO_BY_FD reports them.
struct MapInfo {
  uint32_t map_type = 0;
  uint32_t key_size = 0;
  uint32_t value_size = 0;
  uint32_t max_entries = 0;   ///< after rounding (LRU with BPF_F_NO_COMMON_LRU)
  uint32_t map_flags = 0;     ///< stored flags: RDONLY/WRONLY removed (they belong to the fd)
  uint64_t map_extra = 0;
  std::string name;
};

}  // namespace mapsim
