// PreparedHistory: a History (history.h) checked against the shape of its map and put into the
// terms the checker works in: model ops (model/reference/model_op.h), one record per checked op
// with its observations and its place in time and in its context's program, and the reference
// model after the setup.
//
// prepare_history() throws HistoryError (history_error.h) for anything that does not fit: a
// step kind the op cannot be (a syscall-only command through a program, a program sequence
// through the syscall), key or value sizes other than the map's, a CPU outside
// possible_cpus, invoked_step > returned_step, overlapping ops of one context, an
// add_through_pointer not directly after its lookup_keep_pointer.
//
// A program the verifier refuses on this map (a write to a BPF_F_RDONLY_PROG map, a value read
// of a BPF_F_WRONLY_PROG one; the program sequences both read and write) is not an error: it
// never reaches the map and answers -EACCES (PreparedOp::refused).
//
// Walks (kWalk, kBatchWalk, kBatchWalkAndDelete) are not checked by linearizability (each is
// many get_next_key and lookup calls, or batch calls, recorded only as the whole walk; the walk
// check judges them): they are listed apart. A batch walk that deletes changes the map in a way
// the model cannot replay: a history with one is not checkable (PreparedHistory's reason).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/linearizability/history.h"
#include "model/reference/map_model.h"
#include "model/reference/model_op.h"

namespace mapsim::linearizability {

// What the checker needs to know about the map, once.
struct MapShape {
  reference::ModelInfo info;  ///< effective attributes (max_entries after rounding)
  int possible_cpus = 1;
  bool percpu = false;            ///< PERCPU_HASH, LRU_PERCPU_HASH, PERCPU_ARRAY
  bool lru = false;               ///< LRU_HASH, LRU_PERCPU_HASH
  bool array = false;             ///< ARRAY, PERCPU_ARRAY
  size_t syscall_value_bytes = 0; ///< value_size, or possible_cpus x round_up(value_size, 8)
  size_t slot_stride = 0;         ///< per-CPU maps: round_up(value_size, 8)
  uint32_t counter_bytes = 8;     ///< adds of the program sequences: 8, or 4 below 8 bytes
};

struct PreparedOp {
  uint32_t history_index = 0;  ///< index in History::ops
  scenario::StepKind kind = scenario::StepKind::kLookup;
  reference::Caller caller = reference::Caller::kSyscall;
  int context = 0;
  int cpu = 0;
  /// The key; for kAddThroughPointer the key of the lookup_keep_pointer before it.
  std::optional<reference::Bytes> key;
  reference::Bytes value;  ///< update value (program sequences: the value inserted)
  uint64_t flags = 0;
  uint64_t addend = 0;     ///< program sequences: the amount added to the counter
  int rc = 0;
  reference::Bytes observed;  ///< HistoryOp::value
  bool found = false;         ///< kLookupAddElseInsert: its lookup found the key
  /// A program the verifier refuses on this map (program_access.h): it never reaches the map
  /// and its result must be BPF_PROG_LOAD's -EACCES.
  bool refused = false;
  uint32_t invoked = 0;
  uint32_t returned = 0;
  /// Ops that may change the map (updates, deletes, program sequences) overlapping this one in
  /// time: an insert's E2BIG may be due to their elements in flight (linearizability.md).
  uint32_t overlapping_writers = 0;

  bool writes() const;  ///< may change the map
};

struct PreparedHistory {
  MapShape shape;
  reference::MapModel initial;    ///< the model after the setup
  std::vector<PreparedOp> ops;    ///< the checked ops, by (invoked, returned, history index)
  std::vector<uint32_t> walks;    ///< History::ops indices of the walks, not checked here
  /// Non-empty when the history is well formed but the model cannot follow it (the reason):
  /// the verdict is then "not checkable".
  std::string not_checkable;
};

// REQUIRES: a map type with a reference model. Throws HistoryError.
PreparedHistory prepare_history(const History& history);

// The model op of a plain element op (lookup, update, delete, get_next_key, lookup_and_delete)
// on `cpu`.
reference::ModelOp model_op_of(const PreparedOp& op);

}  // namespace mapsim::linearizability
