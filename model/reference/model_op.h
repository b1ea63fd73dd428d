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
#include <vector>

namespace mapsim::reference {

using Bytes = std::vector<unsigned char>;

// Who performs the op: userspace through bpf(2), or a BPF program through the helpers.
enum class Caller : uint8_t { kSyscall, kProgram };

enum class OpCode : uint8_t { kLookup, kUpdate, kDelete, kGetNextKey, kLookupAndDelete };

struct ModelOp {
  OpCode code = OpCode::kLookup;
  Caller caller = Caller::kSyscall;  ///< kProgram is valid for lookup, update, delete
  int cpu = 0;                       ///< 0 <= cpu < possible CPUs
  /// key_size bytes. get_next_key: nullopt asks for the first key; every other op has a key.
  std::optional<Bytes> key;
  /// Update only. Syscall: the syscall value size (per-CPU maps: every CPU's rounded slot);
  /// program: value_size bytes.
  Bytes value;
  uint64_t flags = 0;  ///< raw u64 element flags (lookup, update, lookup_and_delete)

  bool operator==(const ModelOp&) const = default;
};

struct ModelResult {
  int rc = 0;  ///< 0 or the kernel's negative errno
  /// Only when rc == 0: the value of a lookup / lookup_and_delete (syscall layout for syscall
  /// lookups, value_size bytes for program lookups), the next key of get_next_key.
  Bytes data;

  bool operator==(const ModelResult&) const = default;
};

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
