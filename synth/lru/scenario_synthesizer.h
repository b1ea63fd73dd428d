// synthesize_scenario(): a scenario that drives an LRU update through one path event (a node of
// the flowchart), found by Z3 and confirmed by the simulator (`mapsim synth`, docs/synth.md).
//
// The loop (counterexample-guided, one target):
//   for bound = 1 .. max_steps operations, first without an interrupt, then with one:
//     encode the abstract LRU model unrolled `bound` operations deep (synth/lru/plan_encoding.h)
//     with "the target fires in some operation" as the goal;
//     while the solver finds a plan:
//       make it concrete (synth/lru/plan_concretizer.h) and explore it (DPOR,
//       synth/lru/scenario_reach.h); the first whose executions show the target is the answer;
//       otherwise the plan is recorded as refuted and blocked, and the solver asked again;
//     UNSAT: no plan of this bound exists in the model; go deeper.
// Outcomes are kept apart: a solver timeout is kTimeout (never "unreachable"); kNoPlan means
// UNSAT for every bound up to max_steps, in the model (whose limits docs/synth.md lists); kRefuted
// means the model had plans but the simulator confirmed none within the candidate budget.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "impl/lru_path_event.h"
#include "scenarios/scenario_spec.h"
#include "synth/lru/lru_plan.h"

namespace mapsim::synth {

struct SynthRequest {
  PathEvent target = PathEvent::kUpdateBegin;
  LruKind lru = LruKind::kCommon;
  int cpus = 2;                      ///< possible CPUs of the simulated machine, 1..4
  int max_steps = 5;                 ///< the largest bound (operations) tried
  double timeout_seconds = 60;       ///< solver time for the whole request
  uint64_t max_executions = 20000;   ///< DPOR executions per candidate
  int max_candidates_per_bound = 24; ///< refuted plans before a bound is given up
};

enum class SynthStatus { kFound, kBadRequest, kNoPlan, kRefuted, kTimeout };
const char* synth_status_name(SynthStatus status);  // "found", "bad_request", ...

struct SynthResult {
  SynthStatus status = SynthStatus::kBadRequest;
  std::string message;                   ///< for users: what happened
  scenario::ScenarioSpec spec;           ///< kFound: the confirmed scenario
  LruPlan plan;                          ///< kFound: the plan it came from
  int bound = 0;                         ///< kFound: operations in the plan
  int candidates = 0;                    ///< plans tried in the simulator
  std::vector<std::string> refuted;      ///< one line per refuted plan
  uint64_t executions = 0;               ///< kFound: executions until the target showed
  double solve_seconds = 0;
  double check_seconds = 0;
};

// Whether `event` is a node of the flowchart of `lru` (common: not 5xx, not 703; per-CPU: not
// 2xx-4xx, not 700-702).
bool event_in_chart(PathEvent event, LruKind lru);

// "" or why `request` cannot be served (unknown chart node, CPUs out of range, ...).
std::string validate_synth_request(const SynthRequest& request);

SynthResult synthesize_scenario(const SynthRequest& request);

}  // namespace mapsim::synth
