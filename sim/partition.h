// Splitting one exploration into parts that can run on separate threads, with results that do
// not depend on how many threads run them.
//
// The split depends on the scenario and the strategy only:
// - seeded strategies (random, pct): the executions 0 .. budget-1 are cut into consecutive
//   ranges; the part [a, b) runs executions a .. b-1 with the run's own seed (execution k of a
//   random walk is seeded hash(seed, k) wherever it runs, so the parts together run exactly the
//   executions one strategy would; PCT learns its step estimate afresh in every part);
// - systematic strategies (dpor, bounded): the ways the first d steps can go
//   (sim/strategy/prefix_enumerator.h), d the smallest depth giving at least kTargetParts
//   prefixes (or the depth at which every execution has ended); each part explores the subtree
//   below its prefix: DPOR with the prefix's sleep set, bounded DFS from the prefix's
//   preemption count up to the bound. Bounded parts together run exactly the executions of one
//   bounded search. DPOR parts together reach every Mazurkiewicz trace, but two parts can run
//   equivalent executions (a part cannot veto a wakeup on the strength of another part's
//   branch, sim/strategy/dpor.h): 1.0 to 1.9 times the executions of one DPOR search on the
//   simulator's test programs (tests/sim_partition_test.cc prints the ratio), the price of
//   results that do not depend on the thread count.
// The budget is shared out over the parts in part order (budget / parts each, the first
// budget % parts one more); a part with no budget runs nothing.
//
// A multi-threaded run merges the parts' results in part order and, when it stops at the
// first failure, keeps the parts up to the first failing one: the same results as running the
// parts one after the other on one thread (run_parts_in_order).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/explorer.h"
#include "sim/strategy/prefix_enumerator.h"
#include "sim/strategy/strategy_config.h"

namespace mapsim::sim {

struct ExplorationPart {
  size_t index = 0;
  Prefix prefix;                 ///< systematic strategies: where the part starts
  uint64_t first_execution = 0;  ///< seeded strategies: the first execution's index
  uint64_t executions = 0;       ///< the part's budget
};

struct PartitionPlan {
  std::vector<ExplorationPart> parts;
  uint32_t prefix_depth = 0;  ///< systematic strategies: steps per prefix
  uint64_t enumeration_executions = 0;  ///< partial executions the planning ran
  std::string error;          ///< the scenario or the strategy cannot run
};

inline constexpr size_t kTargetParts = 8;
inline constexpr uint32_t kMaxPrefixDepth = 12;

// `options` are the exploration's (execution limits matter: allocation failures branch).
PartitionPlan plan_partition(const Scenario& scenario, const StrategyConfig& strategy,
                             const ExplorerOptions& options);

// Runs run(part) for part = 0 .. count-1 on `jobs` threads (jobs >= 1), starting parts in index
// order. run() returns true when the whole run must stop after this part (a failure with
// stop-on-failure); the parts after the first such part are then not started, and `cancelled`
// (the index of that part) tells the running ones to stop early. Returns the number of parts
// whose results count: every part up to and including the first stopping one.
size_t run_parts_in_order(size_t count, int jobs,
                          const std::function<bool(size_t part,
                                                   const std::atomic<size_t>& stop_at)>& run);

}  // namespace mapsim::sim
