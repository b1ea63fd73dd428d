// Exit statuses of the `mapsim` executable, shared by every verb (STYLE G9: a caller can tell
// bad input from a skipped run from findings).
#pragma once

namespace mapsim::cli {

inline constexpr int kExitOk = 0;
// The run finished, but some input line was an error line (or, for checking verbs, a check
// failed).
inline constexpr int kExitFindings = 1;
// Bad command line, or an input file that cannot be read.
inline constexpr int kExitUsage = 2;
// A solver ran out of time or gave up (`mapsim keys`): no answer, but no proof there is none.
inline constexpr int kExitSolverTimeout = 3;
// The run cannot happen here (bpf() not permitted for --backend kernel): the automake/ctest
// "skipped" convention.
inline constexpr int kExitSkipped = 77;

}  // namespace mapsim::cli
