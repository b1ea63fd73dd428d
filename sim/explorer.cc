#include "sim/explorer.h"

#include <algorithm>
#include <mutex>
#include <optional>

#include "impl/assert.h"
#include "sim/strategy/replay.h"

namespace mapsim::sim {
namespace {

std::mutex routing_mutex;
int routing_users = 0;                   // explorers working, on any thread
AssertHandler routed_previous = nullptr;  // the handler before the first of them
thread_local bool routing_assertion = false;

// MAPSIM_ASSERT inside a simulated context becomes a failure of that execution (with its
// schedule) instead of killing the process. Outside a context the previous handler decides.
void route_assertion(const char* condition, const char* hint, const char* file, int line) {
  Execution* execution = Execution::current();
  if (execution != nullptr && execution->in_context() && !routing_assertion) {
    routing_assertion = true;
    std::string message = std::string("MAPSIM_ASSERT(") + condition + ") failed: " + hint +
                          " at " + file + ":" + std::to_string(line);
    routing_assertion = false;
    execution->fail(FailureKind::kAssertion, std::move(message));
  }
  if (routed_previous != nullptr) routed_previous(condition, hint, file, line);
}

// Installed while any explorer works (reference counted across threads).
class AssertRouting {
 public:
  AssertRouting() {
    std::lock_guard<std::mutex> lock(routing_mutex);
    if (routing_users++ == 0) routed_previous = set_assert_handler(&route_assertion);
  }
  ~AssertRouting() {
    std::lock_guard<std::mutex> lock(routing_mutex);
    if (--routing_users == 0) set_assert_handler(routed_previous);
  }
  AssertRouting(const AssertRouting&) = delete;
  AssertRouting& operator=(const AssertRouting&) = delete;
};

int clamp_cpus(int cpus) { return std::clamp(cpus, 1, SimPlatform::kMaxPossibleCpus); }

// " mutants=a,b" when the map code runs with planted bugs (impl/mutant.h); "" otherwise.
std::string mutants_field(const MutantSet& mutants) {
  std::string field;
  for (const MutantInfo& info : kMutantCatalogue) {
    if (!mutants.contains(info.mutant)) continue;
    field += field.empty() ? " mutants=" : ",";
    field += info.name;
  }
  return field;
}

}  // namespace

Explorer::Explorer(Scenario scenario, ExplorerOptions options)
    : scenario_(std::move(scenario)),
      options_(std::move(options)),
      stacks_(options_.stack_bytes),
      arena_(options_.memory_budget_bytes),
      platform_(clamp_cpus(scenario_.possible_cpus), options_.memory_budget_bytes) {
  execution_ = std::make_unique<Execution>(platform_, stacks_, arena_, options_.execution);
}

Explorer::~Explorer() = default;

uint64_t Explorer::fingerprint() {
  if (!has_fingerprint_) {
    std::string error;
    fingerprint_ = execution_->fingerprint(scenario_, &error);
    has_fingerprint_ = error.empty();
  }
  return fingerprint_;
}

std::string Explorer::header(const Strategy& strategy, uint64_t budget) const {
  const ExecutionOptions& execution = options_.execution;
  return "SEED=" + std::to_string(strategy.seed()) + " " + strategy.describe() +
         " scenario=" + scenario_.name + " cpus=" + std::to_string(scenario_.possible_cpus) +
         " budget=" + std::to_string(budget) + " max_steps=" +
         std::to_string(execution.max_steps) +
         " max_allocation_failures=" + std::to_string(execution.max_allocation_failures) +
         " nested_depth_max=" + std::to_string(execution.nested_depth_max) +
         " detect_races=" + (execution.detect_races ? "1" : "0") +
         mutants_field(execution.mutants);
}

ExploreReport Explorer::explore(Strategy& strategy) {
  ExploreReport report;
  const uint64_t budget =
      options_.max_executions != 0 ? options_.max_executions : strategy.default_budget();
  report.header = header(strategy, budget);
  if (scenario_.possible_cpus < 1 || scenario_.possible_cpus > SimPlatform::kMaxPossibleCpus) {
    report.error = "scenario: possible_cpus must be in [1, 4096], got " +
                   std::to_string(scenario_.possible_cpus);
    return report;
  }
  if (!scenario_.build) {
    report.error = "scenario: no build function";
    return report;
  }
  if (options_.log) options_.log(report.header);
  AssertRouting routing;
  while (report.executions < budget && strategy.begin_execution()) {
    const ExecutionResult result = execution_->run(scenario_, strategy, &schedule_);
    if (!has_fingerprint_) {
      fingerprint_ = scenario_fingerprint(scenario_, execution_->instance());
      has_fingerprint_ = true;
    }
    schedule_.scenario = scenario_.name;
    schedule_.fingerprint = fingerprint_;
    schedule_.trace_hash = result.trace_hash;
    strategy.end_execution(ExecutionSummary{result.steps, result.completed,
                                            static_cast<bool>(result.failure)});
    report.steps += result.steps;
    if (result.failure.kind == FailureKind::kBadScenario) {
      report.error = result.failure.message;
      break;
    }
    judge(strategy, result, &report);
    if (report.failing_executions > 0 && options_.stop_on_failure) break;
  }
  report.exhausted = strategy.exhausted();
  report.budget_reached = !report.exhausted && report.executions >= budget;
  report.strategy = strategy.describe();
  execution_->discard_instance();
  return report;
}

void Explorer::judge(Strategy& strategy, const ExecutionResult& result, ExploreReport* report) {
  if (!strategy.last_execution_is_new()) {
    ++report->repeats;
    return;
  }
  if (result.aborted && !result.failure) {
    ++report->aborted;
    return;
  }
  const uint64_t index = report->executions++;
  if (options_.observer) {
    const ExecutionRecord record{index, &result, &execution_->trace(), &schedule_,
                                 &execution_->outcome(), &execution_->instance()};
    execution_->inspect([&] { options_.observer(record); });
  }
  if (result.failure) {
    ++report->failing_executions;
    if (report->failures.size() < options_.failures_kept) {
      report->failures.push_back(failure_report(result.failure, index, schedule_));
      if (options_.log) {
        const FailureReport& failure = report->failures.back();
        options_.log(std::string(failure_kind_name(failure.kind)) + ": " + failure.message +
                     "\n" + failure.reproduce);
      }
    }
    return;
  }
  const uint32_t every = options_.determinism_check_every;
  if (every != 0 && index % every == 0) check_determinism(result, report);
}

bool Explorer::check_determinism(const ExecutionResult& result, ExploreReport* report) {
  ++report->determinism_checks;
  const Schedule recorded = schedule_;
  ReplayStrategy replay(recorded);
  replay.begin_execution();
  const ExecutionResult again = execution_->run(scenario_, replay, &schedule_);
  const bool same = !again.failure && again.trace_hash == result.trace_hash &&
                    replay.unused_choices() == 0;
  if (same) return true;
  Failure failure{FailureKind::kReplayDiverged,
                  "determinism self-check: execution " + std::to_string(report->executions - 1) +
                      " replayed from its own schedule " +
                      (again.failure ? "failed: " + again.failure.message
                                     : "gave a different trace") +
                      "; is the scenario fully deterministic?",
                  again.steps};
  ++report->failing_executions;
  if (report->failures.size() < options_.failures_kept) {
    report->failures.push_back(failure_report(failure, report->executions - 1, recorded));
  }
  return false;
}

FailureReport Explorer::failure_report(const Failure& failure, uint64_t execution,
                                       const Schedule& schedule) const {
  FailureReport report;
  report.kind = failure.kind;
  report.message = failure.message;
  report.execution = execution;
  report.step = failure.step;
  report.schedule = schedule;
  // A step check judges the state the last step left: its trace points at that step.
  std::optional<TraceMark> mark;
  if (failure.kind == FailureKind::kStepCheck && failure.step > 0) {
    mark = TraceMark{failure.step - 1, "<== the step check failed after this step"};
  }
  report.trace = execution_->trace().format(execution_->instance(), execution_->outcome(),
                                            options_.trace_tail, mark ? &*mark : nullptr);
  report.reproduce = "replay the schedule (Explorer::replay, or `mapsim replay` once the "
                     "scenario has a file)" +
                     mutants_field(options_.execution.mutants) + ": " + schedule.to_compact();
  return report;
}

ReplayReport Explorer::replay(const Schedule& schedule) {
  ReplayReport report;
  const uint64_t expected = fingerprint();
  if (!has_fingerprint_) {
    report.error = "the scenario cannot run";
    return report;
  }
  if (schedule.scenario != scenario_.name) {
    report.error = "schedule: recorded for scenario '" + schedule.scenario +
                   "', not for '" + scenario_.name + "'";
    return report;
  }
  if (schedule.fingerprint != expected) {
    report.error = "schedule: its fingerprint does not match scenario '" + scenario_.name +
                   "' (its CPUs, programs or operation names changed since it was recorded)";
    return report;
  }
  AssertRouting routing;
  ReplayStrategy strategy(schedule);
  strategy.begin_execution();
  Schedule replayed;
  report.result = execution_->run(scenario_, strategy, &replayed);
  strategy.end_execution(ExecutionSummary{report.result.steps, report.result.completed,
                                          static_cast<bool>(report.result.failure)});
  if (report.result.failure.kind == FailureKind::kReplayDiverged) {
    report.diverged = true;
    report.divergence = report.result.failure.message;
  } else if (strategy.unused_choices() > 0) {
    report.diverged = true;
    report.divergence = "replay diverged: the execution ended with " +
                        std::to_string(strategy.unused_choices()) +
                        " choices of the schedule unused";
  } else if (schedule.trace_hash != 0 && report.result.trace_hash != schedule.trace_hash) {
    report.diverged = true;
    report.divergence = "replay diverged: the trace differs from the recorded one (hash)";
  }
  report.trace = execution_->trace().format(execution_->instance(), execution_->outcome());
  execution_->discard_instance();
  return report;
}

ReplayReport Explorer::replay(std::string_view text) {
  Result<Schedule> parsed = Schedule::parse(text);
  if (!parsed.ok()) {
    ReplayReport report;
    report.error = parsed.error();
    return report;
  }
  return replay(parsed.value());
}

}  // namespace mapsim::sim
