// shrink_counterexample(): the smallest scenario, by deleting parts of a killing one, that still
// tells a mutant from the real code.
//
// A deletion (an expectation, an interrupt, a whole CPU program, a setup step, one step of a
// program or an interrupt) is kept when the smaller scenario is valid, still fails with the
// mutant planted, AND still passes on the real code. The second condition is what a plain
// failure-preserving minimiser (`mapsim minimize`, which keeps the failure's kind) lacks for
// mutants: without it, deleting the setup step that inserts a key makes "delete returns 0" fail
// on any code, and the result is no longer a counterexample to the mutant at all. Deletions are
// tried in that order, one at a time, and passes repeat until one deletes nothing (a 1-minimal
// result with respect to these deletions). Labels are explicit in parsed specs, so expectations
// keep naming the same steps; deleting a step an expectation names gives an invalid spec and is
// skipped.
#pragma once

#include <cstdint>

#include "impl/mutant.h"
#include "scenarios/scenario_spec.h"

namespace mapsim::mutation {

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
