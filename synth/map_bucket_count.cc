#include "synth/map_bucket_count.h"

#include "impl/internal/create_checks.h"
#include "impl/uapi.h"

namespace mapsim::synth {

int htab_bucket_count(uint32_t map_type, uint32_t max_entries, uint32_t map_flags,
                      int possible_cpus, uint32_t* n_buckets, std::string* error) {
  const bool lru = internal::is_lru_type(map_type);
  if (map_type != bpf::kMapHash && map_type != bpf::kMapPercpuHash && !lru) {
    *error = "map type " + std::to_string(map_type) + " has no hash buckets";
    return bpf::kEINVAL;
  }
  if (max_entries == 0) {
    *error = "max_entries 0: the kernel refuses the map (EINVAL)";
    return bpf::kEINVAL;
  }
  const bool per_cpu_lists = (map_flags & bpf::kFNoCommonLru) != 0;
  if (per_cpu_lists && !lru) {
    *error = "BPF_F_NO_COMMON_LRU on a map that is not an LRU map (EINVAL)";
    return bpf::kEINVAL;
  }
  if (per_cpu_lists && possible_cpus < 1) {
    *error = "BPF_F_NO_COMMON_LRU needs the number of possible CPUs";
    return bpf::kEINVAL;
  }
  MapAttr attr;
  attr.map_type = map_type;
  attr.max_entries = max_entries;
  attr.map_flags = map_flags;
  internal::HtabSizing sizing;
  if (const int rc = internal::htab_compute_sizing(attr, possible_cpus, &sizing); rc != 0) {
    *error = "max_entries " + std::to_string(max_entries) + " is too large (E2BIG)";
    return rc;
  }
  *n_buckets = sizing.n_buckets;
  return 0;
}

}  // namespace mapsim::synth
