// The LRU map workload, on top of bench/bench_workload.h's (4-byte keys, a map of `entries`
// slots filled with the keys 0 .. entries-1, lookups walking them in a scrambled order):
//
// - Which LRU. MapConfig::kind picks the map type (kHash -> LRU_HASH, kPercpuHash ->
//   LRU_PERCPU_HASH); the LRU flavour (0 = common LRU, BPF_F_NO_COMMON_LRU = per-CPU lists) is
//   a template parameter of the subjects, and so is the row family (LruRole): the lookup rows
//   and the insert rows use different maps, because inserts evict the keys the lookups want.
// - Filling without eviction. An LRU map evicts before it is full when free nodes sit where
//   the inserting CPU cannot take them. The fill is planned so that every key fits: a common
//   LRU is filled from CPU 0 alone (its refills drain the global free list exactly, the map
//   size being a multiple of the refill batch); a per-CPU LRU owns max_entries / CPUs nodes
//   per CPU forever, so key k is inserted from CPU k % CPUs.
// - Ever-new keys. The evicting insert rows insert keys the map does not hold, so every insert
//   of a full map evicts. mapsim's rows take key entries + n * CPUs + cpu for the n-th insert
//   of a CPU slot (the count n persists per map and slot across runs); the kernel's programs
//   take consecutive keys from a random 32-bit start (bench/lru_kernel_program_subject.h).
#pragma once

#include <cstdint>

#include "bench/bench_workload.h"
#include "impl/uapi.h"

namespace mapsim::bench {

enum class LruRole { kLookup, kInsert };

// The BPF map type of an LRU row: LRU_HASH, or LRU_PERCPU_HASH for per-CPU values.
constexpr uint32_t lru_map_type(MapKind kind) {
  return kind == MapKind::kPercpuHash ? bpf::kMapLruPercpuHash : bpf::kMapLruHash;
}

constexpr bool lru_uses_percpu_lists(uint32_t map_flags) {
  return (map_flags & bpf::kFNoCommonLru) != 0;
}

// The CPU that inserts `key` while a map is filled (see the file comment).
constexpr int lru_fill_cpu(uint32_t key, uint32_t map_flags, int possible_cpus) {
  return lru_uses_percpu_lists(map_flags) ? static_cast<int>(key % uint32_t(possible_cpus)) : 0;
}

// The n-th new key inserted from `cpu` into a map filled with 0 .. entries-1: distinct for
// every (n, cpu), and never one of the fill's keys.
constexpr uint32_t lru_new_key(uint32_t entries, uint64_t n, int cpu, int possible_cpus) {
  return static_cast<uint32_t>(entries + n * uint64_t(possible_cpus) + uint64_t(cpu));
}

}  // namespace mapsim::bench
