// random_op_script(): seeded op scripts (spec/op-script.md) for differential testing of the
// simulated maps against the live kernel (tests/differential_test.cc).
//
// One seed gives one script, always the same text (the generator uses std::mt19937_64, whose
// output the standard fixes, and no distribution objects). A script holds:
// - a comment line naming the seed;
// - 0-2 map lines with invalid creation attributes (bad type numbers, zero or oversized sizes,
//   flags a type rejects, RDONLY|WRONLY, bad names, map_extra, max_entries too large for the
//   hash table), which must fail the same way on both sides, and 1-2 valid maps of the
//   requested types (key sizes 1..64, value sizes up to a few KiB, maps small enough to fill,
//   LRU maps from 1 to 4000 entries with and without BPF_F_NO_COMMON_LRU, NO_PREALLOC, fd and
//   program access flags, names). Hash maps that are meant to be created always carry
//   BPF_F_ZERO_SEED, so bucket order, and with it get_next_key and dump order, is the same on
//   both sides;
// - operations on random CPUs (0 .. possible_cpus-1; the CPU changes now and then): updates
//   with valid and invalid flags (raw integers, NOEXIST|EXIST, BPF_F_LOCK, -1), syscall and
//   program lookups, deletes, lookup_and_delete, get_next_key from null, known and missing
//   keys, dumps and info; "fill bursts" of fresh keys that fill hash maps past capacity and
//   drive LRU maps through eviction, with program lookups setting reference bits in between;
// - batch ops (lookup_batch, lookup_and_delete_batch, update_batch, delete_batch) on every
//   type: valid and invalid tokens, counts from 0 to more than the map holds, elem_flags and
//   flags the kernel rejects or ignores;
// - for DEVMAP / DEVMAP_HASH, bpf_devmap_val values naming loopback (ifindex 1, the same in
//   every namespace), ifindex 0, or indexes no device has, with program fds of 0, negative
//   ones, and positive ones that are no XDP program;
// - for BLOOM_FILTER (always BPF_F_ZERO_SEED, map_extra 0..15; invalid: map_extra above 15,
//   key sizes, NO_PREALLOC, values above 4 MiB): keyless pushes (update) and peeks (lookup)
//   of known and fresh items, bursts of pushes that bring false positives, and the refused
//   ops (delete, get_next_key, lookup_and_delete, batches);
// - for LPM_TRIE (always BPF_F_NO_PREALLOC; invalid: without it, key sizes outside 5..260,
//   nodes past kmalloc's limit, ZERO_SEED): prefixes that nest and share long parts (so the
//   trie holds intermediate nodes), prefix lengths up to and past the maximum, full-length
//   lookups, fill bursts up to ENOSPC, program ops;
// - a final dump of every valid map.
// Program operations are left out on maps created with BPF_F_RDONLY_PROG or BPF_F_WRONLY_PROG,
// whose programs the kernel's verifier refuses to load (nothing to compare), on device maps
// (see random_valid_flags) and on bloom filters, whose lookup/update/delete helpers the
// verifier refuses. NO_PREALLOC
// PERCPU_HASH maps get value sizes that are multiples of 8: the padding of a per-CPU area that
// a program insert recycles from another CPU depends on RCU grace-period timing in the kernel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mapsim {

struct RandomScriptOptions {
  std::vector<uint32_t> map_types;  ///< enum bpf_map_type values the valid maps are drawn from
  int possible_cpus = 1;            ///< ops run on CPUs 0 .. possible_cpus - 1
  int ops_per_map_max = 100;        ///< random ops per valid map, not counting fill bursts
};

// REQUIRES: options.map_types is not empty; options.possible_cpus >= 1.
std::string random_op_script(uint64_t seed, const RandomScriptOptions& options);

}  // namespace mapsim
