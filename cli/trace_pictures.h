// Pictures of trace files (docs/trace-format.md) and of a run's LRU coverage, for `mapsim run`
// and `mapsim render` (viz/ draws; this file only adapts the CLI's data to viz's plain inputs).
//
//   trace_file_swimlanes()   a trace file's records as viz::SwimlaneTrace: contexts from
//                            `results`, steps with their objects (named as in the file) and the
//                            access their operation kind implies, the failure as the violation
//                            (a step's when the simulator stopped at one; the end check's
//                            otherwise);
//   trace_file_lru_walks()   the LRU walks of the execution (viz::LruPathCounts);
//   trace_file_drawing_problem()  why a trace file cannot be drawn: a record naming a context
//                            that does not exist, steps going backwards, or a visible operation
//                            or path event this mapsim does not know (a file another version
//                            wrote); "" when it can be;
//   write_trace_pictures()   OUT/pictures/STEM-swimlanes.{dot,svg} and, for an LRU map,
//                            OUT/pictures/STEM-lru-walks.{dot,svg} (the walks on the chart).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "impl/map_attr.h"
#include "scenarios/trace/trace_file.h"
#include "viz/lru_flowchart.h"
#include "viz/lru_path.h"
#include "viz/report_index.h"
#include "viz/swimlane.h"

namespace mapsim::cli {

viz::SwimlaneTrace trace_file_swimlanes(const scenario::TraceFile& file,
                                        const std::string& title);
// REQUIRES: trace_file_drawing_problem(file) is "".
viz::LruPathCounts trace_file_lru_walks(const scenario::TraceFile& file);
std::string trace_file_drawing_problem(const scenario::TraceFile& file);

// The chart an LRU map's walks belong on; nullopt for other map types.
std::optional<viz::LruListKind> lru_list_kind(const MapAttr& map);
// The same, from the scenario a trace file carries (nullopt when it cannot be read or the map
// is not an LRU map).
std::optional<viz::LruListKind> lru_list_kind(const scenario::TraceFile& file);

struct DrawnPictures {
  std::vector<viz::ReportPicture> pictures;  ///< paths relative to the output folder
  std::string error;                         ///< "" or what could not be drawn or written
};

// A file trace_file_drawing_problem() objects to gives that problem as the error.
DrawnPictures write_trace_pictures(const scenario::TraceFile& file, const std::string& out_dir,
                                   const std::string& stem, bool detail);

// Writes OUT/pictures/STEM.{dot,svg}; the ReportPicture names them relative to OUT.
DrawnPictures write_picture_file(const viz::Picture& picture, const std::string& out_dir,
                                 const std::string& stem, const std::string& caption);

}  // namespace mapsim::cli
