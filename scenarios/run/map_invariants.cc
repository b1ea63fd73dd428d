#include "scenarios/run/map_invariants.h"

#include <algorithm>

#include "impl/assert.h"
#include "impl/internal/lpm_trie_impl.h"
#include "impl/internal/lru_hash_map_impl.h"
#include "model/invariants/check_map.h"
#include "sim/execution.h"
#include "sim/sim_platform.h"

namespace mapsim::scenario {
namespace {

// "after step N (cpu1, in \"label: update ...\")": the last step the execution took, which is
// the one that led to the state just checked; "before the first step" when none was taken
// (the state setup left, with every program parked at its first operation).
std::string last_step_text(const sim::Execution& execution) {
  const std::vector<sim::TraceRecord>& records = execution.trace().records();
  for (size_t i = records.size(); i > 0; --i) {
    const sim::TraceRecord& record = records[i - 1];
    if (record.kind != sim::TraceKind::kStep) continue;
    const std::string operation = execution.trace().operation_at(
        execution.instance(), execution.outcome(), record.context, i);
    return "after step " + std::to_string(record.step) + " (" +
           execution.context_name(record.context) +
           (operation.empty() ? std::string() : ", in \"" + operation + "\"") + ")";
  }
  return "before the first step";
}

}  // namespace

std::string check_step_invariants(const Map& map) {
  const sim::Execution* execution = sim::Execution::current();
  MAPSIM_ASSERT(execution != nullptr, "the step check runs inside its execution");
  invariants::MapCheckScope scope;
  scope.operations_in_flight = execution->operations_in_flight();
  scope.concurrency = static_cast<uint32_t>(std::max(execution->context_count(), 1));
  const std::string problem = invariants::check_map_invariants(map, scope);
  if (problem.empty()) return "";
  return last_step_text(*execution) + ": " + problem;
}

std::string check_quiescent_invariants(Map& map) {
  const std::string problem = invariants::check_map_invariants(map);
  if (!problem.empty()) return problem;
  if (auto* lru = dynamic_cast<internal::LruHashMap<SimPlatform>*>(&map)) {
    std::string failure;
    if (!lru->check_invariants(&failure)) return "LRU invariant: " + failure;
    return "";
  }
  if (auto* trie = dynamic_cast<internal::LpmTrieMap<SimPlatform>*>(&map)) {
    const std::string failure = trie->check_invariants_quiescent();
    return failure.empty() ? "" : "LPM trie invariant: " + failure;
  }
  return "";
}

}  // namespace mapsim::scenario
