// The per-execution half of a compiled scenario: what Scenario::build() makes every time the
// simulator starts an execution (sim/scenario.h).
//
// build_scenario_instance() runs in setup mode (direct, CPU 0): it resets this thread's
// LoggedExecution, binds the scenario's network devices (DEVMAP updates look them up), creates
// the map on the SimPlatform, allocates every step's buffers, runs the setup steps, and returns
// the CPU programs and interrupts as simulator operations, with
//   check_step: the walk check's presence probe while a walk is in flight (walk_check.h);
//   check_end:  observations completed from the trace, the map's quiescent invariants, walk
//               verdicts, linearizability (history_check.h), expectations, excuses
//               (execution_judge.h); the judgement goes to the log, the violations (if any)
//               become the execution's failure message.
//
// The device binding is thread-local and LIFO (impl/net_devices.h): it lives in the instance,
// which the simulator destroys before it builds the next one, so bindings never interleave.
#pragma once

#include <memory>

#include "scenarios/run/compiled_spec.h"
#include "scenarios/run/execution_log.h"
#include "sim/scenario.h"
#include "sim/sim_platform.h"

namespace mapsim::scenario {

// REQUIRES: `compiled` passed validation and its map can be created (compile_scenario()).
sim::ScenarioInstance build_scenario_instance(SimPlatform& platform,
                                              const std::shared_ptr<const CompiledSpec>& compiled,
                                              ExecutionLog& log);

}  // namespace mapsim::scenario
