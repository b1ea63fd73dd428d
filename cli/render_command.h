// `mapsim render TRACE|RUN-DIR --out DIR [--detail]`: pictures of a trace file or of a whole run
// folder (docs/viz.md, docs/cli.md).
//
//   TRACE    a trace file (docs/trace-format.md): its swimlanes (the operations a failed
//            end-of-execution check names in red) and, for an LRU map, the LRU walks of the
//            execution on the flowchart plus one flowchart per LRU update with its path
//            highlighted, and DIR/index.html listing them;
//   RUN-DIR  the --out folder of `mapsim run` (report.json, traces/): what `mapsim run` draws
//            itself (every failure's trace, each LRU scenario's path coverage, the whole run's
//            coverage per chart), the update pictures of every trace, and DIR/index.html with
//            scenarios, verdicts and pictures.
// Pictures go to DIR/pictures/NAME.dot and NAME.svg. --detail draws every visible operation in
// the swimlanes; --lru-updates N draws at most N update pictures per trace (default 16, 0 none;
// the output and index.html say when the cap left some out).
//
// Exit status: 0 drawn; 2 bad input (no such file, not a trace or run folder, a corrupt trace,
// a trace of a newer format version: the message names the file and what is wrong; an --out
// folder or a file in it that cannot be written); 3 a picture could not be drawn.
#pragma once

#include <cstddef>
#include <string>

#include "cli/trace_pictures.h"

namespace CLI {
class App;
}  // namespace CLI

namespace mapsim::cli {

struct RenderCommandOptions {
  std::string path;
  std::string out_dir;
  bool detail = false;
  size_t lru_updates = kDefaultLruUpdatePictures;
};

CLI::App* add_render_command(CLI::App& app, RenderCommandOptions* options);
int run_render_command(const RenderCommandOptions& options);

}  // namespace mapsim::cli
