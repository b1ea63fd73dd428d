// Which operations a trace file's failed end-of-execution check names, so that its swimlanes
// can draw them red: the step atoms of a failed `always` / `never` / `exists` expectation, the
// walk a walk check judged, the operations of the smallest non-linearizable part. The trace
// file keeps the failure as kind + message (scenarios/trace/trace_file.h); the message names
// the expectation ("expectation N (...)"), the walk ("walk LABEL ...") or the operations
// ("  context C cpuN [first, last] ... ('LABEL', line L)"), and the scenario the file carries
// gives the expectation's atoms. Labels are matched against the operations that ran
// (`results`: "<label> <kind> ..."), so an operation that never started names nothing.
#pragma once

#include <string>
#include <vector>

#include "scenarios/trace/trace_file.h"
#include "viz/swimlane.h"

namespace mapsim::cli {

struct BlamedOperations {
  std::vector<viz::SwimlaneOperation> operations;  ///< sorted, unique
  /// How they were chosen, for the picture's note ("the steps expectation 0 (always) names");
  /// "" when the failure is not an end-of-execution check this knows (a step's failure, an
  /// invariant).
  std::string source;
};

BlamedOperations blamed_operations(const scenario::TraceFile& file);

}  // namespace mapsim::cli
