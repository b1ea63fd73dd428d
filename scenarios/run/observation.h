// Observation: what one scenario step did in one execution, as the checks and the expectations
// see it. The step runner (step_runner.h) fills rc, values and walk keys while the step runs;
// the end-of-execution judge adds the simulator times and path events from the trace
// (observation_trace.h).
//
// Times are simulator step indexes (0 for an execution's first step), as
// model/linearizability/history.h defines them: invoked_step = the index of the step's first
// visible operation, returned_step = the index of its last one; a step without any visible
// operation has both equal to the index the next simulator step would get. Step A precedes
// step B in real time iff A.returned_step < B.invoked_step. Setup steps run before the first
// simulator step: both are 0.
//
// Observations are kept in one flat vector in a fixed order: setup steps, then each CPU's
// program in CPU order, then each interrupt in declaration order ("slot" numbers). Their Bytes
// are the state's memory, not a fiber stack's, so an execution that is cut short leaks nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/scenario_spec.h"

namespace mapsim::scenario {

// One report of an LRU update-path step (impl/lru_path_event.h) made while the step ran.
struct PathEventRecord {
  uint16_t event = 0;     ///< PathEvent value
  uint64_t argument = 0;  ///< its argument (flags, CPU, counts; see docs/lru-path-events.md)
  bool operator==(const PathEventRecord&) const = default;
};

struct Observation {
  enum class Origin : uint8_t { kSetup, kCpu, kInterrupt };
  Origin origin = Origin::kSetup;
  int cpu = 0;      ///< the CPU it ran on (setup: 0)
  int context = -1; ///< simulator context (sim/scenario.h numbering); -1 for setup
  int index = 0;    ///< position in its program
  const StepSpec* step = nullptr;  ///< the compiled spec's step (outlives every execution)

  bool started = false;   ///< the step began running
  bool finished = false;  ///< the step returned
  int64_t rc = 0;         ///< 0 or a negative errno (walks: see walk_rc)
  /// What a successful read returned: lookup value (syscall layout, or value_size bytes through
  /// a program), lookup_and_delete value, get_next_key's next key, kLookupKeepPointer's value.
  /// kLookupAddElseInsert / kAddThroughPointer: the counter after the add (8 or 4 bytes) when
  /// the add happened. Empty otherwise.
  Bytes value;
  /// kWalk: the keys get_next_key returned, in order; batch walks: the keys the batch calls
  /// returned, in order
  std::vector<Bytes> walk_keys;
  std::vector<int64_t> walk_lookup_rcs; ///< kWalk: the lookup result for each of them
  /// kLookupAddElseInsert: true when the lookup found the key (the add happened), false when
  /// it inserted (or tried to).
  bool found = false;

  uint32_t invoked_step = 0;
  uint32_t returned_step = 0;
  std::vector<PathEventRecord> path_events;

  const std::string& label() const { return step->label; }
};

}  // namespace mapsim::scenario
