// What a reference model is asked and what it answers: one element operation of an op script
// (spec/op-script.md), performed on one CPU, and its result.
//
// A model is a value: the same model state given the same ModelOp always gives the same
// ModelResult and the same next state. That is all a linearizability checker needs: it can copy
// a state, try an op, compare results and remember states it has seen (MapModel has ==, hash).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "impl/assert.h"

namespace mapsim::reference {

using Bytes = std::vector<unsigned char>;

// Who performs the op: userspace through bpf(2), or a BPF program through the helpers.
enum class Caller : uint8_t { kSyscall, kProgram };

enum class OpCode : uint8_t {
  kLookup,
  kUpdate,
  kDelete,
  kGetNextKey,
  kLookupAndDelete,
  // The BPF_MAP_*_BATCH commands (docs/op-script-batch.md; batch_model.h).
  kLookupBatch,
  kLookupAndDeleteBatch,
  kUpdateBatch,
  kDeleteBatch,
};

struct ModelOp {
  OpCode code = OpCode::kLookup;
  Caller caller = Caller::kSyscall;  ///< kProgram is valid for lookup, update, delete
  int cpu = 0;                       ///< 0 <= cpu < possible CPUs
  /// key_size bytes. get_next_key: nullopt asks for the first key; every other op has a key.
  std::optional<Bytes> key;
  /// Update: syscall: the syscall value size (per-CPU maps: every CPU's rounded slot);
  /// program: value_size bytes. Lookup of a bloom filter: the item to test.
  Bytes value;
  uint64_t flags = 0;  ///< raw u64 flags (lookup, update, lookup_and_delete; batch.flags)

  // Batch ops only.
  std::optional<Bytes> in_batch;  ///< lookup batches: the start token; nullopt is NULL
  uint32_t count = 0;             ///< the count passed in
  std::vector<Bytes> keys;        ///< update / delete batches: at least `count` keys
  std::vector<Bytes> values;      ///< update batches: at least `count` syscall values
  uint64_t elem_flags = 0;

  bool operator==(const ModelOp&) const = default;
};

struct ModelResult {
  int rc = 0;  ///< 0 or the kernel's negative errno
  /// Only when rc == 0: the value of a lookup / lookup_and_delete (syscall layout for syscall
  /// lookups, value_size bytes for program lookups), the next key of get_next_key.
  Bytes data;

  // Batch ops only.
  uint32_t count = 0;              ///< the count field after the command
  std::optional<Bytes> out_batch;  ///< lookup batches: the token written, nullopt if none
  std::vector<Bytes> keys;         ///< lookup batches: the elements returned (count of them)
  std::vector<Bytes> values;

  bool operator==(const ModelResult&) const = default;
};

// An element op's result (the batch fields stay empty).
inline ModelResult result_of(int rc, Bytes data = {}) {
  ModelResult result;
  result.rc = rc;
  result.data = std::move(data);
  return result;
}

inline bool is_batch(OpCode code) {
  return code == OpCode::kLookupBatch || code == OpCode::kLookupAndDeleteBatch ||
         code == OpCode::kUpdateBatch || code == OpCode::kDeleteBatch;
}

// The ops a map type's model (ArrayModel, HashModel, ...) implements: MapModel::apply() hands
// batch ops to batch_model.h, which composes them of these.
enum class ElementOpCode : uint8_t { kLookup, kUpdate, kDelete, kGetNextKey, kLookupAndDelete };

// REQUIRES: !is_batch(code).
inline ElementOpCode element_op_code(OpCode code) {
  switch (code) {
    case OpCode::kLookup: return ElementOpCode::kLookup;
    case OpCode::kUpdate: return ElementOpCode::kUpdate;
    case OpCode::kDelete: return ElementOpCode::kDelete;
    case OpCode::kGetNextKey: return ElementOpCode::kGetNextKey;
    case OpCode::kLookupAndDelete: return ElementOpCode::kLookupAndDelete;
    case OpCode::kLookupBatch:
    case OpCode::kLookupAndDeleteBatch:
    case OpCode::kUpdateBatch:
    case OpCode::kDeleteBatch:
      break;
  }
  MAPSIM_ASSERT(false, "batch ops never reach a map type's model");
  return ElementOpCode::kLookup;
}

// The effective attributes of a created map (OBJ_GET_INFO_BY_FD).
struct ModelInfo {
  uint32_t type = 0;
  uint32_t key_size = 0;
  uint32_t value_size = 0;
  uint32_t max_entries = 0;  ///< after BPF_F_NO_COMMON_LRU rounding
  uint32_t map_flags = 0;    ///< stored flags: without RDONLY, WRONLY, TOKEN_FD
  uint64_t map_extra = 0;

  bool operator==(const ModelInfo&) const = default;
};

// The MAP_CREATE fields the models read.
struct CreateRequest {
  uint32_t type = 0;
  uint32_t key_size = 0;
  uint32_t value_size = 0;
  uint32_t max_entries = 0;
  uint32_t map_flags = 0;  ///< raw; invalid bits are allowed (and rejected like the kernel)
  uint32_t numa_node = 0;  ///< read only with BPF_F_NUMA_NODE
  uint64_t map_extra = 0;
  std::string name;
};

}  // namespace mapsim::reference
