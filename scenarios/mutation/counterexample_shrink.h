// shrink_counterexample(): the smallest scenario, by deleting parts of a killing one, that still
// tells a mutant from the real code.
//
// A deletion (an expectation, an interrupt, a whole CPU program, a setup step, one step of a
// program or an interrupt) is kept when the smaller scenario is valid, still fails with the
// mutant planted, AND still passes on the real code. The second condition is what a plain
// failure-preserving minimiser lacks for mutants: without it, deleting the setup step that inserts a key makes "delete returns 0" fail
// on any code, and the result is no longer a counterexample to the mutant at all. Deletions are
// tried in that order, one at a time, and passes repeat until one deletes nothing (a 1-minimal
// result with respect to these deletions). Labels are explicit in parsed specs, so expectations
// keep naming the same steps; deleting a step an expectation names gives an invalid spec and is
// skipped.
//
// shrink_spec() is the deletion search itself, for any property a smaller scenario must keep:
// `mapsim minimize` uses it with "the same failure still comes first" (and, for canaries, "and
// the real code passes").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "impl/mutant.h"
#include "scenarios/scenario_spec.h"

namespace mapsim::mutation {

// True when a valid, smaller candidate still shows what the shrinking must keep.
using KeepsProperty = std::function<bool(const scenario::ScenarioSpec& candidate)>;

struct ShrinkLimits {
  uint64_t max_checks = UINT64_MAX;  ///< calls of the property at most
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// After the deletions, also lower possible_cpus to one past the highest CPU a program or
  /// interrupt runs on (kept when the property still holds).
  bool trim_cpus = false;
};

struct ShrunkSpec {
  scenario::ScenarioSpec spec;  ///< the smallest spec found for which `keeps` held
  uint64_t checks = 0;          ///< calls of `keeps`
  bool out_of_budget = false;   ///< the limits stopped the search before a pass deleted nothing
};

// Deletes parts of `spec` (in the order and by the rules above; candidates that are not valid
// scenarios are skipped without a check) while `keeps` holds. `spec` itself is not checked:
// the caller knows it has the property.
ShrunkSpec shrink_spec(const scenario::ScenarioSpec& spec, const KeepsProperty& keeps,
                       const ShrinkLimits& limits = {});

struct ShrunkCounterexample {
  scenario::ScenarioSpec spec;      ///< the smallest scenario found
  uint32_t operations = 0;          ///< its setup + program + interrupt steps
  uint32_t schedule_steps = 0;      ///< scheduling steps of its failing execution (0: an
                                    ///< exists expectation failed, no failing execution)
  std::string failure;              ///< how it fails with the mutant, one line
  uint32_t explorations = 0;        ///< scenario runs spent shrinking
};

// REQUIRES: `spec` fails with `mutant` planted and passes on the real code.
ShrunkCounterexample shrink_counterexample(const scenario::ScenarioSpec& spec, Mutant mutant);

// Setup, CPU program and interrupt steps of `spec`.
uint32_t count_operations(const scenario::ScenarioSpec& spec);

}  // namespace mapsim::mutation
