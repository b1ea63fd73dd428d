// check_linearizable(): is one execution's history (history.h) linearizable with respect to the
// map's sequential specification? The entry point of model/linearizability/; the scenario
// runner calls it at the end of every execution (docs/linearizability.md).
//
//   LinearizabilityVerdict verdict = check_linearizable(history, options);
//   switch (verdict.kind) { ... }                 // linearizable / not / not checkable
//   std::cout << format_verdict(verdict);
//
// - Specifications: HASH, PERCPU_HASH, ARRAY, PERCPU_ARRAY against the reference model
//   (model_spec.h); LRU_HASH, LRU_PERCPU_HASH against the LRU specification with the evictions
//   a concurrent kernel may make (lru_spec.h). Other map types: not checkable.
// - Partitions (partition.h): per key where keys are independent, else the whole history.
// - Search (linearization_search.h): Wing-Gong / Lowe with memoisation, per partition, within
//   options.max_states configurations; running out is "not checkable", never "linearizable".
// - A violation comes with the smallest part of its partition that is not linearizable by
//   itself (smallest_part.h), each op with its interval, and caveats when the part holds an op
//   the kernel does not perform atomically (kernel behaviour a scenario may expect).
// - Walks are not checked here (their steps are not in the history; the walk check judges
//   them): they are listed in `unchecked`, and the verdict says so.
// - A history that does not fit its map (unknown step kind, wrong key or value size, ...)
//   throws HistoryError (history_error.h): an internal error, never a verdict.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/linearizability/history.h"

namespace mapsim::linearizability {

struct LinearizabilityOptions {
  /// Configurations one partition's search may explore before the verdict is "not checkable".
  uint64_t max_states = 2'000'000;
  /// Shrinking a violation: searches at most, configurations per search, configurations in
  /// all (the part found so far is reported when they run out).
  uint32_t shrink_max_checks = 400;
  uint64_t shrink_max_states = 100'000;
  uint64_t shrink_max_total_states = 2'000'000;
  /// Check keys apart where they are independent (partition.h); false: always the whole
  /// history (slower, the same verdicts; tests compare the two).
  bool partition_per_key = true;
  /// The scenario injects allocation failures: an update may fail with ENOMEM, changing nothing.
  bool allocation_failures = false;
};

// One op of the history, as a report shows it.
struct ReportedOp {
  uint32_t index = 0;  ///< in History::ops
  std::string label;
  int line = 0;        ///< scenario line, 0 if unknown
  int context = 0;
  int cpu = 0;
  scenario::StepKind kind = scenario::StepKind::kLookup;
  Via via = Via::kSyscall;
  std::optional<Bytes> key;
  Bytes value;         ///< the step's value (update value, addend)
  uint64_t flags = 0;
  int64_t rc = 0;
  Bytes observed;      ///< what it read
  uint32_t invoked_step = 0;
  uint32_t returned_step = 0;
};

struct LinearizabilityStats {
  uint32_t ops_checked = 0;     ///< history ops (walks excluded)
  uint32_t partitions = 0;
  uint32_t largest_partition = 0;  ///< ops
  uint64_t states = 0;          ///< configurations explored, all partitions
  uint64_t cache_hits = 0;      ///< configurations skipped as already explored
  uint32_t shrink_checks = 0;   ///< searches run to shrink a violation
  uint64_t shrink_states = 0;   ///< configurations they explored
};

struct LinearizabilityVerdict {
  enum class Kind : uint8_t { kLinearizable, kNotLinearizable, kNotCheckable };
  Kind kind = Kind::kNotCheckable;
  /// kNotCheckable: why. kNotLinearizable: which partition failed. kLinearizable: empty.
  std::string reason;
  /// How the history was split: "per key" or "whole history: <why>".
  std::string partitioning;
  /// kNotLinearizable: the smallest part found, by invocation.
  std::vector<ReportedOp> smallest_part;
  bool smallest_part_minimal = false;  ///< no op of it can be dropped
  /// kNotLinearizable: kernel non-atomicities the part involves (the violation may be
  /// documented kernel behaviour), one sentence each.
  std::vector<std::string> caveats;
  std::vector<ReportedOp> unchecked;  ///< walks
  LinearizabilityStats stats;
};

LinearizabilityVerdict check_linearizable(const History& history,
                                          const LinearizabilityOptions& options = {});

// Several lines: the verdict, the reason, the part with one op per line
//   "  cpu1 [12, 30] update key 01000000 value 0200... flags 0 -> rc 0 ('cpu1.0', line 17)",
// the caveats, what was not checked, and the statistics.
std::string format_verdict(const LinearizabilityVerdict& verdict);

}  // namespace mapsim::linearizability
