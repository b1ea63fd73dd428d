// ArrayModel: the reference model of BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY
// (fact sheet 5). Every index 0 .. max_entries-1 exists from creation, zero-filled, and never
// goes away; the key is the index as a little-endian u32.
//
// Kept: the per-CPU padding bytes (a syscall update writes whole slots, a program update only
// value_size bytes of its CPU's slot), the flag and index checks in the kernel's order for the
// syscall and the program paths, which differ (fact sheet 5.2).
// Left out: BPF_F_LOCK with a spin lock (no BTF; always EINVAL), mmap of BPF_F_MMAPABLE maps,
// batch ops.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/reference/model_op.h"
#include "model/reference/percpu_slots.h"
#include "model/reference/state_hasher.h"

namespace mapsim::reference {

class ArrayModel {
 public:
  // REQUIRES: `info` passed the array creation checks (create_model.h).
  ArrayModel(const ModelInfo& info, int possible_cpus);

  // REQUIRES: the syscall layer's checks passed (map_model.h); sizes fit the map.
  ModelResult apply(const ModelOp& op);

  bool operator==(const ArrayModel&) const = default;
  void hash_into(StateHasher& hasher) const { hasher.add(values_); }

 private:
  bool percpu() const;
  uint32_t index_of(const Bytes& key) const;
  ModelResult lookup(const ModelOp& op) const;
  int update(const ModelOp& op);
  int update_percpu_from_syscall(const ModelOp& op);
  ModelResult get_next_key(const ModelOp& op) const;

  ModelInfo info_;
  PercpuSlots slots_;
  /// Per index: value_size bytes (ARRAY), or the per-CPU area (PERCPU_ARRAY).
  std::vector<Bytes> values_;
};

// get_next_key over the indexes 0 .. max_entries-1 of the array-like maps (ARRAY,
// PERCPU_ARRAY, DEVMAP): no key or an index past the end starts over at 0; the last index has
// no successor (ENOENT).
ModelResult array_index_next_key(const std::optional<Bytes>& key, uint32_t max_entries);

}  // namespace mapsim::reference
