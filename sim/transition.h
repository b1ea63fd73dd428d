// Transitions and the dependency relation: the vocabulary partial-order reduction shares with
// the rest of the simulator.
//
// A transition is one step of one context: the visible operation it starts with (plus the local
// code that follows it, which touches nothing shared). Two transitions are *dependent* when
// swapping them, adjacent in an execution, could change the outcome or the enabledness of
// either (Godefroid's dependency; Flanagan & Godefroid, POPL 2005, section 2):
// - the same context (program order);
// - accesses to a common object where at least one writes (RMWs and racy copies write);
// - any two operations on the same lock (acquire and release are both writes of the lock word,
//   which also makes "a release enables a blocked acquire" a dependency);
// - an interrupt's entry or exit and anything else on the same CPU: entry decides where the
//   nested program cuts into the CPU's program, and exit re-enables the interrupted context.
// Allocation touches nothing shared: each allocation gets the next block id *of its context*,
// so allocations on different CPUs commute.
//
// Mazurkiewicz traces (the equivalence classes DPOR enumerates) are defined by this relation;
// tests/sim_dpor_test.cc counts them by brute force with the same function.
#pragma once

#include <cstdint>

#include "sim/visible_op.h"

namespace mapsim::sim {

struct Transition {
  uint16_t context = 0;  ///< the context that performs it
  uint16_t cpu = 0;      ///< that context's CPU
  VisibleOp op;

  bool same_as(const Transition& other) const {
    return context == other.context && op.same_as(other.op);
  }
};

enum class AccessMode : uint8_t { kNone, kRead, kWrite, kLock };

// How `op` uses op.object (first) and op.object2 (second).
AccessMode primary_access(VisibleOpKind kind);
AccessMode secondary_access(VisibleOpKind kind);

bool dependent(const Transition& a, const Transition& b);

inline bool is_lock_acquire(VisibleOpKind kind) {
  return kind == VisibleOpKind::kSpinLock || kind == VisibleOpKind::kBucketLock;
}
inline bool is_lock_release(VisibleOpKind kind) {
  return kind == VisibleOpKind::kSpinUnlock || kind == VisibleOpKind::kBucketUnlock;
}
inline bool is_interrupt_boundary(VisibleOpKind kind) {
  return kind == VisibleOpKind::kIrqEntry || kind == VisibleOpKind::kIrqExit;
}

}  // namespace mapsim::sim
