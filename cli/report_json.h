// The JSON report of `mapsim run` (--json FILE, and DIR/report.json with --out DIR), described
// in docs/cli.md. Per scenario: file, name, verdict, the run's header and strategy, counts,
// every expectation with its status and witness, every kept failure with its trace file and
// reproducing command, and LRU path-event coverage. Nothing in it depends on timing or on the
// thread count, so equal runs give byte-equal reports.
#pragma once

#include <string>
#include <vector>

#include "cli/scenario_run_record.h"

namespace mapsim::cli {

std::string report_json(const std::vector<ScenarioRunRecord>& records);

}  // namespace mapsim::cli
