// Shrinking a failing scenario (`mapsim minimize`, first phase): delete what the failure does
// not need while the same kind of failure still shows up under the scenario's own strategy and
// seed.
//
// Greedy, one deletion at a time, repeated until a whole pass deletes nothing: expectations
// (those the failure does not involve), whole CPU programs, interrupts, setup steps, single
// steps of programs and interrupts, and finally the CPUs beyond the highest one a program
// uses. A candidate that is not a valid scenario (a removed step is still named by an
// expectation; a per-CPU value that no longer fits the CPU count) is skipped. Each candidate
// costs one exploration, stopped at its first failure; the budget (explorations, deadline)
// bounds the whole search.
//
// Labels are made explicit first (fill_default_labels), so that deleting a step never renames
// the steps after it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "scenarios/run/scenario_result.h"
#include "scenarios/scenario_spec.h"

namespace mapsim::cli {

struct SpecSize {
  size_t operations = 0;  ///< setup + program + interrupt steps
  size_t setup = 0;
  size_t programs = 0;    ///< CPU programs
  size_t interrupts = 0;
  int possible_cpus = 0;
  size_t expectations = 0;
};
SpecSize size_of(const scenario::ScenarioSpec& spec);
std::string size_text(const SpecSize& size);  // "7 operations (setup 1, 2 programs, ...)"

struct SpecShrinkOptions {
  int jobs = 1;
  uint64_t max_explorations = 400;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct SpecShrink {
  scenario::ScenarioSpec spec;        ///< the smallest spec that still fails
  scenario::ScenarioFailure failure;  ///< its failure (schedule included)
  bool reproduced = false;            ///< the original spec failed that way at all
  uint64_t explorations = 0;
};

// `target_kind`: ScenarioFailure::kind of the failure to keep ("always", "deadlock", ...).
SpecShrink shrink_scenario(const scenario::ScenarioSpec& spec, const std::string& target_kind,
                           const SpecShrinkOptions& options);

}  // namespace mapsim::cli
