// Capturing one execution in full: re-runs the execution a schedule records and keeps
// everything a trace file holds (the whole trace as records and as text, each operation's name
// and result, the failure), for `mapsim run` (traces of failures), `replay` (the comparison)
// and `minimize` (the smaller trace).
//
// The re-run goes through Explorer::explore with a ReplayStrategy, so it is judged exactly as
// during exploration (the scenario's checks, races, assertions); the schedule must belong to
// the scenario (name and fingerprint), as for Explorer::replay.
#pragma once

#include <string>
#include <vector>

#include "sim/explorer.h"

namespace mapsim::sim {

struct CapturedExecution {
  std::string error;        ///< the schedule is not this scenario's, or the scenario cannot run
  ExecutionResult result;   ///< steps, failure, trace hash
  Schedule schedule;        ///< the choices as recorded by this run (with name, fingerprint, hash)
  bool diverged = false;    ///< the run did not follow the given schedule exactly
  std::string divergence;   ///< how
  std::vector<TraceRecord> records;
  std::vector<std::string> lines;  ///< Trace::format, one line per record
  Outcome outcome;                 ///< contexts and their operations' results
  std::vector<std::vector<std::string>> operation_names;  ///< [context][operation]
  size_t stack_bytes = 0;  ///< each context's fiber stack in the re-run (Explorer::stack_bytes)

  bool ok() const { return error.empty() && !diverged; }
};

CapturedExecution capture_execution(const Scenario& scenario, const Schedule& schedule,
                                    const ExplorerOptions& options = {});

}  // namespace mapsim::sim
