// Rendering dot text to svg with Graphviz's C library (gvc + cgraph), in-process.
//
// Graphviz keeps global state (its error hook, the cgraph dictionaries), so every call runs
// under one process-wide mutex; one GVC context (the plugin table, loaded once) is shared by all
// calls. Errors Graphviz reports (a dot syntax error, an unknown layout engine) come back in
// RenderResult::error, never on stderr and never as a crash.
//
// Layout engines used by viz/: "dot" (flowcharts, state graphs) and "nop2" (positions given in
// the dot text, as for swimlanes: Graphviz only draws, which is what keeps a 10,000-step trace
// fast).
#pragma once

#include <string>
#include <string_view>

namespace mapsim::viz {

struct RenderResult {
  std::string svg;
  std::string error;  ///< "" on success; else what Graphviz said
  bool ok() const { return error.empty(); }
};

RenderResult render_svg(std::string_view dot, std::string_view engine = "dot");

}  // namespace mapsim::viz
