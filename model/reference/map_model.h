// MapModel: the reference model of one BPF map, any type the models cover, as a value.
//
//   MapModel model = ...;            // from create_map_model() (create_model.h)
//   ModelResult r = model.apply(op);  // deterministic: state + op -> result + next state
//   MapModel copy = model;            // independent copy; ==, hash() for visited-state sets
//
// apply() first does what the syscall layer does before a map type sees an op (fact sheet
// 2.3-2.9: fd permissions of BPF_F_RDONLY / BPF_F_WRONLY, flags of lookup and
// lookup_and_delete, BPF_F_LOCK without a spin lock), then hands the op to the type's model.
// Program ops skip that layer, as the helpers do. Batch ops (batch_model.h) check the fd's
// permissions here, then run as the type's batch implementation composes them.
//
// A program that the verifier would refuse to load never reaches the map: program_refused()
// says which ops those are (a program writing to a BPF_F_RDONLY_PROG map, device maps
// included; reading the value of a BPF_F_WRONLY_PROG map, as the op script's lookup does; any
// lookup/update/delete helper on a bloom filter); apply() requires that the op is not one.
// The backend answers those with BPF_PROG_LOAD's -EACCES (bloom filters never get that far:
// the op runner refuses program ops on them as input errors).
#pragma once

#include <cstdint>
#include <set>
#include <variant>

#include "model/reference/array_model.h"
#include "model/reference/bloom_model.h"
#include "model/reference/devmap_model.h"
#include "model/reference/hash_model.h"
#include "model/reference/lpm_trie_model.h"
#include "model/reference/lru_hash_model.h"
#include "model/reference/model_op.h"

namespace mapsim::reference {

using MapFamilyModel =
    std::variant<ArrayModel, HashModel, LruHashModel, DevmapModel, BloomModel, LpmTrieModel>;

class MapModel {
 public:
  // `info`: the effective attributes; `fd_flags`: BPF_F_RDONLY / BPF_F_WRONLY as created.
  MapModel(const ModelInfo& info, int possible_cpus, uint32_t fd_flags, MapFamilyModel family);

  const ModelInfo& info() const { return info_; }
  int possible_cpus() const { return possible_cpus_; }
  // Bytes of a syscall value: value_size, or possible_cpus x round_up(value_size, 8) for the
  // per-CPU types.
  size_t syscall_value_size() const;

  // REQUIRES: 0 <= op.cpu < possible_cpus(); key and value sizes fit (the op-script runner
  // checks them); program ops only for lookup, update, delete, and not program_refused().
  ModelResult apply(const ModelOp& op);
  bool program_refused(OpCode code) const;
  // The ifindexes of the caller's network namespace (device maps check values against them;
  // {1}, loopback, until set).
  void set_devices(const std::set<uint32_t>& ifindexes);

  const MapFamilyModel& family() const { return family_; }
  // The bucket chains of a hash-family map; nullptr for other types.
  const HashChains* hash_chains() const;

  bool operator==(const MapModel&) const = default;
  uint64_t hash() const;

 private:
  int syscall_layer_error(const ModelOp& op) const;

  ModelInfo info_;
  int possible_cpus_;
  bool fd_readable_;
  bool fd_writable_;
  MapFamilyModel family_;
};

}  // namespace mapsim::reference
