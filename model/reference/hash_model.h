// HashModel: the reference model of BPF_MAP_TYPE_HASH and BPF_MAP_TYPE_PERCPU_HASH, with and
// without BPF_F_NO_PREALLOC (fact sheet 3.2-3.12).
//
// State: the bucket chains (hash_chains.h: which keys, in which order) and, per key, its value
// (HASH) or its element with the per-CPU area (PERCPU_HASH, percpu_element_pool.h).
//
// Update: flags -> existence (NOEXIST on a present key EEXIST, EXIST on a missing key ENOENT)
// -> capacity (a new key in a full map E2BIG) -> write. HASH writes a new element and so moves
// a replaced key to the head of its chain; PERCPU_HASH updates a present key in place (position
// kept) and a new key gets its element from the pool.
//
// Left out, because sequential runs cannot show them or they need BTF: bucket-lock failures
// (EDEADLK / ETIMEDOUT need a program nested on the same CPU), allocation failures (ENOMEM),
// BPF_F_LOCK with a spin lock (always EINVAL without BTF), batch ops. HASH elements have no
// identity here: a HASH value is always value_size bytes written whole, so which preallocated
// element (or per-CPU "extra" element) holds it cannot be seen; capacity is max_entries for new
// keys either way.
#pragma once

#include <cstdint>
#include <map>

#include "model/reference/hash_chains.h"
#include "model/reference/model_op.h"
#include "model/reference/percpu_element_pool.h"
#include "model/reference/percpu_slots.h"
#include "model/reference/state_hasher.h"

namespace mapsim::reference {

class HashModel {
 public:
  // REQUIRES: `info` passed the hash creation checks (create_model.h).
  HashModel(const ModelInfo& info, int possible_cpus, uint32_t n_buckets, uint32_t seed);

  // REQUIRES: the syscall layer's checks passed (map_model.h); sizes fit the map.
  ModelResult apply(const ModelOp& op);

  const HashChains& chains() const { return chains_; }

  bool operator==(const HashModel&) const = default;
  void hash_into(StateHasher& hasher) const;

 private:
  bool percpu() const;
  ModelResult lookup(const ModelOp& op) const;
  int update(const ModelOp& op);
  int update_shared(const ModelOp& op);
  int update_percpu(const ModelOp& op);
  ModelResult remove(const ModelOp& op, bool return_value);

  ModelInfo info_;
  PercpuSlots slots_;
  HashChains chains_;
  std::map<Bytes, Bytes> values_;            ///< HASH: key -> value_size bytes
  std::map<Bytes, PercpuElement> elements_;  ///< PERCPU_HASH: key -> its element
  PercpuElementPool pool_;                   ///< PERCPU_HASH: free elements and areas
};

}  // namespace mapsim::reference
