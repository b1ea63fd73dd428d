// The walk check: a userspace walk (a get_next_key walk, or a batch walk: BPF_MAP_LOOKUP_BATCH
// or LOOKUP_AND_DELETE_BATCH calls chained by their token) should return each key at most once
// and miss no key that was present during the whole walk.
//
// Neither is guaranteed by the kernel under concurrent changes (htab_map_get_next_key restarts
// from the first bucket when the current key was deleted, so keys repeat; an update that
// replaces a key links the new element at its bucket's head, behind a walk already past it, so
// a key present throughout can be missed). The hash family's batch walk carries a bucket index,
// not a key, so a delete cannot send it back to the first bucket; the generic batch lookup of
// arrays and LPM tries walks with get_next_key and inherits its restarts. The check reports
// repeats and skips for every kind of walk alike; a scenario declares them `expected` where
// that is the behaviour it documents.
//
// "Present during the whole walk" is observed, not inferred: while a walk is in flight,
// WalkPresence looks at the map after every simulator step (the step check, in direct mode,
// between two visible operations) and keeps the keys present at every one of those points,
// from the walk's start to its return.
//   hashed maps:  a syscall lookup of every key the scenario names (no other key can exist);
//   LPM tries:    the key set a get_next_key iteration returns (lookups match prefixes);
//   arrays:       every index below max_entries always exists: nothing to follow;
//   bloom filter: no keys, no walk.
// Maps created BPF_F_WRONLY refuse syscall lookups: their walks get no skip check.
#pragma once

#include <cstddef>
#include <vector>

#include "impl/map.h"
#include "scenarios/run/compiled_spec.h"
#include "scenarios/run/observation.h"

namespace mapsim::scenario {

class WalkPresence {
 public:
  explicit WalkPresence(const CompiledSpec& compiled);

  // True when some walk needs following at all (the step check can be left out otherwise).
  bool active() const { return !walks_.empty(); }
  // After every simulator step. REQUIRES: direct mode; `map` between two visible operations.
  void after_step(Map& map, const std::vector<Observation>& observations);
  // The keys present at every point of walk `slot` (sorted), or nullptr when not followed.
  const std::vector<Bytes>* present_throughout(size_t slot) const;

 private:
  struct Followed {
    size_t slot = 0;
    bool started = false;
    std::vector<Bytes> keys;  // sorted
  };
  std::vector<Bytes> present_now(Map& map);

  const CompiledSpec& compiled_;
  std::vector<Followed> walks_;
  Bytes scratch_;  // a syscall lookup's value buffer
};

struct WalkVerdict {
  std::vector<Bytes> repeated;  ///< keys returned more than once (each listed once)
  std::vector<Bytes> skipped;   ///< keys present throughout that the walk did not return
  bool skips_checked = false;   ///< the walk completed (rc 0) and presence was known

  bool repeats() const { return !repeated.empty(); }
  bool skips() const { return !skipped.empty(); }
};

// Judges a finished walk. `present` is WalkPresence's answer for it (may be nullptr).
WalkVerdict judge_walk(const CompiledSpec& compiled, const Observation& walk,
                       const std::vector<Bytes>* present);

}  // namespace mapsim::scenario
