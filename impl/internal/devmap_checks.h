// MAP_CREATE checks of DEVMAP and DEVMAP_HASH (dev_map_alloc / dev_map_init_map in
// kernel/bpf/devmap.c; fact sheet 6.1). Non-template (STYLE G4).
#pragma once

#include <cstdint>

#include "impl/map_attr.h"

namespace mapsim::internal {

// The creation flags a device map accepts: BPF_F_NUMA_NODE, BPF_F_RDONLY, BPF_F_WRONLY. Every
// other flag (RDONLY_PROG and WRONLY_PROG included) is EINVAL.
int devmap_alloc_check(const MapAttr& attr);

// DEVMAP_HASH: roundup_pow_of_two(max_entries). REQUIRES: devmap_alloc_check(attr) passed,
// which rejects max_entries > 2^31 (the kernel's u32 bucket count overflows to 0: EINVAL).
uint32_t devmap_hash_bucket_count(uint32_t max_entries);

}  // namespace mapsim::internal
