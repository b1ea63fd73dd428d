#include "sim/testing/dpor_check.h"

#include <map>

#include "sim/explorer.h"
#include "sim/strategy/bounded_dfs.h"
#include "sim/strategy/dpor.h"
#include "sim/testing/mazurkiewicz.h"

namespace mapsim::sim::testing {
namespace {

TraceClasses explore_classes(const Scenario& scenario, Strategy& strategy,
                             uint32_t allocation_failures, uint64_t cap) {
  TraceClasses classes;
  std::map<std::string, std::string> views;  // canonical name -> what the contexts saw
  ExplorerOptions options;
  options.execution.max_allocation_failures = allocation_failures;
  options.stop_on_failure = false;
  options.max_executions = cap;
  options.observer = [&classes, &views](const ExecutionRecord& record) {
    const std::string name = canonical_trace(transitions_of(*record.trace));
    classes.traces.insert(name);
    if (record.result->failure) classes.failing.insert(name);
    const std::string view =
        observable_view(*record.trace) + (record.result->failure ? "failed" : "passed");
    const auto [seen, added] = views.emplace(name, view);
    if (!added && seen->second != view) classes.inconsistent.insert(name);
  };
  Explorer explorer(scenario, options);
  const ExploreReport report = explorer.explore(strategy);
  classes.error = report.error;
  classes.executions = report.executions;
  classes.aborted = report.aborted;
  classes.exhausted = report.exhausted;
  return classes;
}

size_t missing_from(const std::set<std::string>& wanted, const std::set<std::string>& got) {
  size_t missing = 0;
  for (const std::string& name : wanted) missing += got.count(name) == 0 ? 1 : 0;
  return missing;
}

}  // namespace

double DporComparison::ratio() const {
  if (brute_force.traces.empty()) return 0.0;
  return static_cast<double>(dpor.executions + dpor.aborted) /
         static_cast<double>(brute_force.traces.size());
}

DporComparison compare_dpor_with_brute_force(const Scenario& scenario,
                                             uint32_t allocation_failures,
                                             uint64_t brute_force_cap) {
  DporComparison comparison;
  BoundedDfsOptions dfs_options;
  dfs_options.first_bound = BoundedDfsOptions::kUnbounded;
  BoundedDfsStrategy dfs(dfs_options);
  comparison.brute_force = explore_classes(scenario, dfs, allocation_failures, brute_force_cap);
  DporStrategy dpor(DporOptions{});
  comparison.dpor = explore_classes(scenario, dpor, allocation_failures, DporOptions{}.budget);
  comparison.missed_traces = missing_from(comparison.brute_force.traces, comparison.dpor.traces);
  comparison.missed_failing =
      missing_from(comparison.brute_force.failing, comparison.dpor.failing);
  comparison.extra_traces = missing_from(comparison.dpor.traces, comparison.brute_force.traces);
  return comparison;
}

}  // namespace mapsim::sim::testing
