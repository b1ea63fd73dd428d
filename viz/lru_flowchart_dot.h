// Drawing the LRU flowchart: plain, with one update's path highlighted, or with a whole run's
// coverage.
//
// In the svg (tests and the HTML report rely on this):
//   * every node's <g> has id = the node id ("lru.update.begin", "lru.out.eexist", ...) and
//     class "node" plus one of: "flow-plain", "flow-path" / "flow-faded" (path pictures),
//     "flow-reached" / "flow-unreached" (coverage pictures); failure steps add "flow-failure";
//   * every edge's <g> has id = "FROM--TO" and class "edge" plus "flow-plain", "flow-path" /
//     "flow-faded", or "flow-taken" / "flow-untaken";
//   * a transition or node that is not in the chart (a path from another list kind, or an
//     implementation that changed without the chart) is still drawn, red and dashed, with
//     class "flow-unexpected", and counted in LruCoverage::unexpected_*;
//   * legend nodes have ids "legend.*".
// Path pictures number the transitions in the order they were taken ("1", "2, 5" when a
// transition repeats); coverage pictures label nodes and edges with their counts, draw edges
// wider the more often they were taken, dash unreached nodes and state "nodes reached R / N"
// in the title.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "viz/lru_flowchart.h"
#include "viz/lru_path.h"
#include "viz/picture.h"

namespace mapsim::viz {

// Counts made from events alone (LruPathCounts::terminals_counted false) leave entry and outcome
// nodes out of the figures: they are drawn plain, and totals count event nodes and
// event-to-event transitions only.
struct LruCoverage {
  size_t nodes_reached = 0;
  size_t nodes_total = 0;   ///< nodes of the chart (counted ones)
  size_t edges_reached = 0;
  size_t edges_total = 0;   ///< edges of the chart (counted ones)
  std::vector<std::string> unexpected_nodes;                       ///< counted, not in chart
  std::vector<std::pair<std::string, std::string>> unexpected_edges;  ///< counted, not in chart
  std::string summary() const;  // "nodes reached 31 / 50 (62%), transitions 40 / 120"
};

LruCoverage lru_coverage(LruListKind kind, const LruPathCounts& counts);

std::string lru_flowchart_dot(LruListKind kind);
std::string lru_path_dot(LruListKind kind, const LruPath& path, std::string_view title);
std::string lru_coverage_dot(LruListKind kind, const LruPathCounts& counts,
                             std::string_view title);

Picture draw_lru_flowchart(LruListKind kind);
Picture draw_lru_path(LruListKind kind, const LruPath& path, std::string_view title);
Picture draw_lru_coverage(LruListKind kind, const LruPathCounts& counts, std::string_view title);

}  // namespace mapsim::viz
