// The pictures of a run and its index.html, for `mapsim run` (from its records) and
// `mapsim render RUN-DIR` (from the folder's report.json): every failure's trace drawn
// (cli/trace_pictures.h), each LRU scenario's path coverage on its flowchart, the whole run's
// coverage per chart (common / per-CPU LRU), and OUT/index.html listing scenarios, verdicts,
// traces and pictures (viz/report_index.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/scenario_run_record.h"
#include "sim/result.h"
#include "viz/lru_flowchart.h"
#include "viz/lru_path.h"

namespace mapsim::cli {

struct RunSummaryScenario {
  std::string name;
  std::string file;
  std::string verdict;
  bool passed = true;
  std::string details;                       ///< "300 executions, 4 failing"
  std::vector<std::string> trace_paths;      ///< trace files, as they can be opened now
  std::optional<viz::LruListKind> lru_kind;  ///< the chart of an LRU map's walks
  viz::LruPathCounts coverage;               ///< path events reached (by event id)
};

std::vector<RunSummaryScenario> run_summaries(const std::vector<ScenarioRunRecord>& records);
// Reads RUN_DIR/report.json (docs/cli.md); trace paths that do not open as written are looked
// for in RUN_DIR/traces/. A missing, unreadable or foreign report is an error naming it.
sim::Result<std::vector<RunSummaryScenario>> run_summaries_from_report(const std::string& run_dir);

struct RunPictureOptions {
  std::string title = "mapsim run";
  bool detail = false;  ///< swimlanes with every visible operation
  /// At most this many LRU update pictures per trace (cli/trace_pictures.h); `mapsim run`
  /// draws none (each costs a Graphviz layout), `mapsim render` its --lru-updates.
  size_t lru_update_pictures = 0;
};

struct RunPicturesOutcome {
  std::vector<std::string> bad_input;   ///< trace files that cannot be read or are inconsistent
  std::vector<std::string> failures;    ///< pictures that could not be drawn
  std::vector<std::string> unwritable;  ///< pictures or index.html that could not be written
                                        ///< into OUT (its folder, a file in the way, ...)
  std::vector<std::string> notes;       ///< what caps left out (also on index.html)
  bool ok() const { return bad_input.empty() && failures.empty() && unwritable.empty(); }
};

// Draws and writes everything into OUT (pictures/, index.html); what cannot be drawn is
// reported and left out, the rest is still written.
RunPicturesOutcome write_run_pictures(const std::vector<RunSummaryScenario>& scenarios,
                                      const std::string& out_dir,
                                      const RunPictureOptions& options);

// The chart counts by event name belong on: per-CPU when a 5xx or 703 event is among them,
// common when a 2xx/3xx/4xx or 700-702 event is; nullopt when they do not tell.
std::optional<viz::LruListKind> lru_list_kind_of_events(const std::vector<std::string>& names);

}  // namespace mapsim::cli
