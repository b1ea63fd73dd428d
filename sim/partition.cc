#include "sim/partition.h"

#include <algorithm>
#include <mutex>
#include <thread>

#include "impl/assert.h"

namespace mapsim::sim {
namespace {

// The budget shared out over `parts` in part order.
uint64_t share(uint64_t budget, size_t parts, size_t index) {
  return budget / parts + (index < budget % parts ? 1 : 0);
}

PartitionPlan seeded_plan(const StrategyConfig& strategy) {
  PartitionPlan plan;
  const uint64_t budget = strategy.budget();
  const size_t count = static_cast<size_t>(std::min<uint64_t>(budget, kTargetParts));
  uint64_t first = 0;
  for (size_t index = 0; index < count; ++index) {
    ExplorationPart part;
    part.index = index;
    part.first_execution = first;
    part.executions = share(budget, count, index);
    first += part.executions;
    plan.parts.push_back(std::move(part));
  }
  return plan;
}

// Enumerates the prefixes of `depth` steps; false with plan->error when the scenario cannot run.
bool enumerate(const Scenario& scenario, const StrategyConfig& strategy,
               const ExplorerOptions& options, uint32_t depth, std::vector<Prefix>* prefixes,
               PartitionPlan* plan) {
  PrefixEnumeratorOptions enumeration;
  enumeration.depth = depth;
  enumeration.sleep_sets = strategy.name == "dpor";
  enumeration.max_preemptions = strategy.preemption_bound;
  enumeration.max_failures =
      strategy.name == "dpor"
          ? std::min<int>(strategy.max_injected_failures,
                          static_cast<int>(options.execution.max_allocation_failures))
          : static_cast<int>(options.execution.max_allocation_failures);
  PrefixEnumerator enumerator(enumeration);
  ExplorerOptions quiet = options;
  quiet.max_executions = 0;
  quiet.stop_on_failure = false;
  quiet.determinism_check_every = 0;
  quiet.failures_kept = 0;
  quiet.observer = nullptr;
  quiet.log = nullptr;
  Explorer explorer(scenario, quiet);
  const ExploreReport report = explorer.explore(enumerator);
  plan->enumeration_executions += report.executions + report.aborted;
  if (!report.error.empty()) {
    plan->error = report.error;
    return false;
  }
  *prefixes = enumerator.prefixes();
  return true;
}

PartitionPlan systematic_plan(const Scenario& scenario, const StrategyConfig& strategy,
                              const ExplorerOptions& options) {
  PartitionPlan plan;
  std::vector<Prefix> prefixes;
  for (uint32_t depth = 1; depth <= kMaxPrefixDepth; ++depth) {
    if (!enumerate(scenario, strategy, options, depth, &prefixes, &plan)) return plan;
    plan.prefix_depth = depth;
    const bool all_ended = std::all_of(prefixes.begin(), prefixes.end(),
                                       [](const Prefix& prefix) { return prefix.ended; });
    if (prefixes.size() >= kTargetParts || all_ended) break;
  }
  const uint64_t budget = strategy.budget();
  for (size_t index = 0; index < prefixes.size(); ++index) {
    ExplorationPart part;
    part.index = index;
    part.prefix = std::move(prefixes[index]);
    part.executions = share(budget, prefixes.size(), index);
    plan.parts.push_back(std::move(part));
  }
  return plan;
}

}  // namespace

PartitionPlan plan_partition(const Scenario& scenario, const StrategyConfig& strategy,
                             const ExplorerOptions& options) {
  if (std::string error = strategy.validate(); !error.empty()) {
    PartitionPlan plan;
    plan.error = error;
    return plan;
  }
  if (strategy.seeded()) return seeded_plan(strategy);
  return systematic_plan(scenario, strategy, options);
}

size_t run_parts_in_order(size_t count, int jobs,
                          const std::function<bool(size_t, const std::atomic<size_t>&)>& run) {
  MAPSIM_ASSERT(jobs >= 1, "run_parts_in_order: at least one job");
  std::atomic<size_t> next{0};
  std::atomic<size_t> stop_at{SIZE_MAX};
  auto worker = [&] {
    for (;;) {
      const size_t part = next.fetch_add(1);
      // Parts after a stopping part do not count: do not start them.
      if (part >= count || part > stop_at.load()) return;
      if (run(part, stop_at)) {
        size_t current = stop_at.load();
        while (part < current && !stop_at.compare_exchange_weak(current, part)) {
        }
      }
    }
  };
  const size_t threads = std::min<size_t>(static_cast<size_t>(jobs), count);
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
  const size_t stop = stop_at.load();
  return stop == SIZE_MAX ? count : stop + 1;
}

}  // namespace mapsim::sim
