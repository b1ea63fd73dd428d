// The status and one-line message of each expectation, concluded from its counts and witness
// once exploring is over. One exploration (run_accounting.h) and the merge of a split
// exploration's chunks (cli/result_merge.h) conclude the same way, so that a split run reports
// what one run over all the chunks would.
#pragma once

#include <cstdint>
#include <vector>

#include "scenarios/run/scenario_result.h"

namespace mapsim::scenario {

struct ExpectationConclusion {
  bool broken = false;   ///< an always / never expectation has a witness that broke it
  bool unshown = false;  ///< an exists expectation was shown by no execution, exploring
                         ///< did not stop early at a failure (else it is undecided)
};

// `executions`: the judged executions the counts are over; `stopped_at_failure`: exploring
// ended at a failure before its budget.
ExpectationConclusion conclude_expectations(std::vector<ExpectationResult>* expectations,
                                            uint64_t executions, bool stopped_at_failure);

}  // namespace mapsim::scenario
