#include "model/linearizability/partition.h"

#include <map>
#include <set>

#include "model/reference/reference_uapi.h"

namespace mapsim::linearizability {
namespace {

using scenario::StepKind;

// "" when the keys are independent, else why not.
std::string coupling(const PreparedHistory& history) {
  const MapShape& shape = history.shape;
  if (shape.lru) return "an LRU insert may evict any key";
  for (const PreparedOp& op : history.ops) {
    if (op.kind == StepKind::kGetNextKey) return "get_next_key reads the order of all keys";
  }
  if (shape.array) return "";
  std::set<reference::Bytes> keys;
  if (const reference::HashChains* chains = history.initial.hash_chains()) {
    for (const reference::Bytes& key : chains->keys_in_order()) keys.insert(key);
  }
  for (const PreparedOp& op : history.ops) {
    if (op.rc == reference::kE2BIG) return "an insert found the map full (E2BIG)";
    if (op.kind == StepKind::kUpdate || op.kind == StepKind::kLookupAddElseInsert) {
      keys.insert(*op.key);
    }
  }
  if (keys.size() > shape.info.max_entries) {
    return std::to_string(keys.size()) + " keys may compete for " +
           std::to_string(shape.info.max_entries) + " entries";
  }
  return "";
}

}  // namespace

PartitionPlan plan_partitions(const PreparedHistory& history, bool per_key) {
  PartitionPlan plan;
  plan.whole_because = per_key ? coupling(history) : "asked for";
  if (!plan.whole_because.empty()) {
    Partition whole;
    for (uint32_t i = 0; i < history.ops.size(); ++i) whole.ops.push_back(i);
    plan.partitions.push_back(std::move(whole));
    return plan;
  }
  std::map<reference::Bytes, Partition> by_key;
  for (uint32_t i = 0; i < history.ops.size(); ++i) {
    Partition& partition = by_key[*history.ops[i].key];
    partition.key = history.ops[i].key;
    partition.ops.push_back(i);
  }
  for (auto& [key, partition] : by_key) plan.partitions.push_back(std::move(partition));
  return plan;
}

}  // namespace mapsim::linearizability
