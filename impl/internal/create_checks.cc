#include "impl/internal/create_checks.h"

#include <climits>

#include "impl/uapi.h"

namespace mapsim::internal {
namespace {

using namespace mapsim::bpf;

// The single NUMA node of the machines mapsim models (nr_node_ids == 1).
constexpr uint32_t kNumaNodeCount = 1;
constexpr uint32_t kNumaNoNode = 0xffffffffu;  // NUMA_NO_NODE as the u32 attribute field

constexpr uint32_t kAccessMask = kFRdonly | kFRdonlyProg | kFWronly | kFWronlyProg;
constexpr uint32_t kHtabCreateFlagMask =
    kFNoPrealloc | kFNoCommonLru | kFNumaNode | kAccessMask | kFZeroSeed;
constexpr uint32_t kArrayCreateFlagMask =
    kFNumaNode | kFMmapable | kAccessMask | kFPreserveElems | kFInnerMap;

uint32_t attr_numa_node(const MapAttr& attr) {
  return (attr.map_flags & kFNumaNode) ? attr.numa_node : kNumaNoNode;
}

uint32_t roundup_pow_of_two(uint32_t value) {
  uint32_t result = 1;
  while (result < value) result <<= 1;
  return result;
}

}  // namespace

bool map_flags_access_ok(uint32_t map_flags) {
  return (map_flags & (kFRdonlyProg | kFWronlyProg)) != (kFRdonlyProg | kFWronlyProg);
}

bool is_percpu_value_type(uint32_t map_type) {
  return map_type == kMapPercpuHash || map_type == kMapLruPercpuHash ||
         map_type == kMapPercpuArray;
}

bool is_lru_type(uint32_t map_type) {
  return map_type == kMapLruHash || map_type == kMapLruPercpuHash;
}

int check_create_common(const MapAttr& attr) {
  if (attr.map_extra != 0 && attr.map_type != kMapBloomFilter && attr.map_type != kMapArena) {
    return kEINVAL;
  }
  if ((attr.map_flags & kFRdonly) && (attr.map_flags & kFWronly)) return kEINVAL;
  const uint32_t numa_node = attr_numa_node(attr);
  if (numa_node != kNumaNoNode && numa_node >= kNumaNodeCount) return kEINVAL;
  if (attr.map_type == kMapUnspec || attr.map_type >= kMapTypeCount) return kEINVAL;
  return 0;
}

int check_map_name(const std::string& name) {
  // The attribute holds 16 bytes; the scan stops at the first NUL and needs one within them.
  for (size_t index = 0; index < kObjNameLen; ++index) {
    const char character = index < name.size() ? name[index] : '\0';
    if (character == '\0') return 0;
    const bool allowed = (character >= 'a' && character <= 'z') ||
                         (character >= 'A' && character <= 'Z') ||
                         (character >= '0' && character <= '9') || character == '_' ||
                         character == '.';
    if (!allowed) return kEINVAL;
  }
  return kEINVAL;
}

int htab_alloc_check(const MapAttr& attr) {
  const bool percpu = attr.map_type == kMapPercpuHash || attr.map_type == kMapLruPercpuHash;
  const bool lru = is_lru_type(attr.map_type);
  const bool percpu_lru = (attr.map_flags & kFNoCommonLru) != 0;
  const bool prealloc = (attr.map_flags & kFNoPrealloc) == 0;
  // BPF_F_ZERO_SEED needs CAP_SYS_ADMIN (EPERM otherwise); mapsim runs as a privileged user.
  if ((attr.map_flags & ~kHtabCreateFlagMask) || !map_flags_access_ok(attr.map_flags)) {
    return kEINVAL;
  }
  if (!lru && percpu_lru) return kEINVAL;
  if (lru && !prealloc) return kENOTSUPP;
  if (attr_numa_node(attr) != kNumaNoNode && (percpu || percpu_lru)) return kEINVAL;
  if (attr.max_entries == 0 || attr.key_size == 0 || attr.value_size == 0) return kEINVAL;
  if (uint64_t{attr.key_size} + attr.value_size >= kKmallocMaxSize - kHtabElemHeaderSize) {
    return kE2BIG;
  }
  if (percpu && round_up(attr.value_size, 8) > kPcpuMinUnitSize) return kE2BIG;
  return 0;
}

int htab_compute_sizing(const MapAttr& attr, int possible_cpus, HtabSizing* sizing) {
  uint32_t max_entries = attr.max_entries;
  if (attr.map_flags & kFNoCommonLru) {
    // u32 arithmetic as in the kernel's roundup(): on overflow, round down instead.
    const uint32_t cpus = static_cast<uint32_t>(possible_cpus);
    const uint32_t rounded_up = (max_entries + (cpus - 1)) / cpus * cpus;
    max_entries = rounded_up >= max_entries ? rounded_up : max_entries / cpus * cpus;
  }
  if (max_entries > (1u << 31)) return kE2BIG;
  const uint32_t n_buckets = roundup_pow_of_two(max_entries);
  if (n_buckets > UINT32_MAX / kHtabBucketSize) return kE2BIG;
  sizing->max_entries = max_entries;
  sizing->n_buckets = n_buckets;
  return 0;
}

int array_alloc_check(const MapAttr& attr) {
  const bool percpu = attr.map_type == kMapPercpuArray;
  if (attr.max_entries == 0 || attr.key_size != 4 || attr.value_size == 0 ||
      (attr.map_flags & ~kArrayCreateFlagMask) || !map_flags_access_ok(attr.map_flags) ||
      (percpu && attr_numa_node(attr) != kNumaNoNode)) {
    return kEINVAL;
  }
  if (attr.map_type != kMapArray && (attr.map_flags & (kFMmapable | kFInnerMap))) return kEINVAL;
  if (attr.map_type != kMapPerfEventArray && (attr.map_flags & kFPreserveElems)) return kEINVAL;
  if (attr.value_size > INT_MAX) return kE2BIG;
  if (percpu && round_up(attr.value_size, 8) > kPcpuMinUnitSize) return kE2BIG;
  return 0;
}

}  // namespace mapsim::internal
