// The linearizability check of one completed execution: its observations become a
// model/linearizability History (setup steps apart, one HistoryOp per program and interrupt
// step, with its context, CPU, result, value read and step interval) and check_linearizable()
// judges it against the map's sequential specification.
//
// Outcomes: linearizable (nothing to report); not linearizable (a kLinearizability finding
// with the checker's report, labelled with the steps of the smallest non-linearizable part);
// not checkable (no specification for the map type, or the search ran out of states: noted,
// not a finding); a history the checker refuses as malformed (a kInternal finding: the
// recorder is wrong, never a verdict about the map).
#pragma once

#include <string>
#include <vector>

#include "model/linearizability/history.h"
#include "scenarios/run/compiled_spec.h"
#include "scenarios/run/execution_log.h"
#include "scenarios/run/observation.h"

namespace mapsim::scenario {

linearizability::History history_of(const CompiledSpec& compiled,
                                     const std::vector<Observation>& observations);

struct HistoryCheck {
  std::vector<Finding> findings;  ///< kLinearizability or kInternal
  std::string not_checkable;      ///< why the checker gave no verdict ("" otherwise)
};

HistoryCheck check_history(const CompiledSpec& compiled,
                           const std::vector<Observation>& observations);

}  // namespace mapsim::scenario
