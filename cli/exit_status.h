// Exit statuses of the `mapsim` executable, shared by every verb (STYLE G9: a caller can tell
// bad input from a skipped run from findings).
//
// The checking verbs (run, replay, minimize) use 0..3 only:
//   0 every expectation met (replay: the execution reproduced exactly; minimize: done)
//   1 a violation or a failed expectation (replay: the replay differs from the trace file)
//   2 bad input: a bad command line, a scenario with errors, a missing, corrupt or foreign
//     trace file
//   3 internal error: nondeterminism detected (an execution replayed differently from its own
//     schedule), an exception, a misused primitive
#pragma once

namespace mapsim::cli {

inline constexpr int kExitOk = 0;
// The run finished, but some input line was an error line (or, for checking verbs, a check
// or an expectation failed, or a replay differed).
inline constexpr int kExitFindings = 1;
// Bad command line, or an input file that cannot be read or is invalid.
inline constexpr int kExitUsage = 2;
// Checking verbs: an internal error or nondeterminism.
inline constexpr int kExitInternal = 3;
// A solver ran out of time or gave up (`mapsim keys`): no answer, but no proof there is none.
inline constexpr int kExitSolverTimeout = 3;
// The run cannot happen here (bpf() not permitted for --backend kernel): the automake/ctest
// "skipped" convention.
inline constexpr int kExitSkipped = 77;

}  // namespace mapsim::cli
