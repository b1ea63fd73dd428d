#include "scenarios/run/history_check.h"

#include "model/linearizability/history_error.h"
#include "model/linearizability/linearizability_check.h"

namespace mapsim::scenario {

linearizability::History history_of(const CompiledSpec& compiled,
                                     const std::vector<Observation>& observations) {
  linearizability::History history;
  history.map = compiled.spec.map;
  history.possible_cpus = compiled.spec.possible_cpus;
  history.hash_seed = compiled.map.hash_seed;
  history.setup = compiled.spec.setup;
  for (const Observation& observation : observations) {
    if (observation.origin == Observation::Origin::kSetup || !observation.finished) continue;
    linearizability::HistoryOp op;
    op.context = observation.context;
    op.cpu = observation.cpu;
    op.step = *observation.step;
    // A walk's result is the walk check's business; the history records it as one read.
    const bool walk = step_kind_is_walk(observation.step->kind);
    op.rc = walk ? 0 : observation.rc;
    if (!walk) op.value = observation.value;
    op.found = observation.found;
    op.invoked_step = observation.invoked_step;
    op.returned_step = observation.returned_step;
    history.ops.push_back(std::move(op));
  }
  return history;
}

HistoryCheck check_history(const CompiledSpec& compiled,
                           const std::vector<Observation>& observations) {
  HistoryCheck check;
  linearizability::LinearizabilityOptions options;
  options.allocation_failures = compiled.spec.faults.allocation_failures > 0;
  linearizability::LinearizabilityVerdict verdict;
  try {
    verdict = linearizability::check_linearizable(history_of(compiled, observations), options);
  } catch (const linearizability::HistoryError& error) {
    check.findings.push_back(
        Finding{Finding::Kind::kInternal,
                std::string("the linearizability checker refused the recorded history: ") +
                    error.what(),
                {},
                -1});
    return check;
  }
  using Kind = linearizability::LinearizabilityVerdict::Kind;
  if (verdict.kind == Kind::kNotCheckable) check.not_checkable = verdict.reason;
  if (verdict.kind != Kind::kNotLinearizable) return check;
  Finding finding;
  finding.kind = Finding::Kind::kLinearizability;
  finding.message = linearizability::format_verdict(verdict);
  for (const linearizability::ReportedOp& op : verdict.smallest_part) {
    finding.labels.push_back(op.label);
  }
  check.findings.push_back(std::move(finding));
  return check;
}

}  // namespace mapsim::scenario
