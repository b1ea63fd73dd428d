// `mapsim run PATH... [options]`: runs scenario files (docs/cli.md).
//
// Each PATH is a scenario file or a folder (every *.yaml / *.yml below it, sorted). Every file
// is parsed first; a file with errors is reported (file:line:column: field: what) and does not
// run, the others do. Each scenario is explored under its strategy and budget (as overridden by
// --seed, --strategy, --executions, --time), on --jobs threads, checked, and reported:
// a summary on standard output, DIR/report.json and DIR/junit.xml (--out DIR, default out),
// --json FILE and --junit FILE, and one trace file per kept failure in DIR/traces/, whose
// reproducing command (`mapsim replay DIR/traces/<scenario>-<n>.json`) ends its message, and
// pictures (cli/run_pictures.h): every failure's trace drawn, the LRU path coverage of each LRU
// scenario and of the whole run, and DIR/index.html listing scenarios, verdicts and pictures.
// --witnesses also writes DIR/witnesses/<scenario>-e<n>.json, the execution that showed each
// met `exists` expectation. Every 64th execution is replayed at once from its own schedule (nondeterminism is exit 3).
// Exit status: the worst over the scenarios (cli/exit_status.h) and the output: a report,
// picture or index.html that cannot be written where the user put it is bad input (2), a
// picture that cannot be drawn from mapsim's own traces an internal error (3).
#pragma once

#include <string>
#include <vector>

#include "cli/common_options.h"

namespace CLI {
class App;
}  // namespace CLI

namespace mapsim::cli {

struct RunCommandOptions {
  std::vector<std::string> paths;
  CommonOptions common;
  bool witnesses = false;  ///< --witnesses: a trace per met exists expectation
};

CLI::App* add_run_command(CLI::App& app, RunCommandOptions* options);
int run_run_command(const RunCommandOptions& options);

}  // namespace mapsim::cli
