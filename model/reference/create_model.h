// create_map_model(): BPF_MAP_CREATE on the reference models, with every creation check in the
// kernel's order (fact sheet 2.2, 3.1, 5.1), the first failing check's errno winning:
//   1. BPF_F_TOKEN_FD is remembered and stripped;
//   2. map_extra on a type other than BLOOM_FILTER / ARENA -> EINVAL;
//   3. BPF_F_RDONLY together with BPF_F_WRONLY -> EINVAL;
//   4. BPF_F_NUMA_NODE naming a node other than 0 (one node) -> EINVAL;
//   5. type 0 or past the last type -> EINVAL;
//   6. the type's alloc_check (hash family: flags, sizes, LRU + NO_PREALLOC -> ENOTSUPP, ...;
//      arrays: flags, key size 4, sizes; device maps: key size 4, value size 4 or 8, flags;
//      bloom filter: value size -> E2BIG; LPM_TRIE has none);
//   7. BPF_F_TOKEN_FD: map_token_fd (0: an op script cannot pass one) is no BPF token ->
//      EINVAL;
//   8. the type's allocation: hash family sizing (BPF_F_NO_COMMON_LRU rounds max_entries to a
//      multiple of the CPUs; more than 2^31 entries or 2^27 buckets -> E2BIG); the attribute
//      checks of bloom_map_alloc() and trie_alloc() (EINVAL); device maps store
//      BPF_F_RDONLY_PROG;
//   9. the map name (16 bytes, NUL-terminated, [A-Za-z0-9_.]) -> EINVAL.
// The caller is root (CAP_BPF, CAP_SYS_ADMIN, CAP_PERFMON): no EPERM, no Spectre rounding.
//
// Left out: allocation failures (ENOMEM depends on the machine's memory; the models keep no
// budget), BTF, map_ifindex (offload), and the types without a model (kNotModelled).
#pragma once

#include <cstdint>
#include <optional>

#include "model/reference/map_model.h"
#include "model/reference/model_op.h"

namespace mapsim::reference {

// A valid kernel map type that has no reference model (the kernel never returns ENOSYS from
// MAP_CREATE, so this cannot be mistaken for a verdict; it equals mapsim::bpf::kENOSYS).
inline constexpr int kNotModelled = -38;

struct ModelOptions {
  int possible_cpus = 1;
  /// hashrnd of hash maps created without BPF_F_ZERO_SEED (the kernel draws it at random; a
  /// model takes it as an input so that its order stays determined).
  uint32_t hash_seed = 0;
};

// Returns 0 and stores the model in *out, or the negative errno (or kNotModelled). Throws
// std::length_error for a map whose model would not fit in memory (the models store every
// element of a preallocated pool or an array).
int create_map_model(const CreateRequest& request, const ModelOptions& options,
                     std::optional<MapModel>* out);

}  // namespace mapsim::reference
