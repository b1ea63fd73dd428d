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
#include "scenarios/run/strategy_config.h"
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
      : done_(parts), running_(parts), failing_done_(parts), failing_running_(parts),
        callback_(options.progress), start_(Clock::now()) {
    totals_.time_budget_seconds = spec.explore.time_seconds;
    totals_.execution_budget = budget;
  }
  void update(size_t part, const scenario::RunProgress& progress) {
    if (!callback_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    running_[part] = progress.executions;
    failing_running_[part] = progress.failing_executions;
    totals_.executions = 0;
    totals_.failing_executions = 0;
    for (size_t i = 0; i < done_.size(); ++i) {
      totals_.executions += done_[i] + running_[i];
      totals_.failing_executions += failing_done_[i] + failing_running_[i];
    }
    totals_.path_events = std::max<uint64_t>(totals_.path_events, progress.path_events);
    totals_.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    callback_(totals_);
  }
  // A chunk of `part` ended: its counts move from running to done.
  void chunk_done(size_t part) {
    std::lock_guard<std::mutex> lock(mutex_);
    done_[part] += running_[part];
    failing_done_[part] += failing_running_[part];
    running_[part] = 0;
    failing_running_[part] = 0;
  }

 private:
  std::mutex mutex_;
  std::vector<uint64_t> done_, running_, failing_done_, failing_running_;
  RunTotals totals_;
  std::function<void(const RunTotals&)> callback_;
  Clock::time_point start_;
};

struct PartState {
  std::unique_ptr<sim::Strategy> strategy;
  std::vector<ScenarioResult> chunks;
  uint64_t used = 0;
  bool finished = false;  // exhausted, stopped at a failure, or cut by time
  bool discarded = false;  // after the first failing part (stop_on_failure)
};

struct Chunk {
  size_t part = 0;
  uint64_t budget = 0;
};

// The next wave: what is left of the budget, shared in part order among the parts that used
// all of their last chunk without finishing.
std::vector<Chunk> next_wave(const std::vector<PartState>& parts, uint64_t budget) {
  uint64_t used = 0;
  std::vector<size_t> hungry;
  for (size_t index = 0; index < parts.size(); ++index) {
    if (parts[index].discarded) continue;
    used += parts[index].used;
    if (!parts[index].finished) hungry.push_back(index);
  }
  std::vector<Chunk> wave;
  if (used >= budget || hungry.empty()) return wave;
  const uint64_t left = budget - used;
  for (size_t i = 0; i < hungry.size(); ++i) {
    const uint64_t share = left / hungry.size() + (i < left % hungry.size() ? 1 : 0);
    if (share > 0) wave.push_back({hungry[i], share});
  }
  return wave;
}

}  // namespace

ScenarioResult run_scenario_parallel(const ScenarioSpec& spec,
                                     const ParallelRunOptions& options) {
  const Clock::time_point start = Clock::now();
  sim::Result<scenario::CompiledScenario> compiled = scenario::compile_scenario(spec);
  if (!compiled.ok()) return bad_scenario(spec, compiled.error());
  const sim::StrategyConfig config = scenario::strategy_config(spec.explore, spec.faults);
  // A canary's mutant is planted in every part, and the canary judged once, on the merged
  // result: one part catching it is enough. Its first catch ends the run, as in run_scenario.
  const sim::Result<MutantSet> mutants = scenario::run_mutants(spec, {});
  if (!mutants.ok()) return bad_scenario(spec, mutants.error());
  ScenarioSpec part_spec = spec;
  part_spec.canary.clear();
  const bool stop_on_failure = options.stop_on_failure || !spec.canary.empty();
  sim::ExplorerOptions explorer_options = compiled.value().explorer_options();
  explorer_options.execution.mutants = mutants.value();
  const sim::PartitionPlan plan =
      sim::plan_partition(compiled.value().scenario, config, explorer_options);
  if (!plan.error.empty()) return bad_scenario(spec, plan.error);
  MAPSIM_ASSERT(!plan.parts.empty(), "a partition has at least one part");

  const bool timed = spec.explore.time_seconds > 0;
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(spec.explore.time_seconds));
  const uint64_t budget = config.budget();
  std::vector<PartState> parts(plan.parts.size());
  for (size_t index = 0; index < parts.size(); ++index) {
    sim::Result<std::unique_ptr<sim::Strategy>> made =
        sim::make_part_strategy(config, plan.parts[index]);
    if (!made.ok()) return bad_scenario(spec, made.error());
    parts[index].strategy = std::move(made.value());
  }
  ProgressTotals progress(plan.parts.size(), options, spec, budget);
  bool out_of_time = false;

  std::vector<Chunk> wave;
  for (size_t index = 0; index < plan.parts.size(); ++index) {
    if (plan.parts[index].executions > 0) wave.push_back({index, plan.parts[index].executions});
  }
  for (size_t index = 0; index < plan.parts.size(); ++index) {
    parts[index].finished = plan.parts[index].executions == 0;  // no share: never started
  }
  while (!wave.empty()) {
    std::vector<ScenarioResult> results(wave.size());
    std::vector<char> timed_out(wave.size(), 0);
    auto run_chunk = [&](size_t item, const std::atomic<size_t>& stop_at) {
      const Chunk& chunk = wave[item];
      char& chunk_timed_out = timed_out[item];
      sim::StoppableStrategy stoppable(*parts[chunk.part].strategy, [&] {
        if (stop_at.load() < item) return true;
        chunk_timed_out = timed && Clock::now() >= deadline;
        return chunk_timed_out != 0;
      });
      scenario::RunOptions run;
      run.strategy_override = &stoppable;
      run.executions = chunk.budget;
      run.time_seconds = 0.0;  // the deadline above is the whole run's
      run.stop_on_failure = stop_on_failure;
      run.mutants = mutants.value();
      run.failures_kept = options.failures_kept;
      run.determinism_check_every = options.determinism_check_every;
      run.progress = [&progress, part = chunk.part](const scenario::RunProgress& p) {
        progress.update(part, p);
      };
      results[item] = scenario::run_scenario(part_spec, run);
      progress.chunk_done(chunk.part);
      const ScenarioResult& result = results[item];
      return result.verdict == scenario::Verdict::kBadScenario ||
             result.verdict == scenario::Verdict::kInternalError ||
             (stop_on_failure && result.failing_executions > 0);
    };
    const size_t counted = sim::run_parts_in_order(wave.size(), options.jobs, run_chunk);
    for (size_t item = 0; item < counted; ++item) {
      PartState& part = parts[wave[item].part];
      ScenarioResult& result = results[item];
      const bool stops = item + 1 == counted && counted < wave.size();
      const bool failed_stop = stop_on_failure && result.failing_executions > 0;
      out_of_time = out_of_time || timed_out[item];
      part.used += result.executions;
      part.finished = result.exhausted || timed_out[item] || failed_stop ||
                      result.verdict == scenario::Verdict::kBadScenario ||
                      result.verdict == scenario::Verdict::kInternalError ||
                      result.executions < wave[item].budget;
      part.chunks.push_back(std::move(result));
      if (stops || failed_stop) {
        for (size_t later = wave[item].part + 1; later < parts.size(); ++later) {
          parts[later].discarded = true;
        }
        break;
      }
    }
    wave = out_of_time ? std::vector<Chunk>{} : next_wave(parts, budget);
  }

  std::vector<ScenarioResult> chunks;
  bool all_exhausted = true;
  bool any_discarded = false;
  for (size_t index = 0; index < parts.size(); ++index) {
    PartState& part = parts[index];
    if (part.discarded) {
      any_discarded = true;
      continue;
    }
    all_exhausted = all_exhausted && !part.chunks.empty() && part.chunks.back().exhausted;
    for (ScenarioResult& chunk : part.chunks) chunks.push_back(std::move(chunk));
  }
  uint64_t failing = 0;
  for (const ScenarioResult& chunk : chunks) failing += chunk.failing_executions;
  MergeContext context;
  context.scenario = spec.name;
  context.header = run_header(spec, config, plan);
  context.strategy = config.name + " parts=" + std::to_string(plan.parts.size());
  context.failures_kept = options.failures_kept;
  context.exhausted = all_exhausted && !any_discarded;
  context.time_budget_reached = out_of_time;
  context.stopped_at_failure =
      stop_on_failure && failing > 0 && !context.exhausted && !out_of_time;
  context.budget_reached = !context.exhausted && !out_of_time && !context.stopped_at_failure;
  ScenarioResult merged = merge_part_results(chunks, context);
  if (merged.verdict != scenario::Verdict::kBadScenario) scenario::judge_canary(spec, &merged);
  merged.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return merged;
}

}  // namespace mapsim::cli
