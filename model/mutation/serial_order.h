// serial_order(): whether an execution ran its scenario operations one at a time, and in which
// order.
//
// An operation occupies the steps between its begin and end records in the trace (a visible
// operation of its context after kOperationBegin and before kOperationEnd). The execution is
// serial when no two operations' step intervals overlap: then each operation saw the map as the
// previous ones left it, exactly as if they had been called one after another from userspace,
// and a sequential reference model must give the same results in that order. Code that runs
// before an operation's first visible step (fibers start all programs before the first choice)
// touches nothing shared, so it does not count.
//
// Operations with no visible step at all cannot be placed; an execution with one is reported as
// not serial (the caller then skips sequential comparisons, it does not guess).
#pragma once

#include <optional>
#include <vector>

#include "sim/trace.h"

namespace mapsim::mutation {

struct OperationRef {
  int context = 0;  ///< the context that ran it (Outcome::contexts index)
  int index = 0;    ///< its position in that context's program

  bool operator==(const OperationRef&) const = default;
};

// The operations in the order they ran when the execution was serial; nullopt otherwise.
std::optional<std::vector<OperationRef>> serial_order(const sim::Trace& trace);

}  // namespace mapsim::mutation
