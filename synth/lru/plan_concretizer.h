// concretize_plan(): an LruPlan (keys named by class) as a ScenarioSpec (keys named by bytes).
//
// Keys: 4-byte keys, 8-byte values. A fresh key is the next unused one; when the plan puts every
// key in one bucket they are found by Z3 (synth/colliding_keys.h, bucket 0), otherwise they are
// spread over the buckets. A key named by class ("the oldest unreferenced INACTIVE key") is found
// by replaying the plan's operations, in order, on the real map (RealPlatform, one bound CPU at a
// time) and reading where each key's node is (LruPool::list_nodes, newest first). The interrupt's
// key is chosen in the state before the operation it interrupts; its own effect is not replayed
// (the simulator runs it for real when the candidate is checked).
//
// Layout of the scenario: the leading operations of CPU 0 that come before any other CPU's, the
// interrupted one and the one where the target is expected go into `setup` (run in order, not
// explored); every other operation goes to its CPU's program, in plan order; the interrupt fires
// on the host's CPU where the explorer puts it (DPOR explores every place). One expectation:
// `exists: path_event <target>`.
#pragma once

#include <optional>
#include <string>

#include "impl/lru_path_event.h"
#include "scenarios/scenario_spec.h"
#include "synth/lru/lru_plan.h"

namespace mapsim::synth {

struct ConcretePlan {
  scenario::ScenarioSpec spec;
  std::string failure;  ///< non-empty: the plan cannot be made concrete (why), spec unusable
};

ConcretePlan concretize_plan(const LruPlan& plan, PathEvent target);

}  // namespace mapsim::synth
