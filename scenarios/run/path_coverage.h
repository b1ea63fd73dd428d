// PathCoverage: which LRU update-path events (impl/lru_path_event.h) a run reached, and how
// often, for reports and for viz/ (which colours the flowchart by these counts).
//
// Counted from every judged execution's trace: an event is one kPathEvent record; a transition
// (a, b) is event b following event a within the same scenario step of the same context, i.e.
// an edge of the flowchart that the step actually took. Transitions are not counted across
// steps, nor across the interleaving of other CPUs' events.
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include "sim/trace.h"

namespace mapsim::scenario {

struct PathCoverage {
  std::map<uint16_t, uint64_t> events;                          ///< event id -> times
  std::map<std::pair<uint16_t, uint16_t>, uint64_t> transitions; ///< (from, to) -> times

  void add_trace(const sim::Trace& trace);
  bool operator==(const PathCoverage&) const = default;
};

}  // namespace mapsim::scenario
