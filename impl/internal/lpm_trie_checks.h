// The creation checks of BPF_MAP_TYPE_LPM_TRIE (trie_alloc() in kernel/bpf/lpm_trie.c; fact
// sheet 8.1). The type has no alloc_check: every check below runs in the allocation step and
// answers EINVAL.
#pragma once

#include <cstdint>

#include "impl/map_attr.h"

namespace mapsim::internal {

inline constexpr uint32_t kLpmDataSizeMin = 1;
inline constexpr uint32_t kLpmDataSizeMax = 256;
// The largest node (24-byte struct lpm_trie_node, 256 data bytes, the value) fits kmalloc.
inline constexpr uint64_t kLpmNodeHeaderBytes = 24;
inline constexpr uint64_t kLpmValueSizeMax = (uint64_t{4} << 20) - kLpmDataSizeMax -
                                             kLpmNodeHeaderBytes;

// 0 or EINVAL: max_entries 0, BPF_F_NO_PREALLOC missing (it is mandatory), flags outside
// NO_PREALLOC | NUMA_NODE | the access flags, RDONLY_PROG with WRONLY_PROG, key_size outside
// 4 + [1, 256], value_size outside [1, kLpmValueSizeMax].
int lpm_trie_check_attr(const MapAttr& attr);

}  // namespace mapsim::internal
