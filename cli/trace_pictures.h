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
//   trace_file_lru_updates() each LRU update of the execution (one walk each), named for files;
//   write_trace_pictures()   OUT/pictures/STEM-swimlanes.{dot,svg} (the operations a failed
//                            end-of-execution check names drawn red, cli/failure_blame.h) and,
//                            for an LRU map, OUT/pictures/STEM-lru-walks.{dot,svg} (the walks
//                            together on the chart) and one OUT/pictures/STEM-lru-update-NAME.
//                            {dot,svg} per update (its path highlighted, the rest faded), at
//                            most `lru_update_pictures` of them (a note says when more were
//                            left out; 0 draws none).
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

struct LruUpdateWalk {
  viz::TracedLruPath walk;
  std::string label;  ///< the operation's scenario label ("" when the name has none)
  /// "cpuN-opI[-LABEL][-wK]-OUTCOME": CPU, operation index in its context's program, label,
  /// the walk's number within a batch, and how it ended ("cut-short" when it did not).
  std::string name;
};
// REQUIRES: trace_file_drawing_problem(file) is "". In the order the operations began.
std::vector<LruUpdateWalk> trace_file_lru_updates(const scenario::TraceFile& file);

// `mapsim render`'s default cap on update pictures per trace: each is a full Graphviz layout
// of the chart (about 0.1 s), so a long execution is not drawn update by update in full.
inline constexpr size_t kDefaultLruUpdatePictures = 16;

// The chart an LRU map's walks belong on; nullopt for other map types.
std::optional<viz::LruListKind> lru_list_kind(const MapAttr& map);
// The same, from the scenario a trace file carries (nullopt when it cannot be read or the map
// is not an LRU map).
std::optional<viz::LruListKind> lru_list_kind(const scenario::TraceFile& file);

struct DrawnPictures {
  std::vector<viz::ReportPicture> pictures;  ///< paths relative to the output folder
  std::string error;                         ///< "" or what could not be drawn or written
  std::vector<std::string> notes;            ///< what a cap left out
  /// The error is about writing into the output folder (the user's: bad input), not drawing.
  bool unwritable = false;
};

// A file trace_file_drawing_problem() objects to gives that problem as the error.
DrawnPictures write_trace_pictures(const scenario::TraceFile& file, const std::string& out_dir,
                                   const std::string& stem, bool detail,
                                   size_t lru_update_pictures);

// Writes OUT/pictures/STEM.{dot,svg}; the ReportPicture names them relative to OUT.
DrawnPictures write_picture_file(const viz::Picture& picture, const std::string& out_dir,
                                 const std::string& stem, const std::string& caption);

}  // namespace mapsim::cli
