#include "cli/parallel_run.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "cli/result_merge.h"
#include "impl/assert.h"
#include "scenarios/run/scenario_compile.h"
#include "scenarios/run/scenario_run.h"
#include "scenarios/run/strategy_factory.h"
#include "sim/partition.h"
#include "sim/strategy/stoppable.h"

namespace mapsim::cli {
namespace {

using Clock = std::chrono::steady_clock;
using scenario::ScenarioResult;
using scenario::ScenarioSpec;

ScenarioResult bad_scenario(const ScenarioSpec& spec, std::string error) {
  ScenarioResult result;
  result.verdict = scenario::Verdict::kBadScenario;
  result.scenario = spec.name;
  result.error = std::move(error);
  return result;
}

// The strategy the spec asks for, as run_scenario's factory builds it (strategy_factory.h).
sim::StrategyConfig strategy_config(const ScenarioSpec& spec) {
  sim::StrategyConfig config;
  config.name = spec.explore.strategy;
  config.seed = spec.explore.seed;
  config.executions = spec.explore.executions;
  config.pct_depth = spec.explore.pct_depth;
  config.preemption_bound = spec.explore.preemption_bound;
  config.max_injected_failures = static_cast<int>(spec.faults.allocation_failures);
  config.allocation_failure_probability =
      spec.faults.allocation_failures > 0 ? scenario::kAllocationFailureProbability : 0.0;
  return config;
}

std::string run_header(const ScenarioSpec& spec, const sim::StrategyConfig& config,
                       const sim::PartitionPlan& plan) {
  return "SEED=" + std::to_string(config.seed) + " strategy=" + config.name +
         " scenario=" + spec.name + " cpus=" + std::to_string(spec.possible_cpus) +
         " budget=" + std::to_string(config.budget()) +
         " parts=" + std::to_string(plan.parts.size()) +
         (plan.prefix_depth > 0 ? " prefix_depth=" + std::to_string(plan.prefix_depth) : "");
}

// Progress of every part, summed for the caller's callback.
class ProgressTotals {
 public:
  ProgressTotals(size_t parts, const ParallelRunOptions& options, const ScenarioSpec& spec,
                 uint64_t budget)
      : executions_(parts), failing_(parts), callback_(options.progress), start_(Clock::now()) {
    totals_.time_budget_seconds = spec.explore.time_seconds;
    totals_.execution_budget = budget;
  }
  void update(size_t part, const scenario::RunProgress& progress) {
    if (!callback_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    executions_[part] = progress.executions;
    failing_[part] = progress.failing_executions;
    totals_.executions = 0;
    totals_.failing_executions = 0;
    for (size_t i = 0; i < executions_.size(); ++i) {
      totals_.executions += executions_[i];
      totals_.failing_executions += failing_[i];
    }
    totals_.path_events = std::max<uint64_t>(totals_.path_events, progress.path_events);
    totals_.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    callback_(totals_);
  }

 private:
  std::mutex mutex_;
  std::vector<uint64_t> executions_;
  std::vector<uint64_t> failing_;
  RunTotals totals_;
  std::function<void(const RunTotals&)> callback_;
  Clock::time_point start_;
};

}  // namespace

ScenarioResult run_scenario_parallel(const ScenarioSpec& spec,
                                     const ParallelRunOptions& options) {
  const Clock::time_point start = Clock::now();
  sim::Result<scenario::CompiledScenario> compiled = scenario::compile_scenario(spec);
  if (!compiled.ok()) return bad_scenario(spec, compiled.error());
  const sim::StrategyConfig config = strategy_config(spec);
  const sim::PartitionPlan plan = sim::plan_partition(
      compiled.value().scenario, config, compiled.value().explorer_options());
  if (!plan.error.empty()) return bad_scenario(spec, plan.error);
  MAPSIM_ASSERT(!plan.parts.empty(), "a partition has at least one part");

  const bool timed = spec.explore.time_seconds > 0;
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(spec.explore.time_seconds));
  std::vector<ScenarioResult> results(plan.parts.size());
  std::vector<char> skipped(plan.parts.size(), 0);
  ProgressTotals progress(plan.parts.size(), options, spec, config.budget());

  auto run_part = [&](size_t index, const std::atomic<size_t>& stop_at) {
    const sim::ExplorationPart& part = plan.parts[index];
    if (part.executions == 0) {
      skipped[index] = 1;
      return false;
    }
    sim::Result<std::unique_ptr<sim::Strategy>> made = sim::make_part_strategy(config, part);
    if (!made.ok()) {
      results[index] = bad_scenario(spec, made.error());
      return true;
    }
    bool out_of_time = false;
    sim::StoppableStrategy stoppable(*made.value(), [&] {
      if (stop_at.load() < index) return true;
      out_of_time = timed && Clock::now() >= deadline;
      return out_of_time;
    });
    scenario::RunOptions run;
    run.strategy_override = &stoppable;
    run.executions = part.executions;
    run.time_seconds = 0.0;  // the deadline above is the whole run's
    run.stop_on_failure = options.stop_on_failure;
    run.failures_kept = options.failures_kept;
    run.progress = [&progress, index](const scenario::RunProgress& p) {
      progress.update(index, p);
    };
    ScenarioResult result = scenario::run_scenario(spec, run);
    result.time_budget_reached = out_of_time;
    if (out_of_time) result.budget_reached = false;
    const bool stop = result.verdict == scenario::Verdict::kBadScenario ||
                      result.verdict == scenario::Verdict::kInternalError ||
                      (options.stop_on_failure && result.failing_executions > 0);
    results[index] = std::move(result);
    return stop;
  };
  const size_t counted = sim::run_parts_in_order(plan.parts.size(), options.jobs, run_part);

  std::vector<ScenarioResult> counted_results;
  bool every_part_ran = counted == plan.parts.size();
  for (size_t index = 0; index < counted; ++index) {
    if (skipped[index]) {
      every_part_ran = false;
      continue;
    }
    counted_results.push_back(std::move(results[index]));
  }
  MergeContext context;
  context.scenario = spec.name;
  context.header = run_header(spec, config, plan);
  context.strategy = config.name + " parts=" + std::to_string(plan.parts.size());
  context.every_part_ran = every_part_ran;
  context.parts_cancelled = counted < plan.parts.size();
  context.stop_on_failure = options.stop_on_failure;
  context.failures_kept = options.failures_kept;
  ScenarioResult merged = merge_part_results(counted_results, context);
  merged.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return merged;
}

}  // namespace mapsim::cli
