#include "cli/result_merge.h"

#include "scenarios/run/expectation_conclusion.h"

namespace mapsim::cli {
namespace {

using scenario::ExpectationResult;
using scenario::ExpectationSpec;
using scenario::ScenarioResult;
using scenario::Verdict;

void add_coverage(const scenario::PathCoverage& part, scenario::PathCoverage* total) {
  for (const auto& [event, count] : part.events) total->events[event] += count;
  for (const auto& [edge, count] : part.transitions) total->transitions[edge] += count;
}

// Counts summed, witnesses from the earliest part (an expected-behaviour expectation prefers
// the earliest execution in which it excused a flag, as one exploration does).
void add_expectations(const ScenarioResult& part, bool first, ScenarioResult* total) {
  if (first) {
    total->expectations = part.expectations;
    return;
  }
  for (size_t i = 0; i < total->expectations.size() && i < part.expectations.size(); ++i) {
    ExpectationResult& merged = total->expectations[i];
    const ExpectationResult& next = part.expectations[i];
    const bool had_excused = merged.excused_executions > 0;
    merged.satisfied_executions += next.satisfied_executions;
    merged.excused_executions += next.excused_executions;
    if (merged.kind == ExpectationSpec::Kind::kExpected && !had_excused &&
        next.excused_executions > 0) {
      merged.witness = next.witness;
    } else if (!merged.witness && next.witness) {
      merged.witness = next.witness;
    }
  }
}

Verdict merged_verdict(const std::vector<ScenarioResult>& parts, bool expectation_failed,
                       std::string* error) {
  for (const ScenarioResult& part : parts) {
    if (part.verdict == Verdict::kInternalError) {
      *error = part.error;
      return Verdict::kInternalError;
    }
  }
  for (const ScenarioResult& part : parts) {
    if (part.verdict == Verdict::kViolation) return Verdict::kViolation;
  }
  return expectation_failed ? Verdict::kFailedExpectation : Verdict::kPass;
}

}  // namespace

ScenarioResult merge_part_results(const std::vector<ScenarioResult>& parts,
                                  const MergeContext& context) {
  for (const ScenarioResult& part : parts) {
    if (part.verdict == Verdict::kBadScenario) return part;
  }
  ScenarioResult total;
  total.scenario = context.scenario;
  total.header = context.header;
  total.strategy = context.strategy;
  total.exhausted = context.exhausted;
  total.budget_reached = context.budget_reached;
  total.time_budget_reached = context.time_budget_reached;
  total.stopped_at_failure = context.stopped_at_failure;
  for (size_t index = 0; index < parts.size(); ++index) {
    const ScenarioResult& part = parts[index];
    for (scenario::ScenarioFailure failure : part.failures) {
      if (total.failures.size() >= context.failures_kept) break;
      failure.execution += total.executions;
      total.failures.push_back(std::move(failure));
    }
    add_expectations(part, index == 0, &total);
    add_coverage(part.coverage, &total.coverage);
    total.executions += part.executions;
    total.steps += part.steps;
    total.aborted += part.aborted;
    total.failing_executions += part.failing_executions;
    total.expected_executions += part.expected_executions;
    total.determinism_checks += part.determinism_checks;
  }
  const scenario::ExpectationConclusion conclusion = scenario::conclude_expectations(
      &total.expectations, total.executions, total.stopped_at_failure);
  const bool expectation_failed = conclusion.broken || conclusion.unshown;
  total.verdict = merged_verdict(parts, expectation_failed, &total.error);
  return total;
}

}  // namespace mapsim::cli
