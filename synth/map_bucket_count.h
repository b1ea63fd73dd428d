// The bucket count of a hash-family map, as the kernel sizes it at creation (fact sheet 3.1
// steps 9-11; impl/internal/create_checks.h): BPF_F_NO_COMMON_LRU first rounds an LRU map's
// max_entries up to a multiple of the possible CPUs, then n_buckets =
// roundup_pow_of_two(max_entries). Key requests need it to know which bits of the hash pick
// the bucket.
#pragma once

#include <cstdint>
#include <string>

namespace mapsim::synth {

// For HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH. Returns 0 and stores the count, or a
// negative errno (EINVAL: another map type, max_entries 0, NO_COMMON_LRU on a non-LRU map or
// possible_cpus < 1 with it; E2BIG: a map the kernel refuses as too large) with the reason in
// *error. possible_cpus is only read with BPF_F_NO_COMMON_LRU.
int htab_bucket_count(uint32_t map_type, uint32_t max_entries, uint32_t map_flags,
                      int possible_cpus, uint32_t* n_buckets, std::string* error);

}  // namespace mapsim::synth
