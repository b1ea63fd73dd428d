// The MAP_CREATE checks that do not depend on the platform (STYLE G4: non-template code in .cc
// files). Each returns 0 or the kernel's negative errno; callers run them in the kernel's order
// (fact sheet 2.2, 3.1, 5.1).
#pragma once

#include <cstdint>

#include "impl/map_attr.h"

namespace mapsim::internal {

// Steps 4-7 of map_create() (kernel/bpf/syscall.c): map_extra, RDONLY+WRONLY, NUMA node, type.
int check_create_common(const MapAttr& attr);

// Step 12: the map name (after allocation, so every earlier error wins).
int check_map_name(const std::string& name);

// BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG together (bpf_map_flags_access_ok).
bool map_flags_access_ok(uint32_t map_flags);

// htab_map_alloc_check() for the four hash-family types.
int htab_alloc_check(const MapAttr& attr);

// The sizing part of htab_map_alloc(): the effective max_entries (BPF_F_NO_COMMON_LRU rounds it
// to a multiple of the possible CPUs) and the bucket count, or E2BIG.
struct HtabSizing {
  uint32_t max_entries = 0;
  uint32_t n_buckets = 0;
};
int htab_compute_sizing(const MapAttr& attr, int possible_cpus, HtabSizing* sizing);

// array_map_alloc_check() for ARRAY and PERCPU_ARRAY.
int array_alloc_check(const MapAttr& attr);

bool is_percpu_value_type(uint32_t map_type);
bool is_lru_type(uint32_t map_type);

}  // namespace mapsim::internal
