// What `mapsim run` knows about one scenario file after running it: the file, the spec that ran
// (command-line overrides applied), its parse errors or its result, and where the traces of its
// failures were written. The reports (report_json.h, report_junit.h), the text output and the
// exit status are all made from these records.
#pragma once

#include <string>
#include <vector>

#include "scenarios/run/scenario_result.h"
#include "scenarios/scenario_spec.h"

namespace mapsim::cli {

struct FailureTrace {
  std::string path;       ///< the trace file ("" when it could not be written)
  std::string reproduce;  ///< "mapsim replay <path>"
  std::string error;      ///< why it could not be written
};

// `mapsim run --witnesses`: the trace of the execution that showed an `exists` expectation.
struct WitnessTrace {
  int expectation = 0;  ///< its index in the scenario
  FailureTrace trace;
};

struct ScenarioRunRecord {
  std::string file;                 ///< as given or found under a folder
  std::string name;                 ///< unique among the run's scenarios (trace file names)
  std::vector<std::string> errors;  ///< parse errors: the scenario did not run
  scenario::ScenarioSpec spec;      ///< valid when errors is empty
  scenario::ScenarioResult result;  ///< verdict kBadScenario when errors is not empty
  std::vector<FailureTrace> traces;  ///< one per result.failures entry
  std::vector<WitnessTrace> witnesses;  ///< --witnesses: one per met exists expectation
  std::string rerun;                ///< the command that reruns this scenario as it ran
};

// 0..3 (cli/exit_status.h): the worst of the records (internal error 3 > bad input 2 >
// findings 1 > pass 0).
int exit_status_of(const std::vector<ScenarioRunRecord>& records);
int exit_status_of(scenario::Verdict verdict);

}  // namespace mapsim::cli
