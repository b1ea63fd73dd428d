// The judgement of one completed execution: which checks flag it, which expectations hold, and
// which flags are excused as documented kernel behaviour.
//
// Rules (issue "expectations"):
// - always:   the execution fails when its atoms do not all hold;
// - never:    the execution fails when they do;
// - exists:   nothing per execution; run_scenario fails the run when no execution satisfied it;
// - expected: an execution that satisfies its atoms shows documented kernel behaviour, and the
//   flags it covers are reported as "expected", not as violations. A walk flag is covered by an
//   atom about that flag (walk_repeats / walk_skips of the same walk, flag true); a
//   linearizability flag by any satisfied `expected` expectation (its atoms name the outcome,
//   e.g. "the update returned -EEXIST"). Invariant flags and always/never failures are never
//   excused.
#pragma once

#include <string>
#include <vector>

#include "scenarios/run/atom_eval.h"
#include "scenarios/run/compiled_spec.h"
#include "scenarios/run/execution_log.h"
#include "scenarios/run/walk_check.h"

namespace mapsim::scenario {

struct ExecutionFlags {
  std::string invariant_problem;       ///< "" when the structural checks passed
  std::vector<WalkVerdict> walks;      ///< indexed like compiled.walk_slots
  std::vector<Finding> history;        ///< the linearizability check's findings
};

// Evaluates the expectations with `atoms` and sorts the flags into violations and excused.
ExecutionJudgement judge_execution(const CompiledSpec& compiled, const ExecutionFlags& flags,
                                   AtomEvaluator& atoms);

// The end check's message for an execution with violations: the first one, and how many more.
// "" when there are none.
std::string violation_message(const ExecutionJudgement& judgement);

}  // namespace mapsim::scenario
