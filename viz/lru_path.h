// LRU paths: the events one CPU reported during one operation, as a walk through the
// LruFlowchart (entry node, event nodes, outcome node), and counts of many such walks.
//
// Splitting. An update's walk starts at its 100 event (entry "lru.op.update"); a walk starting
// with a push (7xx) is a delete's (entry "lru.op.delete"), one starting with 800 a program
// lookup's. A batch operation reports several walks back to back: a new 100, or a new push or
// lookup after a finished one, starts the next walk. The outcome node follows from the events
// (111 -> success, 104 -> -EEXIST, 105 -> -ENOENT, 102 -> -ENOMEM, 103 -> bucket lock error;
// delete -> deleted; lookup -> found) and is attached once the walk is known to be finished:
// the operation returned, or the next walk began. A walk cut short (the execution stopped in
// the middle of the operation) has no outcome.
//
// Counts are what coverage pictures draw and what a scenario runner accumulates over a run:
// node id -> times reached, (from, to) -> times taken.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "impl/lru_path_event.h"
#include "sim/trace.h"

namespace mapsim::viz {

struct LruPath {
  std::string entry;               ///< entry node id; "" when the first event starts no walk
  std::vector<PathEvent> events;
  std::string outcome;             ///< outcome node id; "" when cut short

  // entry (if any), one id per event, outcome (if any).
  std::vector<std::string> node_ids() const;
};

// Splits the events one CPU reported during one operation into walks. `finished`: the
// operation returned, so its last walk is complete.
std::vector<LruPath> split_lru_paths(std::span<const PathEvent> events, bool finished);

// The value an operation returns after a walk that ends at `outcome` (errno negative), or
// nullopt for the bucket-lock outcome (-EDEADLK or -ETIMEDOUT) and unknown ids.
std::optional<int64_t> lru_outcome_result(std::string_view outcome);

struct TracedLruPath {
  int context = 0;
  int cpu = 0;
  uint64_t operation = 0;          ///< index in the context's program
  bool finished = false;           ///< the operation returned within the trace
  int64_t result = 0;              ///< what it returned (when finished)
  size_t paths_in_operation = 1;   ///< walks the operation reported (batches: several)
  LruPath path;
};

// Every walk in a simulator trace, in the order the operations began.
std::vector<TracedLruPath> lru_paths_of(const sim::Trace& trace);

struct LruPathCounts {
  std::map<std::string, uint64_t> nodes;
  std::map<std::pair<std::string, std::string>, uint64_t> edges;
  uint64_t paths = 0;
  /// Entry and outcome nodes (and the edges to and from them) are counted. False for counts
  /// made from events alone (lru_path_counts_from_events): coverage then judges event nodes and
  /// event-to-event transitions only.
  bool terminals_counted = true;

  void add(const LruPath& path);
  void add(const LruPathCounts& other);
  void add_trace(const sim::Trace& trace);
};

// Counts kept by event id, as a scenario runner that sees only path events keeps them: event ->
// times reached, (event, next event of the same context within the same operation) -> times.
// Pairs that cross a walk boundary (a batch's next element: x -> 100; anything after a program
// lookup's 800; after a finished push, anything but 111) are dropped, as split_lru_paths()
// would split them; ids without a name become "lru.unknown.N" (drawn as not in the chart).
LruPathCounts lru_path_counts_from_events(
    const std::map<uint16_t, uint64_t>& events,
    const std::map<std::pair<uint16_t, uint16_t>, uint64_t>& transitions);

}  // namespace mapsim::viz
