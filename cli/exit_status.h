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
//
// Output the user asked for: a folder or file they named (--out DIR and what goes in it: reports,
// traces, pictures, index.html; --json FILE, --junit FILE) that cannot be written is bad input
// (2), like a path that does not exist. A picture that cannot be drawn from mapsim's own traces
// is mapsim's failure (3). Several of these combine by worst_exit_status().
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

// The checking verbs' statuses in order of severity: internal error, bad input, findings, ok.
constexpr int exit_severity(int status) {
  switch (status) {
    case kExitInternal: return 3;
    case kExitUsage: return 2;
    case kExitFindings: return 1;
    default: return 0;
  }
}

// The worse of two checking-verb statuses (3 before 2 before 1 before 0).
constexpr int worst_exit_status(int a, int b) { return exit_severity(b) > exit_severity(a) ? b : a; }

}  // namespace mapsim::cli
