// SpecContext: what every state of a sequential specification (model_spec.h, lru_spec.h)
// shares and never changes: the prepared history and the checking options. States hold a
// pointer to it, so that copying a state copies only the state.
#pragma once

#include "model/linearizability/prepared_history.h"

namespace mapsim::linearizability {

struct SpecContext {
  const PreparedHistory* history = nullptr;
  /// Allocations may fail (the scenario injects allocation failures): an update may return
  /// ENOMEM and change nothing.
  bool allocation_failures = false;
  /// The history has program adds: element identity (generations) is tracked, so that an add
  /// through a pointer to a replaced or deleted element is known to be lost.
  bool track_generations = false;

  const PreparedOp& op(uint32_t index) const { return history->ops[index]; }
  const MapShape& shape() const { return history->shape; }
};

// bpf_map_update_elem / delete on a hash-family map take the bucket's rqspinlock, which fails
// with EDEADLK (a program nested on the CPU holding it) or ETIMEDOUT: the op then changes
// nothing. The reference models leave lock failures out; the checker accepts them as no-ops.
inline bool is_lock_failure(int rc) { return rc == -35 || rc == -110; }  // EDEADLK, ETIMEDOUT

}  // namespace mapsim::linearizability
