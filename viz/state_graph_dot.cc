// Dot text of a state graph (viz/state_graph.h).
#include <algorithm>
#include <cstdio>
#include <string>

#include "viz/dot_text.h"
#include "viz/state_graph.h"

namespace mapsim::viz {
namespace {

// One colour per CPU for the transitions it takes.
const char* cpu_color(int cpu) {
  static const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd",
                                  "#8c564b", "#e377c2", "#17becf", "#7f7f7f"};
  return kColors[static_cast<unsigned>(cpu) % 8];
}

std::string title_of(const StateGraphInput& input, const BuiltStateGraph& built,
                     const StateGraphOptions& options, const std::string& render_note) {
  std::string title = input.title.empty() ? "state graph" : input.title;
  title += "\n" + std::to_string(built.states_total) + " states, " +
           std::to_string(built.transitions_total) + " transitions from " +
           std::to_string(input.executions.size()) + " executions";
  if (input.executions_seen > input.executions.size()) {
    title += "\nexecution cap: the first " + std::to_string(input.executions.size()) + " of " +
             std::to_string(input.executions_seen) + " executions recorded";
  }
  if (built.states_left_out > 0 || built.transitions_left_out > 0) {
    title += "\nstate cap " + std::to_string(options.state_cap) + ": " +
             std::to_string(built.states_left_out) + " states and " +
             std::to_string(built.transitions_left_out) +
             " transitions left out (the states nearest the start are drawn)";
  }
  if (boost::num_vertices(built.graph) > options.layout_effort_states) {
    title += "\nlayout effort limited above " + std::to_string(options.layout_effort_states) +
             " states (nslimit=2, mclimit=0.2) to bound render time";
  }
  if (!render_note.empty()) title += "\n" + render_note;
  return title;
}

std::string state_statement(const StateNode& node) {
  DotAttributes look;
  const std::string id = "state." + std::to_string(node.order);
  std::string classes = "state";
  look.set("id", id).set("label", std::to_string(node.order)).set("shape", "circle");
  look.set("style", "filled").set("fillcolor", "#ffffff").set("width", 0.3);
  look.set("fixedsize", "true").set("fontsize", 7.0);
  if (node.order == 0) {
    classes += " initial";
    look.set("fillcolor", "#dbe9ff").set("penwidth", 2.0);
  }
  if (node.final_state) {
    classes += " final";
    look.set("shape", "doublecircle").set("fillcolor", "#d5f5d5");
  }
  if (node.failed) {
    classes += " failed";
    look.set("fillcolor", "#ffd6d6").set("color", "#d62728").set("penwidth", 2.0);
    look.set("tooltip", node.verdict);
  } else {
    look.set("tooltip", "state " + std::to_string(node.order) + ", reached by " +
                            std::to_string(node.visits) + " executions");
  }
  look.set("class", classes);
  return "  " + dot_quote(id) + look.text() + ";\n";
}

}  // namespace

std::string state_graph_dot(const StateGraphInput& input, const StateGraphOptions& options,
                            const std::string& render_note) {
  const BuiltStateGraph built = build_state_graph(input, options);
  const StateGraph& graph = built.graph;
  std::string out = "digraph \"states\" {\n";
  DotAttributes look;
  look.set("label", title_of(input, built, options, render_note)).set("labelloc", "t");
  look.set("fontname", "Helvetica").set("fontsize", 12.0).set("rankdir", "TB");
  look.set("nodesep", 0.15).set("ranksep", 0.3);
  if (boost::num_vertices(graph) > options.layout_effort_states) {
    look.set("nslimit", 2.0).set("nslimit1", 2.0).set("mclimit", 0.2).set("searchsize", 10.0);
  }
  out += "  graph" + look.text() + ";\n";
  out += "  node [fontname=\"Helvetica\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=6, arrowsize=0.4];\n";
  for (auto [vertex, end] = boost::vertices(graph); vertex != end; ++vertex) {
    out += state_statement(graph[*vertex]);
  }
  for (auto [edge, end] = boost::edges(graph); edge != end; ++edge) {
    const StateEdge& data = graph[*edge];
    DotAttributes edge_look;
    edge_look.set("class", "transition").set("color", cpu_color(data.cpu));
    edge_look.set("fontcolor", cpu_color(data.cpu));
    edge_look.set("label", "cpu" + std::to_string(data.cpu) + " s" + std::to_string(data.step) +
                               "\n" + data.label);
    if (data.taken > 1) edge_look.set("penwidth", data.taken > 8 ? 2.5 : 1.5);
    out += "  " + dot_quote("state." + std::to_string(graph[boost::source(*edge, graph)].order)) +
           " -> " +
           dot_quote("state." + std::to_string(graph[boost::target(*edge, graph)].order)) +
           edge_look.text() + ";\n";
  }
  return out + "}\n";
}

Picture draw_state_graph(const StateGraphInput& input, const StateGraphOptions& options) {
  StateGraphOptions attempt = options;
  std::string tried;  // "400 states, then 100 states"
  std::string note;
  for (;;) {
    Picture picture =
        make_picture(state_graph_dot(input, attempt, note), "dot", attempt.render_seconds);
    const size_t smallest = std::max<size_t>(options.states_after_timeout_min, 1);
    if (!picture.timed_out || attempt.state_cap <= smallest) return picture;
    const size_t drawn =
        boost::num_vertices(build_state_graph(input, attempt).graph);
    tried += (tried.empty() ? "" : ", then ") + std::to_string(drawn) + " states";
    attempt.state_cap = std::max(smallest, std::min(attempt.state_cap, drawn) / 4);
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", attempt.render_seconds);
    note = "render time cap " + std::string(seconds) + " s: the layout of " +
           tried + " took longer; drawn again with at most " +
           std::to_string(attempt.state_cap) + " states";
  }
}

}  // namespace mapsim::viz
