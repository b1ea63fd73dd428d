// shrink_to_smallest_part(): from the ops of a non-linearizable partition, a smallest subset
// that is non-linearizable by itself: the part of the history a reader must look at.
//
// Removing ops from a history can create violations of its own (drop the update that wrote a
// value and the lookup that read it sees a value never written), so a removed op is not
// forgotten: it becomes a free op (linearization_search.h), which may take effect any number
// of times, anywhere, or never, its result unchecked. A part that stays non-linearizable with
// every other op free fails because of its own ops, whatever the others did.
//
// The shrinking is delta debugging (Zeller and Hildebrandt, "Simplifying and isolating
// failure-inducing input", TSE 2002) reduced to its complement steps: try to drop chunks of
// half the part, then quarters, down to single ops, latest ops first; keep every drop after
// which the part is still not linearizable. With single ops and no drop left the part is
// 1-minimal: no op can be dropped. A lookup_keep_pointer and its add_through_pointer are
// dropped together (the add means nothing without its pointer). Free ops that would do the
// same thing (same kind, CPU, caller, key, value, flags) are offered once. A check that runs
// out of
// budget counts as "still linearizable" (the drop is not made), and shrinking stops when the
// budget of searches or configurations is spent, so the part returned is always a verified
// non-linearizable part; `minimal` says whether shrinking finished.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "model/linearizability/linearization_search.h"
#include "model/linearizability/prepared_history.h"

namespace mapsim::linearizability {

// Checks `part` with `free` as free ops.
using PartCheck = std::function<SearchResult(const std::vector<uint32_t>& part,
                                             const std::vector<uint32_t>& free)>;

struct ShrinkBudget {
  uint32_t max_checks = 400;         ///< searches
  uint64_t max_total_states = 0;     ///< configurations, all searches together
};

struct SmallestPart {
  std::vector<uint32_t> ops;  ///< indices into PreparedHistory::ops, ascending
  bool minimal = false;       ///< no single op (or pointer pair) can be dropped
  uint32_t checks = 0;        ///< searches run
  uint64_t states = 0;        ///< configurations they explored
};

// REQUIRES: check(ops, {}) is kNotLinearizable.
SmallestPart shrink_to_smallest_part(const std::vector<uint32_t>& ops,
                                     const std::vector<PreparedOp>& prepared,
                                     const PartCheck& check, const ShrinkBudget& budget);

}  // namespace mapsim::linearizability
