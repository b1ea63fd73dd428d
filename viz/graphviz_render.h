// Rendering dot text to svg with Graphviz's C library (gvc + cgraph), in-process.
//
// Every render runs in a child process forked for it. Graphviz 2.43 keeps state from one
// layout to the next inside a process (gradient ids count up; cluster layouts shift by
// fractions of a point), so two renders of the same dot text in one process differ; a fresh
// child per render makes the svg a function of the dot text alone, and a Graphviz crash cannot
// take mapsim down with it. The parent loads the plugin table once (one GVC context) and never
// lays anything out itself, so every child starts from the same state. Errors Graphviz reports
// (a dot syntax error, an unknown layout engine) and a child that dies come back in
// RenderResult::error, never on stderr. A render that takes longer than its time limit is
// stopped (the child is killed) and reported as such (RenderResult::timed_out), so a layout
// that runs away never hangs mapsim.
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
  std::string error;       ///< "" on success; else what Graphviz said
  bool timed_out = false;  ///< the render was stopped at its time limit
  bool ok() const { return error.empty(); }
};

// The time limit of a render unless the caller gives another: far above what any picture of
// viz/ takes (the largest, 10,000-step swimlanes, take well under a second).
inline constexpr double kRenderSecondsMax = 60;

RenderResult render_svg(std::string_view dot, std::string_view engine = "dot",
                        double seconds_max = kRenderSecondsMax);

}  // namespace mapsim::viz
