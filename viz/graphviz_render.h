// Rendering dot text to svg with Graphviz's C library (gvc + cgraph), in-process.
//
// Every render runs in a child process forked for it. Graphviz 2.43 keeps state from one
// layout to the next inside a process (gradient ids count up; cluster layouts shift by
// fractions of a point), so two renders of the same dot text in one process differ; a fresh
// child per render makes the svg a function of the dot text alone, and a Graphviz crash cannot
// take mapsim down with it. The parent loads the plugin table once (one GVC context) and never
// lays anything out itself, so every child starts from the same state. Errors Graphviz reports
// (a dot syntax error, an unknown layout engine) and a child that dies come back in
// RenderResult::error, never on stderr.
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
