// The batch commands of mapsim::Map (BPF_MAP_LOOKUP_BATCH, LOOKUP_AND_DELETE_BATCH,
// UPDATE_BATCH, DELETE_BATCH; kernel/bpf/syscall.c bpf_map_do_batch and the generic_map_*_batch
// functions, kernel/bpf/hashtab.c __htab_map_lookup_and_delete_batch; fact sheet 2.11, 3.9).
//
// The calls have libbpf's shape (bpf_map_lookup_batch(fd, in_batch, out_batch, keys, values,
// count, opts)) and the kernel's results:
// - the syscall layer checks fd permissions (lookup: read; lookup_and_delete: read and write;
//   update, delete: write) -> EPERM, then asks the type; a type without that batch op answers
//   ENOTSUPP (524): DEVMAP, DEVMAP_HASH (all four), ARRAY / PERCPU_ARRAY (lookup_and_delete
//   and delete).
// - *count is in/out: the number of elements to process, then the number processed. Early
//   EINVALs (elem_flags, flags) leave it alone; count 0 returns 0 at once.
// - Tokens (in_batch, out_batch) are batch_token_size() bytes: a u32 bucket index for the hash
//   family (bucket-based lookups: a bucket is never split, ENOSPC when the first non-empty
//   bucket does not fit), a key for the generic lookup (ARRAY, PERCPU_ARRAY, LPM_TRIE).
//   in_batch NULL starts at the beginning; out_batch is written as the kernel writes it (the
//   generic lookup only when it returned something; the hash family unless an early error).
// - keys / values are arrays of *count entries of key_size and syscall_value_size() bytes.
// - elem_flags: only BPF_F_LOCK is known, and it needs a bpf_spin_lock in the value, which
//   mapsim maps never have: anything but 0 is EINVAL. flags: must be 0 for the hash family's
//   lookups; ignored by the generic operations.
#pragma once

#include <cstdint>

namespace mapsim {

// struct bpf_map_batch_opts.
struct BatchOptions {
  uint64_t elem_flags = 0;
  uint64_t flags = 0;
};

// One batch call as union bpf_attr.batch carries it: user addresses, read or written as the
// command needs (update and delete only read keys and values).
struct BatchCall {
  const void* in_batch = nullptr;
  void* out_batch = nullptr;
  void* keys = nullptr;
  void* values = nullptr;
  uint32_t* count = nullptr;
  BatchOptions options;
};

// Bytes of a batch token for a map of `map_type`: 4 (a bucket index) for HASH, PERCPU_HASH,
// LRU_HASH and LRU_PERCPU_HASH; key_size for every other type.
uint32_t batch_token_size(uint32_t map_type, uint32_t key_size);

}  // namespace mapsim
