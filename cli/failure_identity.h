// Which failure an execution shows, finer than its kind: `mapsim minimize` keeps this, so that
// a smaller scenario or schedule still fails the way the trace did, not merely with a failure
// of the same kind (another `never` expectation broken, another invariant).
//
// The identity is the failure's kind, the expectation it breaks (always / never: the
// expectation itself, compared field by field, so deleting an earlier expectation does not
// change it) and the check that found it: the first clause of its message ("LRU invariant",
// "deadlock", "data race on plain cell obj#"), with each number as '#' because step numbers,
// counts and object numbers change as a scenario shrinks.
#pragma once

#include <optional>
#include <string>

#include "scenarios/scenario_spec.h"
#include "sim/schedule.h"

namespace mapsim::cli {

struct FailureIdentity {
  std::string kind;   ///< ScenarioFailure::kind; "" when the execution did not fail
  std::string check;  ///< the first clause of the finding's message, numbers as #
  std::optional<scenario::ExpectationSpec> expectation;  ///< always / never: the one broken
  int expectation_index = -1;  ///< its index, for messages only (deletions shift it)

  bool failed() const { return !kind.empty(); }
  bool operator==(const FailureIdentity& other) const {
    return kind == other.kind && check == other.check && expectation == other.expectation;
  }
};

// The identity of the failure the execution `schedule` of `spec` shows (spec's canary planted);
// an empty kind when it passes, does not replay or diverges.
FailureIdentity failure_identity(const scenario::ScenarioSpec& spec,
                                 const sim::Schedule& schedule);

// "never (expectation 0 'the probe never sees key 1')", "invariant (LRU invariant)".
std::string identity_text(const FailureIdentity& identity);

// The first clause of `message` (up to ':' or ';'), each run of digits as '#'.
std::string check_of(const std::string& message);

}  // namespace mapsim::cli
