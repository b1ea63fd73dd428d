// Shrinking a failing scenario (`mapsim minimize`, first phase): delete what the failure does
// not need while exploring the smaller scenario under its own strategy and seed still finds the
// same failure first: the same kind, check and expectation (cli/failure_identity.h), not merely
// a failure of the same kind.
//
// The deletions and their order are those of the mutation score's counterexample shrinking
// (scenarios/mutation/counterexample_shrink.h, shrink_spec): expectations, interrupts, whole CPU
// programs, setup steps, single steps of programs and interrupts, greedily, one at a time,
// repeated until a whole pass deletes nothing; then the CPUs beyond the highest one in use. A
// candidate that is not a valid scenario (a removed step is still named by an expectation) is
// skipped. Each candidate costs one exploration, stopped at its first failure.
//
// A canary's scenario (a mutant planted, ScenarioSpec::canary) must also still pass on the real
// code (the canary removed): otherwise deleting, say, the setup step that inserts a key makes
// "delete returns 0" fail on any code, and what is left is a failure but no longer the planted
// bug's. Such a candidate costs a second exploration, to its full budget.
//
// Labels are made explicit first (fill_default_labels), so that deleting a step never renames
// the steps after it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "cli/failure_identity.h"
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
  uint64_t max_explorations = 400;  ///< smaller scenarios tried (a canary's costs two runs)
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct SpecShrink {
  scenario::ScenarioSpec spec;        ///< the smallest spec that still fails
  scenario::ScenarioFailure failure;  ///< its failure (schedule included)
  bool reproduced = false;            ///< exploring the original spec found that failure first
  /// A canary whose scenario passes on the real code: every smaller scenario had to as well.
  bool real_code_checked = false;
  /// A canary whose scenario fails on the real code too (what it says, one line): only the
  /// failure was kept.
  std::string real_code_failure;
  uint64_t explorations = 0;
};

SpecShrink shrink_scenario(const scenario::ScenarioSpec& spec, const FailureIdentity& target,
                           const SpecShrinkOptions& options);

}  // namespace mapsim::cli
