// LruHashModel: the reference model of BPF_MAP_TYPE_LRU_HASH and BPF_MAP_TYPE_LRU_PERCPU_HASH,
// common and per-CPU LRU (fact sheet 3, 4.10): the bucket chains of hash_chains.h, the node
// pool of lru_model.h, and per node its key and value.
//
// Update (4.10):
// - flags above BPF_EXIST (BPF_F_LOCK included) -> EINVAL;
// - LRU_HASH pops a node first, always; LRU_PERCPU_HASH unless flags == BPF_EXIST. The pop may
//   evict other keys, and it happens before the existence check, so an update that then fails
//   with EEXIST / ENOENT has still evicted; no node -> ENOMEM (never E2BIG);
// - existence rules; on failure the popped node is pushed back;
// - LRU_HASH: the new node goes to the head of the chain (a replaced key moves to the head),
//   gets ref = 1 if it replaced a key, and the old node is pushed back;
// - LRU_PERCPU_HASH: a present key is updated in place (ref = 1 on its node, the popped node
//   goes back); a new key's values are written into the popped node's per-CPU area, whose
//   padding still holds what the node's previous key left there.
// Lookups by a program set the node's ref bit; syscall lookups never do. Delete and
// lookup_and_delete push the node back.
//
// Left out: bucket-lock failures, batch ops, bpf_map_lookup_percpu_elem (not an op-script op).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "model/reference/hash_chains.h"
#include "model/reference/lru_model.h"
#include "model/reference/model_op.h"
#include "model/reference/percpu_slots.h"
#include "model/reference/state_hasher.h"

namespace mapsim::reference {

class LruHashModel {
 public:
  // REQUIRES: `info` passed the hash creation checks (create_model.h); info.max_entries is the
  // effective (rounded) value.
  LruHashModel(const ModelInfo& info, int possible_cpus, uint32_t n_buckets, uint32_t seed);

  // REQUIRES: the syscall layer's checks passed (map_model.h); sizes fit the map.
  ModelResult apply(const ModelOp& op);

  const HashChains& chains() const { return chains_; }
  const LruModel& lru() const { return lru_; }
  // The node holding `key`, or nullopt.
  std::optional<uint32_t> node_of_key(const Bytes& key) const;

  bool operator==(const LruHashModel&) const = default;
  void hash_into(StateHasher& hasher) const;

 private:
  class TableEvictor;

  bool percpu() const;
  ModelResult lookup(const ModelOp& op);
  int update(const ModelOp& op);
  int update_shared(const ModelOp& op);
  int update_percpu(const ModelOp& op);
  void write_value(uint32_t node, const ModelOp& op, bool new_element);
  void insert(const Bytes& key, uint32_t node);
  uint32_t unlink(const Bytes& key);
  ModelResult remove(const ModelOp& op, bool return_value);

  ModelInfo info_;
  PercpuSlots slots_;
  HashChains chains_;
  LruModel lru_;
  std::map<Bytes, uint32_t> node_of_key_;
  std::vector<Bytes> key_of_node_;  ///< per node: its key, empty while it holds none
  /// Per node: LRU_HASH: the value while the node holds a key, else empty; LRU_PERCPU_HASH:
  /// the per-CPU area, kept across uses (zero at creation).
  std::vector<Bytes> value_of_node_;
};

}  // namespace mapsim::reference
