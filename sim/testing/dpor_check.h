// DPOR against brute force on one scenario: the measurement behind the DPOR proof
// (tests/sim_dpor_test.cc) and the wider sweep (bench/sim_dpor_sweep_bench.cc). Test-only.
//
// Brute force is depth-first search over every interleaving (bounded DFS without a bound); both
// explorations name each execution's Mazurkiewicz trace (mazurkiewicz.h) and collect the names
// of all traces and of the failing ones. Optimal DPOR reaches the same sets with one execution
// per trace; `ratio` says how close it came when it could not (sleep-set blocked executions).
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "sim/scenario.h"

namespace mapsim::sim::testing {

struct TraceClasses {
  std::set<std::string> traces;   ///< canonical names of the traces reached
  std::set<std::string> failing;  ///< of which some execution failed
  // Canonical names whose executions disagreed on what a context saw: a sign that the
  // dependency relation misses a conflict (must stay empty).
  std::set<std::string> inconsistent;
  uint64_t executions = 0;  ///< executions judged
  uint64_t aborted = 0;     ///< executions cut short (DPOR: sleep-set blocked)
  bool exhausted = false;   ///< the strategy covered its whole space within the cap
  std::string error;        ///< the scenario could not run
};

struct DporComparison {
  TraceClasses brute_force;
  TraceClasses dpor;
  size_t missed_traces = 0;   ///< traces brute force reached and DPOR did not
  size_t missed_failing = 0;  ///< failing traces brute force reached and DPOR did not
  size_t extra_traces = 0;    ///< traces DPOR reached and brute force did not (must be 0)
  // DPOR executions (blocked ones included) per trace; 1.0 is optimal.
  double ratio() const;
};

// Explores `scenario` both ways with `allocation_failures` injected allocation failures per
// execution. `brute_force_cap` bounds the interleavings; when brute force does not finish
// within it, brute_force.exhausted is false and the comparison means nothing.
DporComparison compare_dpor_with_brute_force(const Scenario& scenario,
                                             uint32_t allocation_failures,
                                             uint64_t brute_force_cap = 2'000'000);

}  // namespace mapsim::sim::testing
