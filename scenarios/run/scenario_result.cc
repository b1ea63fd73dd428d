#include "scenarios/run/scenario_result.h"

namespace mapsim::scenario {
namespace {

bool same_schedule(const std::optional<sim::Schedule>& left,
                   const std::optional<sim::Schedule>& right) {
  if (left.has_value() != right.has_value()) return false;
  return !left || left->to_compact() == right->to_compact();
}

}  // namespace

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kViolation: return "violation";
    case Verdict::kFailedExpectation: return "failed_expectation";
    case Verdict::kBadScenario: return "bad_scenario";
    case Verdict::kInternalError: return "internal_error";
  }
  return "unknown";
}

const char* expectation_status_name(ExpectationResult::Status status) {
  switch (status) {
    case ExpectationResult::Status::kMet: return "met";
    case ExpectationResult::Status::kUnmet: return "unmet";
    case ExpectationResult::Status::kUndecided: return "undecided";
  }
  return "unknown";
}

bool ExpectationResult::operator==(const ExpectationResult& other) const {
  return index == other.index && kind == other.kind && description == other.description &&
         status == other.status && satisfied_executions == other.satisfied_executions &&
         excused_executions == other.excused_executions &&
         same_schedule(witness, other.witness) && message == other.message;
}

bool ScenarioFailure::operator==(const ScenarioFailure& other) const {
  return kind == other.kind && message == other.message && execution == other.execution &&
         schedule.to_compact() == other.schedule.to_compact() &&
         schedule_compact == other.schedule_compact && schedule_json == other.schedule_json &&
         trace_tail == other.trace_tail && labels == other.labels;
}

}  // namespace mapsim::scenario
