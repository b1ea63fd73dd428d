// SwimlaneTrace::validate() and draw_swimlanes(); the dot text is built in swimlane_dot.cc.
#include "viz/swimlane.h"

#include <string>

namespace mapsim::viz {

std::string SwimlaneTrace::validate() const {
  if (contexts.empty() && !records.empty()) return "records but no contexts";
  uint32_t last_step = 0;
  for (size_t index = 0; index < records.size(); ++index) {
    const SwimlaneRecord& record = records[index];
    if (record.context < 0 || static_cast<size_t>(record.context) >= contexts.size()) {
      return "record " + std::to_string(index) + ": context " + std::to_string(record.context) +
             " does not exist (" + std::to_string(contexts.size()) + " contexts)";
    }
    if (record.step < last_step) {
      return "record " + std::to_string(index) + ": step " + std::to_string(record.step) +
             " after step " + std::to_string(last_step) + " (steps must not go backwards)";
    }
    last_step = record.step;
  }
  for (size_t index = 0; index < contexts.size(); ++index) {
    if (contexts[index].cpu < 0) {
      return "context " + std::to_string(index) + ": negative CPU " +
             std::to_string(contexts[index].cpu);
    }
  }
  return "";
}

Picture draw_swimlanes(const SwimlaneTrace& trace, const SwimlaneOptions& options) {
  std::string error;
  std::string dot = swimlane_dot(trace, options, &error);
  if (!error.empty()) {
    Picture picture;
    picture.error = std::move(error);
    return picture;
  }
  return make_picture(std::move(dot), "nop2");
}

}  // namespace mapsim::viz
