// Builds the two LruFlowchart graphs from the table in lru_flowchart_table.cc.
#include "viz/lru_flowchart.h"

#include <algorithm>

#include "impl/assert.h"

namespace mapsim::viz {

const char* lru_list_kind_name(LruListKind kind) {
  return kind == LruListKind::kCommon ? "common" : "percpu";
}

const char* flow_lock_name(FlowLock lock) {
  switch (lock) {
    case FlowLock::kNone: return "no lock";
    case FlowLock::kLocalCpu: return "this CPU's list lock";
    case FlowLock::kLocalAndGlobal: return "this CPU's local lock + global LRU lock";
    case FlowLock::kGlobal: return "global LRU lock";
    case FlowLock::kRemoteCpu: return "another CPU's local lock (steal victim)";
    case FlowLock::kOwnerCpu: return "the node owner CPU's list lock";
    case FlowLock::kBucket: return "bucket lock";
    case FlowLock::kCallerLru: return "caller's LRU locks (bucket lock taken inside)";
  }
  return "?";
}

std::string flow_node_id(PathEvent event) {
  const char* name = path_event_name(event);
  MAPSIM_ASSERT(name != nullptr, "a path event with a name");
  return name;
}

const LruFlowchart& LruFlowchart::get(LruListKind kind) {
  // Built once, thread-safe (magic statics), never modified afterwards.
  static const LruFlowchart common(LruListKind::kCommon);
  static const LruFlowchart percpu(LruListKind::kPercpu);
  return kind == LruListKind::kCommon ? common : percpu;
}

LruFlowchart::LruFlowchart(LruListKind kind) : kind_(kind) {
  const uint8_t chart = kind == LruListKind::kCommon ? internal::kCommonChart
                                                     : internal::kPercpuChart;
  for (const internal::FlowNodeRow& row : internal::flow_node_rows()) {
    if ((row.charts & chart) == 0) continue;
    MAPSIM_ASSERT(!vertices_.contains(row.node.id), "flowchart node ids are unique");
    // add_vertex(graph) then assign: add_vertex(property, graph) goes through Boost's
    // named-graph lookup, which GCC 12 warns about (-Wmaybe-uninitialized) at -O1.
    const FlowVertex vertex = boost::add_vertex(graph_);
    graph_[vertex] = row.node;
    vertices_.emplace(row.node.id, vertex);
  }
  for (const internal::FlowEdgeRow& row : internal::flow_edge_rows()) {
    if ((row.charts & chart) == 0) continue;
    const std::optional<FlowVertex> from = vertex(row.from);
    const std::optional<FlowVertex> to = vertex(row.to);
    MAPSIM_ASSERT(from.has_value(), "an edge starts at a node of its chart");
    MAPSIM_ASSERT(to.has_value(), "an edge ends at a node of its chart");
    MAPSIM_ASSERT(!boost::edge(*from, *to, graph_).second, "flowchart edges are listed once");
    boost::add_edge(*from, *to, FlowEdge{row.label}, graph_);
  }
}

std::optional<FlowVertex> LruFlowchart::vertex(std::string_view id) const {
  const auto found = vertices_.find(id);
  if (found == vertices_.end()) return std::nullopt;
  return found->second;
}

bool LruFlowchart::has_edge(std::string_view from, std::string_view to) const {
  const std::optional<FlowVertex> source = vertex(from);
  const std::optional<FlowVertex> target = vertex(to);
  return source && target && boost::edge(*source, *target, graph_).second;
}

std::vector<std::string> LruFlowchart::node_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, vertex] : vertices_) ids.push_back(id);
  return ids;  // std::map: already sorted
}

std::vector<std::pair<std::string, std::string>> LruFlowchart::edge_ids() const {
  std::vector<std::pair<std::string, std::string>> ids;
  for (auto [edge, end] = boost::edges(graph_); edge != end; ++edge) {
    ids.emplace_back(graph_[boost::source(*edge, graph_)].id,
                     graph_[boost::target(*edge, graph_)].id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace mapsim::viz
