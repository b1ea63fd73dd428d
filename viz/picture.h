// Picture: one drawing as dot text and as svg, and writing the pair to a folder.
//
// The dot text is always produced (and written) even when rendering fails, so a picture can be
// re-rendered or restyled with the `dot` tool; the svg is what reports link to.
#pragma once

#include <string>
#include <string_view>

#include "viz/graphviz_render.h"

namespace mapsim::viz {

struct Picture {
  std::string dot;    ///< empty only for plots written directly as svg
  std::string svg;    ///< empty when rendering failed
  std::string error;  ///< why rendering failed ("" when svg is set)
  bool timed_out = false;  ///< rendering was stopped at its time limit
  bool ok() const { return error.empty() && !svg.empty(); }
};

// Renders `dot` with `engine` into a Picture (render errors land in Picture::error), stopping
// the render after `seconds_max`.
Picture make_picture(std::string dot, std::string_view engine = "dot",
                     double seconds_max = kRenderSecondsMax);

// Writes DIR/STEM.dot (when there is dot text: plots drawn directly as svg have none) and, when
// rendered, DIR/STEM.svg (creating DIR). Returns "" or an error naming the file that could not
// be written.
std::string write_picture(const Picture& picture, const std::string& directory,
                          const std::string& stem);

// Writes `text` to `path`; "" or an error naming the path.
std::string write_text_file(const std::string& path, std::string_view text);

}  // namespace mapsim::viz
