// Dot text of swimlanes (viz/swimlane.h): positions computed here, drawn by Graphviz's nop2.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "viz/dot_text.h"
#include "viz/errno_names.h"
#include "viz/swimlane.h"
#include "viz/swimlane_layout.h"

namespace mapsim::viz {
namespace {

using internal::SwimlaneItem;
using internal::SwimlaneLayout;
using internal::SwimlaneRelation;
using Look = SwimlaneItem::Look;

// Geometry, in points (1/72 inch).
constexpr double kLaneWidth = 300;
constexpr double kBoxWidth = 250;
constexpr double kNestedIndent = 36;
constexpr double kHeaderHeight = 40;
constexpr size_t kLabelCharsMax = 52;

constexpr const char* kViolationColor = "#d62728";

double item_height(Look look) {
  switch (look) {
    case Look::kInvoke:
    case Look::kResult: return 18;
    case Look::kStep:
    case Look::kPathEvent: return 11;
    case Look::kAnchor: return 5;
    case Look::kGap: return 26;
  }
  return 12;
}

std::string clipped(const std::string& text) {
  if (text.size() <= kLabelCharsMax) return text;
  return text.substr(0, kLabelCharsMax - 3) + "...";
}

std::string position(double x, double y) { return dot_number(x) + "," + dot_number(y) + "!"; }

struct Geometry {
  std::map<int, double> lane_x;  // CPU -> lane centre
  std::vector<double> item_y;    // centre of each item
  double bottom = 0;
  double right = 0;              // right edge of the last lane
};

Geometry geometry_of(const SwimlaneTrace& trace, const SwimlaneLayout& layout) {
  Geometry geometry;
  std::set<int> cpus;
  for (const SwimlaneContext& context : trace.contexts) cpus.insert(context.cpu);
  for (int cpu : cpus) {
    geometry.lane_x[cpu] = kLaneWidth / 2 + kLaneWidth * double(geometry.lane_x.size());
  }
  geometry.right = kLaneWidth * double(cpus.size());
  double y = -kHeaderHeight;
  for (const SwimlaneItem& item : layout.items) {
    const double height = item_height(item.look);
    geometry.item_y.push_back(y - height / 2);
    y -= height + 4;
  }
  geometry.bottom = y - 10;
  return geometry;
}

double context_x(const SwimlaneTrace& trace, const Geometry& geometry, int context) {
  const SwimlaneContext& info = trace.contexts[context];
  return geometry.lane_x.at(info.cpu) + (info.nested ? kNestedIndent / 2 : 0);
}

double context_box_width(const SwimlaneTrace& trace, int context) {
  return trace.contexts[context].nested ? kBoxWidth - kNestedIndent : kBoxWidth;
}

void write_lanes(std::string& out, const Geometry& geometry) {
  bool shaded = false;
  for (const auto& [cpu, x] : geometry.lane_x) {
    DotAttributes lane;
    lane.set("id", "lane.cpu" + std::to_string(cpu)).set("class", "lane").set("label", "");
    lane.set("shape", "box").set("style", "filled").set("color", "#e0e0e0");
    lane.set("fillcolor", shaded ? "#f4f4f4" : "#fbfbfb");
    lane.set("width", (kLaneWidth - 6) / 72).set("height", -geometry.bottom / 72);
    lane.set("pos", position(x, geometry.bottom / 2));
    out += "  \"lane.cpu" + std::to_string(cpu) + "\"" + lane.text() + ";\n";
    DotAttributes title;
    title.set("id", "lane.cpu" + std::to_string(cpu) + ".title").set("class", "lane-title");
    title.set("label", "CPU " + std::to_string(cpu)).set("shape", "plaintext");
    title.set("fontsize", 14.0).set("width", 1.5).set("height", 0.3);
    title.set("pos", position(x, -kHeaderHeight / 2));
    out += "  \"lane.cpu" + std::to_string(cpu) + ".title\"" + title.text() + ";\n";
    shaded = !shaded;
  }
}

// A tinted frame behind each interrupt's items, from its first to its last drawn item.
void write_interrupt_frames(std::string& out, const SwimlaneTrace& trace,
                            const SwimlaneLayout& layout, const Geometry& geometry) {
  std::map<int, std::pair<double, double>> spans;  // context -> (top, bottom)
  for (size_t i = 0; i < layout.items.size(); ++i) {
    const SwimlaneItem& item = layout.items[i];
    if (item.record == internal::kNoItem) continue;
    const int context = trace.records[item.record].context;
    if (!trace.contexts[context].nested) continue;
    const double half = item_height(item.look) / 2;
    auto [entry, added] = spans.emplace(context, std::make_pair(geometry.item_y[i] + half,
                                                                geometry.item_y[i] - half));
    entry->second.second = geometry.item_y[i] - half;
  }
  for (const auto& [context, span] : spans) {
    const double top = span.first + 14;
    const double bottom = span.second - 4;
    DotAttributes frame;
    const std::string id = "irq.ctx" + std::to_string(context);
    frame.set("id", id).set("class", "irq-frame").set("shape", "box");
    frame.set("style", "filled,rounded").set("fillcolor", "#efe3fb").set("color", "#9b59b6");
    frame.set("label", "interrupt: " + trace.contexts[context].name).set("labelloc", "t");
    frame.set("fontsize", 8.0).set("fontcolor", "#6c3483");
    frame.set("width", (kBoxWidth - kNestedIndent + 16) / 72).set("height", (top - bottom) / 72);
    frame.set("pos", position(context_x(trace, geometry, context), (top + bottom) / 2));
    out += "  " + dot_quote(id) + frame.text() + ";\n";
  }
}

std::string item_id(const SwimlaneTrace& trace, const SwimlaneItem& item) {
  if (item.look == Look::kGap) return "gap." + std::to_string(item.gap);
  const SwimlaneRecord& record = trace.records[item.record];
  const std::string op = "ctx" + std::to_string(record.context) + ".op" +
                         std::to_string(record.operation);
  switch (item.look) {
    case Look::kInvoke: return op + ".invoke";
    case Look::kResult: return op + ".result";
    case Look::kStep:
    case Look::kAnchor: return "step." + std::to_string(record.step);
    case Look::kPathEvent: return "event." + std::to_string(item.record);
    case Look::kGap: break;
  }
  return "gap";
}

// Small values in decimal; larger ones (stable pointer values, hashes) in hex.
std::string value_text(int64_t value) {
  if (value >= -(int64_t{1} << 31) && value < (int64_t{1} << 31)) return std::to_string(value);
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(value));
  return buffer;
}

std::string step_label(const SwimlaneRecord& record) {
  return clipped("s" + std::to_string(record.step) + " " + record.text + " = " +
                 value_text(record.value));
}

// Whether the failed check names the operation `item` belongs to (an invocation or result box).
bool blamed(const SwimlaneTrace& trace, const SwimlaneItem& item) {
  if (!trace.violation || trace.violation->operations.empty()) return false;
  if (item.look != Look::kInvoke && item.look != Look::kResult) return false;
  const SwimlaneRecord& record = trace.records[item.record];
  const std::vector<SwimlaneOperation>& named = trace.violation->operations;
  return std::find(named.begin(), named.end(),
                   SwimlaneOperation{record.context, record.operation}) != named.end();
}

void style_item(DotAttributes& look, const SwimlaneTrace& trace, const SwimlaneItem& item,
                bool violating) {
  const SwimlaneRecord& record = trace.records[item.record];
  const double width = context_box_width(trace, record.context);
  look.set("shape", "box").set("width", width / 72).set("height", item_height(item.look) / 72);
  switch (item.look) {
    case Look::kInvoke:
      look.set("class", "op-invoke").set("style", "filled,rounded").set("fillcolor", "#dbe9ff");
      look.set("label", clipped("> " + record.text)).set("color", "#5b7db1");
      break;
    case Look::kResult: {
      const bool error = record.value < 0;
      look.set("class", error ? "op-result op-error" : "op-result");
      look.set("style", "filled,rounded").set("fillcolor", error ? "#ffe0b2" : "#d5f5d5");
      look.set("color", error ? "#e67e22" : "#27ae60");
      look.set("label", "< " + result_text(record.value));
      break;
    }
    case Look::kStep:
      look.set("class", "step").set("style", "filled").set("fillcolor", "#ffffff");
      look.set("color", "#c8c8c8").set("fontsize", 7.0).set("label", step_label(record));
      break;
    case Look::kPathEvent:
      look.set("class", "path-event").set("shape", "plaintext").set("fontsize", 7.0);
      look.set("fontcolor", "#8a6d00").set("fontname", "Helvetica-Oblique");
      look.set("label", clipped(record.text + " (" + std::to_string(record.value) + ")"));
      break;
    case Look::kAnchor:
      look.set("class", "step anchor").set("shape", "point").set("width", 0.07);
      look.set("height", 0.07).set("color", "#555555").set("label", "");
      break;
    case Look::kGap:
      break;
  }
  if (violating) {
    look.set("class", "step violating-step").set("shape", "box").set("style", "filled");
    look.set("fillcolor", "#ffd6d6").set("color", kViolationColor).set("penwidth", 2.0);
    look.set("fontcolor", kViolationColor).set("fontsize", 8.0);
    look.set("width", width / 72).set("height", 14.0 / 72).set("label", step_label(record));
  }
  if (blamed(trace, item)) {
    const bool error = item.look == Look::kResult && record.value < 0;
    look.set("class", std::string(item.look == Look::kInvoke ? "op-invoke"
                                  : error                    ? "op-result op-error"
                                                             : "op-result") +
                          " blamed-op");
    look.set("fillcolor", "#ffd6d6").set("color", kViolationColor).set("penwidth", 2.0);
    look.set("fontcolor", kViolationColor);
  }
}

void write_items(std::string& out, const SwimlaneTrace& trace, const SwimlaneLayout& layout,
                 const Geometry& geometry) {
  for (size_t i = 0; i < layout.items.size(); ++i) {
    const SwimlaneItem& item = layout.items[i];
    DotAttributes look;
    const std::string id = item_id(trace, item);
    look.set("id", id);
    if (item.look == Look::kGap) {
      const internal::SwimlaneGap& gap = layout.gaps[item.gap];
      look.set("class", "cap-gap").set("shape", "plaintext").set("fontcolor", "#b03a2e");
      look.set("label", "... " + std::to_string(gap.records) + " records left out (steps " +
                            std::to_string(gap.first_step) + " to " +
                            std::to_string(gap.last_step) + ") ...");
      look.set("width", geometry.right / 72).set("height", item_height(Look::kGap) / 72);
      look.set("pos", position(geometry.right / 2, geometry.item_y[i]));
    } else {
      style_item(look, trace, item, layout.violating_record == item.record);
      const int context = trace.records[item.record].context;
      look.set("pos", position(context_x(trace, geometry, context), geometry.item_y[i]));
    }
    out += "  " + dot_quote(id) + look.text() + ";\n";
  }
}

void write_program_order(std::string& out, const SwimlaneTrace& trace,
                         const SwimlaneLayout& layout) {
  std::map<int, size_t> previous;  // context -> last item
  for (size_t i = 0; i < layout.items.size(); ++i) {
    const SwimlaneItem& item = layout.items[i];
    if (item.record == internal::kNoItem) {
      previous.clear();  // no line across the gap
      continue;
    }
    const int context = trace.records[item.record].context;
    const auto last = previous.find(context);
    if (last != previous.end()) {
      const bool inside_operation = item.look != Look::kInvoke;
      DotAttributes look;
      look.set("class", "program-order").set("arrowhead", "none");
      look.set("color", inside_operation ? "#7f8c8d" : "#c8c8c8");
      look.set("style", inside_operation ? "solid" : "dashed");
      out += "  " + dot_quote(item_id(trace, layout.items[last->second])) + " -> " +
             dot_quote(item_id(trace, item)) + look.text() + ";\n";
    }
    previous[context] = i;
  }
}

void write_relations(std::string& out, const SwimlaneTrace& trace, const SwimlaneLayout& layout) {
  for (const SwimlaneRelation& relation : layout.relations) {
    const SwimlaneItem& from = layout.items[layout.item_of_record[relation.from]];
    const SwimlaneItem& to = layout.items[layout.item_of_record[relation.to]];
    const bool handoff = relation.kind == SwimlaneRelation::Kind::kHandoff;
    DotAttributes look;
    look.set("class", handoff ? "handoff" : "reads-from");
    look.set("color", handoff ? "#e67e22" : "#2e86c1").set("arrowsize", 0.5);
    look.set("style", handoff ? "bold" : "dotted");
    look.set("tooltip", (handoff ? "lock hand-off " : "reads from ") +
                            trace.records[relation.to].object_name);
    out += "  " + dot_quote(item_id(trace, from)) + " -> " + dot_quote(item_id(trace, to)) +
           look.text() + ";\n";
  }
}

std::string wrapped_lines(const std::string& text, size_t width) {
  std::string out;
  size_t column = 0;
  for (char c : text) {
    if (c == '\n' || (c == ' ' && column >= width)) {
      out += '\n';
      column = 0;
      continue;
    }
    out += c;
    ++column;
  }
  return out;
}

// The red note with the failed check, beside the violating step (or at the end).
void write_violation(std::string& out, const SwimlaneTrace& trace, const SwimlaneLayout& layout,
                     const Geometry& geometry) {
  if (!trace.violation) return;
  const SwimlaneViolation& violation = *trace.violation;
  std::string label = "VIOLATION (" + violation.kind + ")\n" +
                      wrapped_lines(violation.message, 48);
  double y = geometry.bottom;
  std::string anchor;
  if (layout.violating_record) {
    const size_t item = layout.item_of_record[*layout.violating_record];
    if (item != internal::kNoItem) {
      y = geometry.item_y[item];
      anchor = item_id(trace, layout.items[item]);
    }
    label += "\nat step " + std::to_string(*violation.step);
  } else {
    label += "\n(after the last step)";
    if (!violation.operations_source.empty()) {
      const size_t named = violation.operations.size();
      label += "\n" + wrapped_lines("failed check: " + violation.kind + "; " +
                                        (named == 0 ? std::string("no operation")
                                                    : std::to_string(named) +
                                                          (named == 1 ? " operation" : " operations") +
                                                          " in red") +
                                        ": " + violation.operations_source,
                                    48);
    }
  }
  DotAttributes look;
  look.set("id", "violation").set("class", "violation").set("shape", "box");
  look.set("style", "filled,bold").set("fillcolor", "#ffe5e5").set("color", kViolationColor);
  look.set("fontcolor", kViolationColor).set("fontsize", 10.0).set("label", label);
  // Beside its step, but never over the legend in the top right corner.
  y = std::min(y, -kHeaderHeight - 190);
  look.set("fixedsize", "false").set("width", 3.6).set("height", 0.9);
  look.set("pos", position(geometry.right + 150, y));
  out += "  \"violation\"" + look.text() + ";\n";
  if (!anchor.empty()) {
    out += "  " + dot_quote(anchor) + " -> \"violation\" [class=\"violation-link\", color=\"" +
           std::string(kViolationColor) + "\", penwidth=2];\n";
  }
}

void write_legend(std::string& out, const Geometry& geometry) {
  const std::string table =
      "<TABLE BORDER=\"1\" COLOR=\"#bbbbbb\" CELLBORDER=\"0\" CELLSPACING=\"2\">"
      "<TR><TD BGCOLOR=\"#dbe9ff\">&gt; operation invoked</TD></TR>"
      "<TR><TD BGCOLOR=\"#d5f5d5\">&lt; returned 0</TD></TR>"
      "<TR><TD BGCOLOR=\"#ffe0b2\">&lt; returned an error</TD></TR>"
      "<TR><TD><FONT COLOR=\"#e67e22\">&#8594; lock hand-off</FONT></TD></TR>"
      "<TR><TD><FONT COLOR=\"#2e86c1\">&#8594; reads from (dotted)</FONT></TD></TR>"
      "<TR><TD BGCOLOR=\"#efe3fb\">interrupt (nested program)</TD></TR>"
      "<TR><TD><FONT COLOR=\"#d62728\">violating step</FONT></TD></TR>"
      "<TR><TD BGCOLOR=\"#ffd6d6\"><FONT COLOR=\"#d62728\">operation the failed check names"
      "</FONT></TD></TR></TABLE>";
  DotAttributes look;
  look.set("id", "legend").set("class", "legend").set("shape", "plaintext");
  look.set("fontsize", 8.0).set("fixedsize", "false").set_html("label", table);
  look.set("pos", position(geometry.right + 150, -kHeaderHeight - 60));
  out += "  \"legend\"" + look.text() + ";\n";
}

std::string title_of(const SwimlaneTrace& trace, const SwimlaneLayout& layout,
                     const SwimlaneOptions& options) {
  std::string title = trace.title.empty() ? "execution" : trace.title;
  title += "\n" + std::to_string(trace.records.size()) + " trace records";
  if (!layout.gaps.empty()) {
    title += "\npicture cap: " + std::to_string(options.record_cap) + " items drawn of " +
             std::to_string(layout.candidate_items) + "; " +
             std::to_string(layout.left_out_records) + " records left out:";
    for (const internal::SwimlaneGap& gap : layout.gaps) {
      title += "\nrecords " + std::to_string(gap.first_record) + " to " +
               std::to_string(gap.last_record) + " (" + std::to_string(gap.records) +
               " records, steps " + std::to_string(gap.first_step) + " to " +
               std::to_string(gap.last_step) + ")";
    }
  }
  return title;
}

}  // namespace

std::string swimlane_dot(const SwimlaneTrace& trace, const SwimlaneOptions& options,
                         std::string* error) {
  if (std::string problem = trace.validate(); !problem.empty()) {
    *error = "swimlanes: " + problem;
    return "";
  }
  SwimlaneOptions capped = options;
  capped.record_cap = std::max<size_t>(options.record_cap, 2);
  const SwimlaneLayout layout = internal::layout_swimlanes(trace, capped);
  const Geometry geometry = geometry_of(trace, layout);
  std::string out = "digraph \"swimlanes\" {\n";
  DotAttributes graph;
  graph.set("label", title_of(trace, layout, capped)).set("labelloc", "t");
  graph.set("fontname", "Helvetica").set("fontsize", 14.0).set("splines", "false");
  graph.set("outputorder", "nodesfirst").set("bgcolor", "white");
  out += "  graph" + graph.text() + ";\n";
  out += "  node [fontname=\"Helvetica\", fontsize=9, fixedsize=true, margin=0];\n";
  out += "  edge [arrowsize=0.5];\n";
  out.reserve(out.size() + layout.items.size() * 220);
  write_lanes(out, geometry);
  write_interrupt_frames(out, trace, layout, geometry);
  write_items(out, trace, layout, geometry);
  write_legend(out, geometry);
  write_violation(out, trace, layout, geometry);
  write_program_order(out, trace, layout);
  write_relations(out, trace, layout);
  return out + "}\n";
}

}  // namespace mapsim::viz
