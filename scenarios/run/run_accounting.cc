#include "scenarios/run/run_accounting.h"

#include <algorithm>

#include "scenarios/run/atom_eval.h"
#include "scenarios/run/expectation_conclusion.h"

namespace mapsim::scenario {

const char* failure_kind_id(sim::FailureKind kind) {
  switch (kind) {
    case sim::FailureKind::kNone: return "none";
    case sim::FailureKind::kCheck: return "check";
    // The runner's only step check that can fail is the map's invariants (map_invariants.h).
    case sim::FailureKind::kStepCheck: return "invariant";
    case sim::FailureKind::kDeadlock: return "deadlock";
    case sim::FailureKind::kLivelock: return "livelock";
    case sim::FailureKind::kDataRace: return "data_race";
    case sim::FailureKind::kUseAfterFree: return "use_after_free";
    case sim::FailureKind::kAssertion: return "assertion";
    case sim::FailureKind::kException: return "exception";
    case sim::FailureKind::kProgramError: return "program_error";
    case sim::FailureKind::kReplayDiverged: return "replay_diverged";
    case sim::FailureKind::kBadScenario: return "bad_scenario";
  }
  return "unknown";
}

RunAccounting::RunAccounting(const CompiledSpec& compiled, ExecutionLog& log)
    : compiled_(compiled), log_(log) {
  const std::vector<ExpectationSpec>& specs = compiled.spec.expectations;
  for (size_t i = 0; i < specs.size(); ++i) {
    ExpectationResult result;
    result.index = static_cast<int>(i);
    result.kind = specs[i].kind;
    result.description = specs[i].description;
    expectations_.push_back(std::move(result));
  }
}

std::vector<std::string> RunAccounting::labels_in_flight(const sim::Trace& trace) const {
  std::vector<int> running(compiled_.context_first_slot.size(), -1);
  for (const sim::TraceRecord& record : trace.records()) {
    if (record.context >= running.size()) continue;
    if (record.kind == sim::TraceKind::kOperationBegin) {
      running[record.context] =
          static_cast<int>(compiled_.context_first_slot[record.context] + record.value);
    } else if (record.kind == sim::TraceKind::kOperationEnd) {
      running[record.context] = -1;
    }
  }
  std::vector<std::string> labels;
  for (int slot : running) {
    if (slot >= 0) labels.push_back(compiled_.slots[slot].step->label);
  }
  return labels;
}

RunAccounting::FailureInfo RunAccounting::classify(const sim::ExecutionRecord& record,
                                                   const LoggedExecution& logged) const {
  const sim::FailureKind kind = record.result->failure.kind;
  FailureInfo info;
  if (kind == sim::FailureKind::kCheck && logged.judgement.judged &&
      !logged.judgement.violations.empty()) {
    const std::vector<Finding>& violations = logged.judgement.violations;
    info.kind = finding_kind_name(violations.front().kind);
    bool only_expectations = true;
    bool internal = false;
    for (const Finding& finding : violations) {
      internal = internal || finding.kind == Finding::Kind::kInternal;
      only_expectations = only_expectations && (finding.kind == Finding::Kind::kAlways ||
                                                finding.kind == Finding::Kind::kNever);
      for (const std::string& label : finding.labels) {
        if (std::find(info.labels.begin(), info.labels.end(), label) == info.labels.end()) {
          info.labels.push_back(label);
        }
      }
    }
    info.category = internal            ? Category::kInternal
                    : only_expectations ? Category::kExpectation
                                        : Category::kViolation;
    return info;
  }
  info.kind = failure_kind_id(kind);
  info.labels = labels_in_flight(*record.trace);
  const bool internal = kind == sim::FailureKind::kException ||
                        kind == sim::FailureKind::kProgramError ||
                        kind == sim::FailureKind::kReplayDiverged;
  info.category = internal ? Category::kInternal : Category::kViolation;
  return info;
}

void RunAccounting::count_judgement(const ExecutionJudgement& judgement,
                                    const sim::Schedule& schedule) {
  if (!judgement.excused.empty()) ++expected_executions_;
  for (ExpectationResult& expectation : expectations_) {
    const size_t i = static_cast<size_t>(expectation.index);
    const bool satisfied = i < judgement.satisfied.size() && judgement.satisfied[i];
    if (satisfied) ++expectation.satisfied_executions;
    const bool excused_here = std::find(judgement.excusing.begin(), judgement.excusing.end(),
                                        expectation.index) != judgement.excusing.end();
    if (excused_here) ++expectation.excused_executions;
    bool witness = false;
    switch (expectation.kind) {
      case ExpectationSpec::Kind::kAlways:
        witness = !satisfied;
        break;
      case ExpectationSpec::Kind::kNever:
      case ExpectationSpec::Kind::kExists:
        witness = satisfied;
        break;
      case ExpectationSpec::Kind::kExpected:
        // Prefer an execution in which it excused a flag: that is the behaviour it documents.
        if (excused_here && expectation.excused_executions == 1) expectation.witness.reset();
        witness = satisfied;
        break;
    }
    if (witness && !expectation.witness) expectation.witness = schedule;
  }
}

void RunAccounting::observe(const sim::ExecutionRecord& record) {
  coverage_.add_trace(*record.trace);
  const LoggedExecution& logged = log_.this_thread();
  if (logged.judgement.judged) {
    count_judgement(logged.judgement, *record.schedule);
    if (!logged.judgement.linearizability_not_checkable.empty()) {
      ++linearizability_unchecked_;
      if (linearizability_unchecked_reason_.empty()) {
        linearizability_unchecked_reason_ = logged.judgement.linearizability_not_checkable;
      }
    }
  }
  if (!record.result->failure) return;
  ++failing_;
  FailureInfo info = classify(record, logged);
  ++by_category_[static_cast<int>(info.category)];
  failures_.emplace(record.index, std::move(info));
}

void RunAccounting::finish(const sim::ExploreReport& report, bool stopped_at_failure,
                           ScenarioResult* result) const {
  result->expectations = expectations_;
  result->coverage = coverage_;
  result->expected_executions = expected_executions_;
  result->linearizability_unchecked = linearizability_unchecked_;
  result->linearizability_unchecked_reason = linearizability_unchecked_reason_;
  const ExpectationConclusion conclusion =
      conclude_expectations(&result->expectations, report.executions, stopped_at_failure);
  // A broken always / never expectation is already counted: its execution failed as one.
  const bool expectation_failed =
      by_category_[static_cast<int>(Category::kExpectation)] > 0 || conclusion.unshown;
  for (const sim::FailureReport& failure : report.failures) {
    ScenarioFailure out;
    auto known = failures_.find(failure.execution);
    const bool observed = known != failures_.end() && failure.kind != sim::FailureKind::kReplayDiverged;
    out.kind = observed ? known->second.kind : failure_kind_id(failure.kind);
    if (observed) out.labels = known->second.labels;
    out.message = failure.message;
    out.execution = failure.execution;
    out.schedule = failure.schedule;
    out.schedule_compact = failure.schedule.to_compact();
    out.schedule_json = failure.schedule.to_json();
    out.trace_tail = failure.trace;
    result->failures.push_back(std::move(out));
  }
  bool internal = by_category_[static_cast<int>(Category::kInternal)] > 0;
  for (const sim::FailureReport& failure : report.failures) {
    internal = internal || failure.kind == sim::FailureKind::kReplayDiverged;
  }
  if (internal) {
    result->verdict = Verdict::kInternalError;
    for (const ScenarioFailure& failure : result->failures) {
      if (failure.kind == "exception" || failure.kind == "program_error" ||
          failure.kind == "replay_diverged" || failure.kind == "internal") {
        result->error = failure.message;
        break;
      }
    }
  } else if (by_category_[static_cast<int>(Category::kViolation)] > 0) {
    result->verdict = Verdict::kViolation;
  } else if (expectation_failed) {
    result->verdict = Verdict::kFailedExpectation;
  } else {
    result->verdict = Verdict::kPass;
  }
}

}  // namespace mapsim::scenario
