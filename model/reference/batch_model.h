// The BPF_MAP_*_BATCH commands on a map model (fact sheet 2.11, 3.9; docs/op-script-batch.md),
// composed from the model's own element operations, as the kernel composes them:
//
// | type                                    | lookup  | lookup_and_delete | update  | delete  |
// | HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU | buckets | buckets           | generic | generic |
// | ARRAY, PERCPU_ARRAY                     | generic | ENOTSUPP          | generic | ENOTSUPP |
// | LPM_TRIE                                | generic | ENOTSUPP          | generic | generic |
// | DEVMAP, DEVMAP_HASH, BLOOM_FILTER       | ENOTSUPP for all four                       |
//
// - generic update / delete: elem_flags must be 0 (BPF_F_LOCK needs a spin lock) else EINVAL;
//   count 0 -> 0; then one syscall update (flags = elem_flags) or delete per key, stopping at
//   the first error, which is returned with the count done before it;
// - generic lookup: same elem_flags rule; count 0 -> 0; get_next_key from in_batch, a syscall
//   lookup of each key (a key that vanished is skipped), until count elements or get_next_key
//   fails (its error, normally ENOENT); out_batch = the last key walked, only if any returned;
// - buckets: elem_flags and flags must be 0; count 0 -> 0; the token is a u32 bucket index,
//   past the last bucket -> ENOENT; whole buckets, head first, until one does not fit (ENOSPC
//   if nothing was copied yet, else 0) or the buckets run out (ENOENT); out_batch = the bucket
//   to go on with. lookup_and_delete deletes each copied bucket's keys on the calling CPU, the
//   chain's last key first: the kernel collects the unlinked elements on a list (each at its
//   head) and frees them after dropping the bucket lock (since "bpf: Call free_htab_elem()
//   after htab_unlock_bucket()", v6.13, for every type, not only LRU).
// The syscall layer (map_model.h) has checked the fd permissions before.
#pragma once

#include "model/reference/model_op.h"

namespace mapsim::reference {

class MapModel;

// REQUIRES: is_batch(op.code); the fd permits the command.
ModelResult apply_batch(MapModel& map, const ModelOp& op);

}  // namespace mapsim::reference
