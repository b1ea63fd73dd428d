// Merging the results of the chunks of one split exploration (cli/parallel_run.h) into the
// result one run over all of them would give.
//
// Chunks are merged in the order given, as if they had run one after the other: counts are summed,
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
  size_t failures_kept = 8;
  // How the whole run ended (the chunks' own flags describe only their share).
  bool exhausted = false;
  bool budget_reached = false;
  bool time_budget_reached = false;
  bool stopped_at_failure = false;  ///< exists expectations shown by none are then undecided
};

// `parts`: the results of the chunks that count, in order.
scenario::ScenarioResult merge_part_results(const std::vector<scenario::ScenarioResult>& parts,
                                            const MergeContext& context);

}  // namespace mapsim::cli
