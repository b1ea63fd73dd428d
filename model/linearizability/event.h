// Event: one linearization point the search places. Most ops take effect at one point (one
// event); some take effect in pieces, each atomic in the kernel, each at its own point inside
// the op's interval:
//   - a syscall lookup of a per-CPU map copies the CPUs' slots one by one without a lock
//     (bpf_percpu_hash_copy, bpf_percpu_array_copy): one kSlotRead per CPU, in any order;
//   - a syscall update of a PERCPU_ARRAY writes the slots one by one without a lock
//     (bpf_percpu_array_update): one kSlotWrite per CPU, in any order;
//   - an LRU update takes its node (prealloc_lru_pop, which may evict) before it takes the
//     bucket lock to link it: kLruPop, then kLink;
//   - lookup_add_else_insert looks up (kSequenceLookup), then adds through the pointer or
//     inserts (kSequenceFinish; on an LRU map an insert pops first: kLruPop between the two).
// `after` chains the pieces of one op that must come in order.
#pragma once

#include <cstdint>

namespace mapsim::linearizability {

enum class EventPart : uint8_t {
  kWhole,           ///< the whole op at one point
  kSlotRead,        ///< one CPU's slot of a per-CPU syscall lookup
  kSlotWrite,       ///< one CPU's slot of a PERCPU_ARRAY syscall update
  kLruPop,          ///< an LRU insert takes its node (and may evict)
  kLink,            ///< the LRU update's table part
  kSequenceLookup,  ///< lookup_add_else_insert's lookup
  kSequenceFinish,  ///< its add through the pointer, or its insert
};

struct Event {
  uint32_t op = 0;        ///< index into PreparedHistory::ops
  EventPart part = EventPart::kWhole;
  int16_t slot = -1;      ///< kSlotRead / kSlotWrite: the CPU
  int32_t after = -1;     ///< index (in the op's own event list) of the piece before it, or -1
  uint32_t invoked = 0;   ///< the op's interval
  uint32_t returned = 0;
};

}  // namespace mapsim::linearizability
