// DevmapModel: the reference model of BPF_MAP_TYPE_DEVMAP and BPF_MAP_TYPE_DEVMAP_HASH (fact
// sheet 6; docs/op-script-batch.md for the device table and program fds).
//
// A value is a struct bpf_devmap_val: a u32 ifindex, and for 8-byte values an int program fd
// on write and the u32 program id on read. The ifindex must name a device of the caller's
// network namespace (the device set, set_devices(); {1} = loopback by default) else EINVAL; a
// program fd > 0 is EINVAL (no XDP program for BPF_XDP_DEVMAP exists for the models), 0 and
// negative fds mean "no program" and the id read back is 0.
//
// DEVMAP: max_entries slots, each empty or holding a value.
//   update: flags > BPF_EXIST -> EINVAL; index >= max_entries -> E2BIG; BPF_NOEXIST -> EEXIST
//   (every slot "exists"); ifindex 0 -> EINVAL if a program fd > 0 is given, else the slot is
//   emptied; else the value is checked and stored. lookup: out of range or empty -> ENOENT.
//   delete: out of range -> EINVAL, else the slot is emptied, 0 even if it was empty.
//   get_next_key: as ARRAY.
// DEVMAP_HASH: bucket chains with bucket = key & (n_buckets - 1) (hash_chains.h).
//   update: flags > BPF_EXIST or ifindex 0 -> EINVAL; present key and BPF_NOEXIST -> EEXIST
//   (BPF_EXIST is not enforced: it inserts); the value is checked (EINVAL) before the capacity
//   (a new key in a full map -> E2BIG); a replaced key moves to the head of its chain.
//   lookup / delete of a missing key -> ENOENT. get_next_key as the hash family.
// Both: lookup_and_delete -> ENOTSUPP, no batch ops. Programs may only look up (the map is
// created with BPF_F_RDONLY_PROG; map_model.h refuses the other helpers).
// Left out: allocation failures, real XDP programs.
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "model/reference/hash_chains.h"
#include "model/reference/model_op.h"
#include "model/reference/state_hasher.h"

namespace mapsim::reference {

class DevmapModel {
 public:
  // REQUIRES: `info` passed the device map creation checks (create_model.h); n_buckets is
  // DEVMAP_HASH's bucket count (unused by DEVMAP).
  DevmapModel(const ModelInfo& info, uint32_t n_buckets);

  // REQUIRES: the syscall layer's checks passed (map_model.h); sizes fit the map.
  ModelResult apply(const ModelOp& op);
  // The ifindexes of the caller's network namespace.
  void set_devices(const std::set<uint32_t>& ifindexes) { devices_ = ifindexes; }

  bool operator==(const DevmapModel&) const = default;
  void hash_into(StateHasher& hasher) const;

 private:
  bool hashed() const;
  int check_value(const Bytes& value) const;
  Bytes stored_value(const Bytes& value) const;
  ModelResult lookup(const ModelOp& op) const;
  int update_array(const ModelOp& op);
  int update_hash(const ModelOp& op);
  int remove(const ModelOp& op);

  ModelInfo info_;
  std::set<uint32_t> devices_{1};
  std::map<uint32_t, Bytes> slots_;  ///< DEVMAP: index -> value read back; absent = empty
  HashChains chains_;                ///< DEVMAP_HASH: which keys, in which order
  std::map<Bytes, Bytes> values_;    ///< DEVMAP_HASH: key -> value read back
};

}  // namespace mapsim::reference
