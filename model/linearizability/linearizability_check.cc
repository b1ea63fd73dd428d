#include "model/linearizability/linearizability_check.h"

#include <algorithm>
#include <utility>

#include "model/linearizability/linearization_search.h"
#include "model/linearizability/lru_spec.h"
#include "model/linearizability/model_spec.h"
#include "model/linearizability/partition.h"
#include "model/linearizability/prepared_history.h"
#include "model/linearizability/smallest_part.h"
#include "model/linearizability/spec_context.h"
#include "model/reference/reference_uapi.h"
#include "scenarios/hex.h"

namespace mapsim::linearizability {
namespace {

using scenario::StepKind;
using Kind = LinearizabilityVerdict::Kind;

bool has_specification(uint32_t type) {
  return type == reference::kTypeHash || type == reference::kTypePercpuHash ||
         type == reference::kTypeArray || type == reference::kTypePercpuArray ||
         type == reference::kTypeLruHash || type == reference::kTypeLruPercpuHash;
}

bool program_add(StepKind kind) {
  return kind == StepKind::kLookupAddElseInsert || kind == StepKind::kAddThroughPointer;
}

ReportedOp report(const History& history, uint32_t index) {
  const HistoryOp& op = history.ops[index];
  ReportedOp reported;
  reported.index = index;
  reported.label = op.step.label;
  reported.line = op.step.pos.line;
  reported.context = op.context;
  reported.cpu = op.cpu;
  reported.kind = op.step.kind;
  reported.via = op.step.via;
  reported.key = op.step.key;
  reported.value = op.step.value;
  reported.flags = op.step.flags;
  reported.rc = op.rc;
  reported.observed = op.value;
  reported.invoked_step = op.invoked_step;
  reported.returned_step = op.returned_step;
  return reported;
}

// Why a well-formed history cannot be checked, or "".
std::string not_checkable_because(const PreparedHistory& prepared) {
  if (!prepared.not_checkable.empty()) return prepared.not_checkable;
  const bool next_keys = std::any_of(prepared.ops.begin(), prepared.ops.end(), [](auto& op) {
    return op.kind == StepKind::kGetNextKey;
  });
  const bool adds = std::any_of(prepared.ops.begin(), prepared.ops.end(),
                                [](auto& op) { return program_add(op.kind); });
  if (next_keys && prepared.shape.lru) {
    return "get_next_key on an LRU map: its order depends on which keys were evicted, which "
           "the LRU specification leaves undecided";
  }
  if (next_keys && adds && prepared.shape.info.type == reference::kTypeHash) {
    return "get_next_key together with program adds on a HASH map: the model can only write "
           "an add by re-inserting the key, which moves it in get_next_key order";
  }
  return "";
}

// Sentences about kernel non-atomicities that the failing part involves.
std::vector<std::string> caveats_of(const PreparedHistory& prepared,
                                    const std::vector<uint32_t>& part) {
  bool adds = false;
  bool next_keys = false;
  bool lookups = false;
  bool writes = false;
  for (uint32_t index : part) {
    const PreparedOp& op = prepared.ops[index];
    adds = adds || program_add(op.kind);
    next_keys = next_keys || op.kind == StepKind::kGetNextKey;
    lookups = lookups || op.kind == StepKind::kLookup || op.kind == StepKind::kLookupKeepPointer;
    writes = writes || op.writes();
  }
  const bool prealloc_hash = !prepared.shape.array &&
                             (prepared.shape.info.map_flags & reference::kNoPrealloc) == 0;
  std::vector<std::string> caveats;
  if (adds && prealloc_hash) {
    caveats.push_back("a program adds through a pointer: if its element was freed and reused "
                      "by another key (preallocated map), the add changes that key's value, "
                      "which the specification does not model");
  }
  if (lookups && writes && prealloc_hash) {
    caveats.push_back("a lookup copies a value out of an element found under RCU: a "
                      "preallocated element that a concurrent delete frees can be reused by "
                      "another key's insert before the copy");
  }
  if (next_keys) {
    caveats.push_back("get_next_key reads the buckets one after another without a lock: the "
                      "kernel does not make it atomic with concurrent updates");
  }
  return caveats;
}

template <class Spec>
SearchResult run_search(const Spec& initial, const PreparedHistory& prepared,
                        std::vector<uint32_t> part, std::vector<uint32_t> free,
                        uint64_t max_states) {
  SearchRequest request;
  request.ops = &prepared.ops;
  request.constrained = std::move(part);
  request.free = std::move(free);
  request.max_states = max_states;
  return search_linearization(initial, request);
}

template <class Spec>
LinearizabilityVerdict check_partitions(const Spec& initial, const History& history,
                                        const PreparedHistory& prepared,
                                        const PartitionPlan& plan,
                                        const LinearizabilityOptions& options) {
  LinearizabilityVerdict verdict;
  verdict.kind = Kind::kLinearizable;
  std::string exhausted;
  for (const Partition& partition : plan.partitions) {
    verdict.stats.largest_partition = std::max(verdict.stats.largest_partition,
                                               static_cast<uint32_t>(partition.ops.size()));
    const SearchResult result =
        run_search(initial, prepared, partition.ops, {}, options.max_states);
    verdict.stats.states += result.states;
    verdict.stats.cache_hits += result.cache_hits;
    const std::string name =
        partition.key ? "key " + hex_from_bytes(*partition.key) : "the whole history";
    if (result.kind == SearchResult::Kind::kBudgetExhausted) {
      if (exhausted.empty()) {
        exhausted = "the search of " + name + " (" + std::to_string(partition.ops.size()) +
                    " ops) explored " + std::to_string(options.max_states) +
                    " configurations without an answer";
      }
      continue;
    }
    if (result.kind == SearchResult::Kind::kLinearizable) continue;
    const PartCheck check = [&](const std::vector<uint32_t>& part,
                                const std::vector<uint32_t>& free) {
      return run_search(initial, prepared, part, free, options.shrink_max_states);
    };
    const SmallestPart smallest = shrink_to_smallest_part(
        partition.ops, prepared.ops, check,
        ShrinkBudget{options.shrink_max_checks, options.shrink_max_total_states});
    verdict.kind = Kind::kNotLinearizable;
    verdict.reason = "no order of the ops of " + name + " explains their results";
    for (uint32_t index : smallest.ops) {
      verdict.smallest_part.push_back(report(history, prepared.ops[index].history_index));
    }
    verdict.smallest_part_minimal = smallest.minimal;
    verdict.caveats = caveats_of(prepared, smallest.ops);
    verdict.stats.shrink_checks = smallest.checks;
    verdict.stats.shrink_states = smallest.states;
    return verdict;
  }
  if (!exhausted.empty()) {
    verdict.kind = Kind::kNotCheckable;
    verdict.reason = exhausted;
  }
  return verdict;
}

}  // namespace

LinearizabilityVerdict check_linearizable(const History& history,
                                          const LinearizabilityOptions& options) {
  LinearizabilityVerdict verdict;
  if (!has_specification(history.map.map_type)) {
    verdict.kind = Kind::kNotCheckable;
    verdict.reason = "no linearizability specification for map type " +
                     std::to_string(history.map.map_type) +
                     " (HASH, PERCPU_HASH, ARRAY, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH have)";
    return verdict;
  }
  const PreparedHistory prepared = prepare_history(history);
  std::vector<ReportedOp> unchecked;
  for (uint32_t walk : prepared.walks) unchecked.push_back(report(history, walk));
  LinearizabilityStats stats;
  stats.ops_checked = static_cast<uint32_t>(prepared.ops.size());
  if (std::string why = not_checkable_because(prepared); !why.empty()) {
    verdict.kind = Kind::kNotCheckable;
    verdict.reason = std::move(why);
    verdict.unchecked = std::move(unchecked);
    verdict.stats = stats;
    return verdict;
  }
  SpecContext context;
  context.history = &prepared;
  context.allocation_failures = options.allocation_failures;
  context.track_generations = std::any_of(prepared.ops.begin(), prepared.ops.end(),
                                          [](auto& op) { return program_add(op.kind); });
  const PartitionPlan plan = plan_partitions(prepared, options.partition_per_key);
  verdict = prepared.shape.lru
                ? check_partitions(LruSpec(context), history, prepared, plan, options)
                : check_partitions(ModelSpec(context, prepared.initial), history, prepared,
                                   plan, options);
  verdict.partitioning =
      plan.whole_because.empty() ? "per key" : "whole history: " + plan.whole_because;
  verdict.unchecked = std::move(unchecked);
  stats.partitions = static_cast<uint32_t>(plan.partitions.size());
  stats.largest_partition = verdict.stats.largest_partition;
  stats.states = verdict.stats.states;
  stats.cache_hits = verdict.stats.cache_hits;
  stats.shrink_checks = verdict.stats.shrink_checks;
  stats.shrink_states = verdict.stats.shrink_states;
  verdict.stats = stats;
  return verdict;
}

}  // namespace mapsim::linearizability
