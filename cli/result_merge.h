// Merging the results of the parts of one split exploration (cli/parallel_run.h) into the
// result one run over all of them would give.
//
// Parts are merged in part order, as if they had run one after the other: counts are summed,
// execution indices of failures are renumbered (offset by the executions of the parts before),
// the kept failures are the first ones in that order, an expectation's witness is the earliest
// part's, coverage counts add up. Expectation statuses and messages are then concluded on the
// totals exactly as run_scenario() concludes them for one exploration, and the verdict follows
// from the merged findings (scenario_result.h: internal error, violation, failed expectation,
// pass, in that order).
#pragma once

#include <string>
#include <vector>

#include "scenarios/run/scenario_result.h"

namespace mapsim::cli {

struct MergeContext {
  std::string scenario;        ///< the scenario's name
  std::string header;          ///< the run's SEED=... line
  std::string strategy;        ///< the strategy's description
  bool every_part_ran = true;  ///< false: some part had no budget, or was cancelled
  bool parts_cancelled = false;  ///< parts after a failing one were not counted
  bool stop_on_failure = false;
  size_t failures_kept = 8;
};

// `parts`: the results of the parts that count, in part order.
scenario::ScenarioResult merge_part_results(const std::vector<scenario::ScenarioResult>& parts,
                                            const MergeContext& context);

// Status and one-line message of each expectation from its counts and witness, over
// `executions` judged executions; true when one of them failed (always/never broken, exists
// shown by no execution while exploring did not stop early).
bool conclude_expectations(std::vector<scenario::ExpectationResult>* expectations,
                           uint64_t executions, bool stopped_at_failure);

}  // namespace mapsim::cli
