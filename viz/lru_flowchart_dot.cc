// Dot text of the LRU flowchart and its overlays (lru_flowchart_dot.h).
#include "viz/lru_flowchart_dot.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "viz/dot_text.h"

namespace mapsim::viz {
namespace {

enum class Mode : uint8_t { kPlain, kPath, kCoverage };

struct Overlay {
  Mode mode = Mode::kPlain;
  std::string title;
  std::set<std::string> path_nodes;
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> path_edges;  // -> orders
  const LruPathCounts* counts = nullptr;
  uint64_t edge_count_max = 0;
  bool terminals_counted = true;  ///< coverage: entry/outcome nodes and their edges are counted
};

constexpr const char* kHighlight = "#d35400";
constexpr const char* kFailureColor = "#c0392b";
constexpr const char* kFaded = "#d9d9d9";
constexpr const char* kFadedText = "#a6a6a6";

const char* lock_fill(FlowLock lock) {
  switch (lock) {
    case FlowLock::kNone: return "#ffffff";
    case FlowLock::kLocalCpu: return "#cfe2ff";
    case FlowLock::kLocalAndGlobal: return "#cfe2ff:#ffd8a8";
    case FlowLock::kGlobal: return "#ffd8a8";
    case FlowLock::kRemoteCpu: return "#f8c8dc";
    case FlowLock::kOwnerCpu: return "#cfe2ff:#f8c8dc";
    case FlowLock::kBucket: return "#c9f0c9";
    case FlowLock::kCallerLru: return "#fff3b0";
  }
  return "#ffffff";
}

std::string edge_id(const std::string& from, const std::string& to) { return from + "--" + to; }

uint64_t count_of(const Overlay& overlay, const std::string& id) {
  if (overlay.counts == nullptr) return 0;
  const auto found = overlay.counts->nodes.find(id);
  return found == overlay.counts->nodes.end() ? 0 : found->second;
}

uint64_t count_of(const Overlay& overlay, const std::string& from, const std::string& to) {
  if (overlay.counts == nullptr) return 0;
  const auto found = overlay.counts->edges.find({from, to});
  return found == overlay.counts->edges.end() ? 0 : found->second;
}

DotAttributes base_node_look(const FlowNode& node) {
  DotAttributes look;
  look.set("id", node.id).set("label", node.label);
  switch (node.kind) {
    case FlowNodeKind::kEntry:
      look.set("shape", "oval").set("style", "filled").set("fillcolor", "#e8e8e8");
      break;
    case FlowNodeKind::kOutcome:
      look.set("shape", "box").set("style", "rounded,filled,bold");
      look.set("fillcolor", node.failure ? "#fadbd8" : "#d5f5d5");
      look.set("color", node.failure ? kFailureColor : "#1e8449");
      break;
    case FlowNodeKind::kStep:
      look.set("shape", "box").set("style", "rounded,filled");
      look.set("fillcolor", lock_fill(node.lock));
      if (node.failure) look.set("color", kFailureColor);
      break;
  }
  return look;
}

std::string node_statement(const FlowNode& node, const Overlay& overlay) {
  DotAttributes look = base_node_look(node);
  std::string classes = node.failure ? " flow-failure" : "";
  const bool uncounted = overlay.mode == Mode::kCoverage && !overlay.terminals_counted &&
                         node.kind != FlowNodeKind::kStep;
  if (overlay.mode == Mode::kPlain || uncounted) {
    classes = "flow-plain" + classes;
  } else if (overlay.mode == Mode::kPath) {
    if (overlay.path_nodes.contains(node.id)) {
      classes = "flow-path" + classes;
      look.set("penwidth", 3.0).set("color", kHighlight);
    } else {
      classes = "flow-faded" + classes;
      look.set("color", kFaded).set("fontcolor", kFadedText).set("fillcolor", "#fbfbfb");
    }
  } else {
    const uint64_t reached = count_of(overlay, node.id);
    if (reached > 0) {
      classes = "flow-reached" + classes;
      look.set("label", node.label + "\nx " + std::to_string(reached));
    } else {
      classes = "flow-unreached" + classes;
      look.set("style", "rounded,dashed");
      look.set("fontcolor", "#808080").set("fillcolor", "#ffffff");
    }
  }
  look.set("class", classes);
  return "  " + dot_quote(node.id) + look.text() + ";\n";
}

std::string join_orders(const std::vector<size_t>& orders) {
  std::string text;
  for (size_t order : orders) {
    if (!text.empty()) text += ", ";
    text += std::to_string(order);
  }
  return text;
}

std::string edge_statement(const std::string& from, const std::string& to,
                           const std::string& label, bool terminal_edge, const Overlay& overlay) {
  DotAttributes look;
  look.set("id", edge_id(from, to));
  if (!label.empty()) look.set("xlabel", label);
  std::string classes;
  const bool uncounted =
      overlay.mode == Mode::kCoverage && !overlay.terminals_counted && terminal_edge;
  if (overlay.mode == Mode::kPlain || uncounted) {
    classes = "flow-plain";
  } else if (overlay.mode == Mode::kPath) {
    const auto taken = overlay.path_edges.find({from, to});
    if (taken != overlay.path_edges.end()) {
      classes = "flow-path";
      look.set("color", kHighlight).set("penwidth", 3.0).set("fontcolor", kHighlight);
      look.set("xlabel", join_orders(taken->second)).set("fontsize", 12.0);
    } else {
      classes = "flow-faded";
      look.set("color", kFaded).set("fontcolor", kFadedText);
    }
  } else {
    const uint64_t taken = count_of(overlay, from, to);
    if (taken > 0) {
      classes = "flow-taken";
      const double scale = std::log1p(double(taken)) / std::log1p(double(overlay.edge_count_max));
      look.set("penwidth", 1.0 + 5.0 * scale);
      look.set("xlabel", (label.empty() ? "" : label + "\n") + "x " + std::to_string(taken));
    } else {
      classes = "flow-untaken";
      look.set("style", "dashed").set("color", "#b3b3b3").set("fontcolor", "#a6a6a6");
    }
  }
  look.set("class", classes);
  return "  " + dot_quote(from) + " -> " + dot_quote(to) + look.text() + ";\n";
}

// One node with a table: a colour swatch per lock held in this chart, and the failure border.
void write_legend(std::string& out, const LruFlowchart& chart) {
  std::set<FlowLock> locks;
  const FlowGraph& graph = chart.graph();
  for (auto [vertex, end] = boost::vertices(graph); vertex != end; ++vertex) {
    if (graph[*vertex].kind == FlowNodeKind::kStep) locks.insert(graph[*vertex].lock);
  }
  std::string table = "<TABLE BORDER=\"1\" COLOR=\"#999999\" CELLBORDER=\"0\" "
                      "CELLSPACING=\"3\"><TR><TD COLSPAN=\"2\"><B>lock held when the step is "
                      "reported</B></TD></TR>";
  for (FlowLock lock : locks) {
    table += "<TR><TD BGCOLOR=\"" + std::string(lock_fill(lock)) +
             "\" BORDER=\"1\" WIDTH=\"24\"> </TD><TD ALIGN=\"LEFT\">" +
             html_escape(flow_lock_name(lock)) + "</TD></TR>";
  }
  table += "<TR><TD BORDER=\"1\" COLOR=\"" + std::string(kFailureColor) +
           "\"> </TD><TD ALIGN=\"LEFT\">failure exit or failed lock (red border)</TD></TR>";
  table += "</TABLE>";
  DotAttributes look;
  look.set("id", "legend").set("shape", "plaintext").set("class", "legend");
  look.set_html("label", table);
  out += "  \"legend\"" + look.text() + ";\n";
}

std::string chart_title(const LruFlowchart& chart) {
  return chart.list_kind() == LruListKind::kCommon
             ? "mapsim LRU update path: common LRU (global list + per-CPU local lists)"
             : "mapsim LRU update path: per-CPU LRU (BPF_F_NO_COMMON_LRU)";
}

std::string chart_dot(const LruFlowchart& chart, const Overlay& overlay) {
  const FlowGraph& graph = chart.graph();
  std::string out = "digraph \"lru_" + std::string(lru_list_kind_name(chart.list_kind())) +
                    "\" {\n";
  DotAttributes graph_look;
  graph_look.set("label", overlay.title.empty() ? chart_title(chart) : overlay.title);
  graph_look.set("labelloc", "t").set("fontname", "Helvetica").set("fontsize", 16.0);
  graph_look.set("rankdir", "TB").set("nodesep", 0.25).set("ranksep", 0.35);
  // Edge conditions are external labels: Graphviz 2.43's dot double-frees memory at
  // gvFreeLayout() when edges inside clusters carry ordinary labels.
  graph_look.set("forcelabels", "true");
  out += "  graph" + graph_look.text() + ";\n";
  out += "  node [fontname=\"Helvetica\", fontsize=9, margin=\"0.08,0.03\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\", arrowsize=0.6];\n";
  write_legend(out, chart);
  // Nodes: steps grouped in clusters by the code they belong to; entries and outcomes free.
  std::map<std::string, std::vector<FlowVertex>> groups;
  for (auto [vertex, end] = boost::vertices(graph); vertex != end; ++vertex) {
    groups[graph[*vertex].group].push_back(*vertex);
  }
  int cluster = 0;
  for (const auto& [group, members] : groups) {
    const bool clustered = !group.empty();
    if (clustered) {
      out += "  subgraph cluster_" + std::to_string(cluster++) + " {\n";
      out += "    label=" + dot_quote(group) +
             "; style=\"rounded,dashed\"; color=\"#9e9e9e\"; fontsize=10;\n";
    }
    for (FlowVertex vertex : members) out += node_statement(graph[vertex], overlay);
    if (clustered) out += "  }\n";
  }
  // Entries on top, outcomes at the bottom.
  for (FlowNodeKind kind : {FlowNodeKind::kEntry, FlowNodeKind::kOutcome}) {
    out += kind == FlowNodeKind::kEntry ? "  { rank=source;" : "  { rank=sink;";
    for (auto [vertex, end] = boost::vertices(graph); vertex != end; ++vertex) {
      if (graph[*vertex].kind == kind) out += " " + dot_quote(graph[*vertex].id) + ";";
    }
    out += " }\n";
  }
  for (auto [edge, end] = boost::edges(graph); edge != end; ++edge) {
    const FlowNode& source = graph[boost::source(*edge, graph)];
    const FlowNode& target = graph[boost::target(*edge, graph)];
    const bool terminal_edge =
        source.kind != FlowNodeKind::kStep || target.kind != FlowNodeKind::kStep;
    out += edge_statement(source.id, target.id, graph[*edge].label, terminal_edge, overlay);
  }
  return out;
}

// Nodes and transitions of the overlay that the chart lacks: drawn red and dashed.
void append_unexpected(std::string& out, const LruFlowchart& chart,
                       const std::set<std::string>& nodes,
                       const std::set<std::pair<std::string, std::string>>& edges,
                       const Overlay& overlay) {
  for (const std::string& id : nodes) {
    if (chart.has_node(id)) continue;
    DotAttributes look;
    look.set("id", id).set("label", id + "\n(not in the chart)").set("shape", "box");
    look.set("style", "dashed,bold").set("color", kFailureColor).set("class", "flow-unexpected");
    out += "  " + dot_quote(id) + look.text() + ";\n";
  }
  for (const auto& [from, to] : edges) {
    if (chart.has_edge(from, to)) continue;
    DotAttributes look;
    look.set("id", edge_id(from, to)).set("style", "dashed,bold").set("color", kFailureColor);
    look.set("class", "flow-unexpected").set("penwidth", 2.0);
    const uint64_t taken = count_of(overlay, from, to);
    look.set("xlabel", "not in the chart" + (taken ? "\nx " + std::to_string(taken) : ""));
    out += "  " + dot_quote(from) + " -> " + dot_quote(to) + look.text() + ";\n";
  }
}

}  // namespace

std::string LruCoverage::summary() const {
  const double percent = nodes_total == 0 ? 0.0 : 100.0 * double(nodes_reached) / nodes_total;
  std::string text = "nodes reached " + std::to_string(nodes_reached) + " / " +
                     std::to_string(nodes_total) + " (" + dot_number(std::round(percent)) +
                     "%), transitions " + std::to_string(edges_reached) + " / " +
                     std::to_string(edges_total);
  if (!unexpected_nodes.empty() || !unexpected_edges.empty()) {
    text += "; NOT IN THE CHART: " + std::to_string(unexpected_nodes.size()) + " nodes, " +
            std::to_string(unexpected_edges.size()) + " transitions";
  }
  return text;
}

LruCoverage lru_coverage(LruListKind kind, const LruPathCounts& counts) {
  const LruFlowchart& chart = LruFlowchart::get(kind);
  const FlowGraph& graph = chart.graph();
  auto counted = [&](FlowVertex vertex) {
    return counts.terminals_counted || graph[vertex].kind == FlowNodeKind::kStep;
  };
  LruCoverage coverage;
  for (auto [vertex, end] = boost::vertices(graph); vertex != end; ++vertex) {
    coverage.nodes_total += counted(*vertex) ? 1 : 0;
  }
  for (auto [edge, end] = boost::edges(graph); edge != end; ++edge) {
    const bool both = counted(boost::source(*edge, graph)) && counted(boost::target(*edge, graph));
    coverage.edges_total += both ? 1 : 0;
  }
  for (const auto& [id, count] : counts.nodes) {
    if (count == 0) continue;
    if (chart.has_node(id)) {
      ++coverage.nodes_reached;
    } else {
      coverage.unexpected_nodes.push_back(id);
    }
  }
  for (const auto& [edge, count] : counts.edges) {
    if (count == 0) continue;
    if (chart.has_edge(edge.first, edge.second)) {
      ++coverage.edges_reached;
    } else {
      coverage.unexpected_edges.push_back(edge);
    }
  }
  return coverage;
}

std::string lru_flowchart_dot(LruListKind kind) {
  return chart_dot(LruFlowchart::get(kind), Overlay{}) + "}\n";
}

std::string lru_path_dot(LruListKind kind, const LruPath& path, std::string_view title) {
  const LruFlowchart& chart = LruFlowchart::get(kind);
  Overlay overlay;
  overlay.mode = Mode::kPath;
  overlay.title = std::string(title);
  const std::vector<std::string> ids = path.node_ids();
  std::set<std::pair<std::string, std::string>> edges;
  for (size_t i = 0; i < ids.size(); ++i) {
    overlay.path_nodes.insert(ids[i]);
    if (i == 0) continue;
    overlay.path_edges[{ids[i - 1], ids[i]}].push_back(i);
    edges.insert({ids[i - 1], ids[i]});
  }
  std::string out = chart_dot(chart, overlay);
  append_unexpected(out, chart, overlay.path_nodes, edges, overlay);
  return out + "}\n";
}

std::string lru_coverage_dot(LruListKind kind, const LruPathCounts& counts,
                             std::string_view title) {
  const LruFlowchart& chart = LruFlowchart::get(kind);
  Overlay overlay;
  overlay.mode = Mode::kCoverage;
  overlay.counts = &counts;
  overlay.terminals_counted = counts.terminals_counted;
  overlay.title = std::string(title) + (title.empty() ? "" : "\n") +
                  lru_coverage(kind, counts).summary();
  std::set<std::string> nodes;
  std::set<std::pair<std::string, std::string>> edges;
  for (const auto& [id, count] : counts.nodes) nodes.insert(id);
  for (const auto& [edge, count] : counts.edges) {
    edges.insert(edge);
    overlay.edge_count_max = std::max(overlay.edge_count_max, count);
  }
  std::string out = chart_dot(chart, overlay);
  append_unexpected(out, chart, nodes, edges, overlay);
  return out + "}\n";
}

Picture draw_lru_flowchart(LruListKind kind) { return make_picture(lru_flowchart_dot(kind)); }

Picture draw_lru_path(LruListKind kind, const LruPath& path, std::string_view title) {
  return make_picture(lru_path_dot(kind, path, title));
}

Picture draw_lru_coverage(LruListKind kind, const LruPathCounts& counts, std::string_view title) {
  return make_picture(lru_coverage_dot(kind, counts, title));
}

}  // namespace mapsim::viz
