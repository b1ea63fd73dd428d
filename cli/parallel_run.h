// Running one scenario on several threads (`mapsim run --jobs N`) with results that do not
// depend on N.
//
// The exploration is split into parts by sim/partition.h (prefixes of the first steps for DPOR
// and bounded DFS, ranges of execution indices for random walks and PCT); each part runs as
// ordinary run_scenario() calls with the part's own strategy object, on its own thread, with its
// own compiled scenario and Explorer (nothing in sim/ is shared between explorers).
//
// Budget in waves. The parts of a systematic search differ wildly in size, so a fixed share of
// the executions budget would starve the big ones while the small ones finish early. Wave 1
// gives every part its share (budget / parts); each later wave shares what is left among the
// parts that used all of theirs without finishing, and they continue where they stopped (the
// strategy object keeps its place). Waves depend only on the parts' results, never on timing,
// so every thread count runs the same chunks.
//
// Merge. The chunks are merged in (part, wave) order (result_merge.h), as if they had run one
// after the other: execution indices are renumbered, failures and witnesses come from the
// earliest chunk, counts and coverage add up. With stop_on_failure, the parts after the first
// part with a failure do not count (running ones are told to stop), nor do that part's later
// waves. One thread runs the same chunks in the same order, so `--jobs 1` and `--jobs 8` give
// the same result, field by field (wall-clock time aside; a time budget cuts runs where the
// clock says, and is the one thing that makes results depend on speed).
#pragma once

#include <cstdint>
#include <functional>

#include "scenarios/run/scenario_result.h"
#include "scenarios/scenario_spec.h"

namespace mapsim::cli {

struct RunTotals {
  uint64_t executions = 0;          ///< judged so far, over every part
  uint64_t failing_executions = 0;
  uint64_t path_events = 0;         ///< LRU path events reached so far (distinct)
  double elapsed_seconds = 0;
  double time_budget_seconds = 0;   ///< 0: none
  uint64_t execution_budget = 0;
};

struct ParallelRunOptions {
  int jobs = 1;
  bool stop_on_failure = false;
  size_t failures_kept = 8;
  uint32_t determinism_check_every = 0;  ///< replay every n-th execution of a part (0: never)
  // Called from the parts' threads (serialised) as they progress.
  std::function<void(const RunTotals&)> progress;
};

// The spec runs as it is (apply the command line's overrides to it first).
scenario::ScenarioResult run_scenario_parallel(const scenario::ScenarioSpec& spec,
                                               const ParallelRunOptions& options);

}  // namespace mapsim::cli
