// StepRunner: performs one scenario step on the map, as userspace (bpf(2)) or as a BPF program
// on the current simulated CPU, and records what it observed.
//
// Buffers. Every step gets its own buffers (key, value in, value out, walk cursor), allocated
// from the simulator's arena while the instance is built: the map's copies from and into them
// are visible operations on distinct arena blocks, so DPOR sees two CPUs' lookups as
// independent, and nothing is owned by a fiber stack that an abandoned execution would leak.
//
// Programs. A BPF program runs inside an RCU read section: every program step takes
// rcu_read_lock() around its helper calls and its reads through the returned pointer. A
// kLookupKeepPointer leaves the section open and the kAddThroughPointer that follows it (the
// validator guarantees the pair) closes it, so the element the pointer points to cannot be
// reclaimed between the two, but a preallocated one can be deleted and reused.
//
// What each kind does and records (rc; Observation::value):
//   update                 update_elem / prog_update with the step's flags; -
//   lookup                 lookup_elem (syscall layout) / prog_lookup + copy of value_size
//                          bytes (NULL is -ENOENT); the value read. A bloom filter's syscall
//                          lookup tests the step's value and reads nothing.
//   delete                 delete_elem / prog_delete; -
//   lookup_and_delete      lookup_and_delete_elem; the value
//   get_next_key           get_next_key (NULL key: the first); the next key
//   walk                   get_next_key from NULL until -ENOENT, a syscall lookup of every key
//                          returned; rc 0, or -ELOOP after walk_key_limit keys, or the first
//                          other get_next_key error; keys and lookup results in walk_keys /
//                          walk_lookup_rcs
//   batch_walk             lookup_batch calls from a NULL token, each passing batch_size (0:
//                          max_entries) as count and the token the previous call wrote, until
//                          a call answers -ENOENT; rc 0, or the first other error (-ENOSPC when
//                          a bucket holds more than batch_size keys), or -ELOOP past
//                          walk_key_limit keys; the keys returned, in order, in walk_keys
//   batch_walk_and_delete  the same loop with lookup_and_delete_batch
//   lookup_add_else_insert prog_lookup; if found, value_atomic_add of the value's first 8 bytes
//                          (4 if value_size < 8) through the pointer, rc 0, value = the new
//                          counter; else prog_update(value, BPF_NOEXIST) and its rc
//   lookup_keep_pointer    prog_lookup, pointer kept; rc 0 and the value read, or -ENOENT
//   add_through_pointer    value_atomic_add through the kept pointer: rc 0 and the new
//                          counter, or -ENOENT when the lookup kept no pointer
#pragma once

#include <cstdint>

#include "impl/map.h"
#include "scenarios/run/compiled_spec.h"
#include "scenarios/run/observation.h"
#include "sim/sim_platform.h"

namespace mapsim::scenario {

struct StepBuffers {
  void* key = nullptr;        ///< key_size bytes; nullptr for a NULL key
  void* value_in = nullptr;   ///< the step's value, zero padded to a multiple of 8 bytes
  void* value_out = nullptr;  ///< syscall_value_size bytes (prefilled with a bloom item)
  void* cursor = nullptr;     ///< walks: the key get_next_key continues from; batch walks:
                              ///< the in_batch token
  void* next = nullptr;       ///< get_next_key / walks: the key it returns; batch walks: the
                              ///< out_batch token
  void* batch_keys = nullptr;    ///< batch walks: room for batch_entries keys
  void* batch_values = nullptr;  ///< batch walks: room for batch_entries syscall values
  uint32_t batch_entries = 0;    ///< min(batch size, max_entries): all one call can return
  void* kept = nullptr;       ///< lookup_keep_pointer: the pointer it kept (or nullptr)
};

class StepRunner {
 public:
  StepRunner(SimPlatform& platform, Map& map, const CompiledSpec& compiled)
      : platform_(platform), map_(map), compiled_(compiled) {}

  // Allocates and fills the buffers of `step`. REQUIRES: direct mode (the instance's build).
  StepBuffers prepare(const StepSpec& step);
  // Runs `step` and records into `observation`; returns the rc. `previous` is the buffers of
  // the step before it in the same program (add_through_pointer takes the kept pointer there).
  int64_t run(const StepSpec& step, StepBuffers& buffers, StepBuffers* previous,
              Observation& observation);

 private:
  int64_t run_syscall(const StepSpec& step, StepBuffers& buffers, Observation& observation);
  int64_t run_program(const StepSpec& step, StepBuffers& buffers, StepBuffers* previous,
                      Observation& observation);
  int64_t walk(StepBuffers& buffers, Observation& observation);
  int64_t batch_walk(const StepSpec& step, StepBuffers& buffers, Observation& observation);
  uint32_t batch_size(const StepSpec& step) const;
  int load_refusal(const StepSpec& step) const;
  // The counter width of value_atomic_add for this map: 8, or 4 for values of 4..7 bytes.
  unsigned add_width() const;
  uint64_t addend(const StepSpec& step) const;
  void record_add(uint64_t counter, Observation& observation) const;

  SimPlatform& platform_;
  Map& map_;
  const CompiledSpec& compiled_;
};

}  // namespace mapsim::scenario
