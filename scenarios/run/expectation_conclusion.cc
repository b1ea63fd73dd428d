#include "scenarios/run/expectation_conclusion.h"

#include <string>

#include "scenarios/run/atom_eval.h"

namespace mapsim::scenario {

ExpectationConclusion conclude_expectations(std::vector<ExpectationResult>* expectations,
                                            uint64_t executions, bool stopped_at_failure) {
  ExpectationConclusion conclusion;
  const std::string of = std::to_string(executions) + " executions";
  for (ExpectationResult& expectation : *expectations) {
    const std::string satisfied = std::to_string(expectation.satisfied_executions);
    switch (expectation.kind) {
      case ExpectationSpec::Kind::kAlways:
      case ExpectationSpec::Kind::kNever: {
        const bool broken = expectation.witness.has_value();
        expectation.status = broken ? ExpectationResult::Status::kUnmet
                                    : ExpectationResult::Status::kMet;
        expectation.message = std::string(expectation_kind_name(expectation.kind)) +
                              (broken ? ": broken" : ": held") + "; atoms held in " +
                              satisfied + " of " + of;
        conclusion.broken = conclusion.broken || broken;
        break;
      }
      case ExpectationSpec::Kind::kExists:
        if (expectation.satisfied_executions > 0) {
          expectation.status = ExpectationResult::Status::kMet;
          expectation.message = "exists: shown by " + satisfied + " of " + of;
        } else {
          expectation.status = stopped_at_failure ? ExpectationResult::Status::kUndecided
                                                  : ExpectationResult::Status::kUnmet;
          expectation.message = "exists: shown by none of " + of +
                                (stopped_at_failure ? " (exploring stopped at a failure)" : "");
          conclusion.unshown = conclusion.unshown || !stopped_at_failure;
        }
        break;
      case ExpectationSpec::Kind::kExpected:
        expectation.status = ExpectationResult::Status::kMet;
        expectation.message = "expected: atoms held in " + satisfied + " of " + of +
                              "; excused flags in " +
                              std::to_string(expectation.excused_executions);
        break;
    }
  }
  return conclusion;
}

}  // namespace mapsim::scenario
