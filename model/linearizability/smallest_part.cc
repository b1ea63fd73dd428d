#include "model/linearizability/smallest_part.h"

#include <algorithm>
#include <map>

namespace mapsim::linearizability {
namespace {

using Unit = std::vector<uint32_t>;

// The ops as units that are dropped together: single ops, and a pointer pair.
std::vector<Unit> units_of(const std::vector<uint32_t>& ops,
                           const std::vector<PreparedOp>& prepared) {
  std::vector<Unit> units;
  std::map<int, size_t> open_pointer;  // context -> unit of its lookup_keep_pointer
  for (uint32_t op : ops) {
    const PreparedOp& current = prepared[op];
    auto open = open_pointer.find(current.context);
    if (current.kind == scenario::StepKind::kAddThroughPointer && open != open_pointer.end()) {
      units[open->second].push_back(op);
      open_pointer.erase(open);
      continue;
    }
    units.push_back({op});
    if (current.kind == scenario::StepKind::kLookupKeepPointer) {
      open_pointer[current.context] = units.size() - 1;
    }
  }
  return units;
}

// Two ops whose effects are the same whatever they returned: one free op stands for both.
bool same_effect(const PreparedOp& a, const PreparedOp& b) {
  return a.kind == b.kind && a.cpu == b.cpu && a.caller == b.caller && a.key == b.key &&
         a.value == b.value && a.flags == b.flags && a.addend == b.addend &&
         a.refused == b.refused;
}

void add_free(const std::vector<PreparedOp>& prepared, uint32_t op, std::vector<uint32_t>* free) {
  if (!prepared[op].writes()) return;  // a read changes nothing
  for (uint32_t other : *free) {
    if (same_effect(prepared[other], prepared[op])) return;
  }
  free->push_back(op);
}

std::vector<uint32_t> flatten(const std::vector<Unit>& units) {
  std::vector<uint32_t> ops;
  for (const Unit& unit : units) ops.insert(ops.end(), unit.begin(), unit.end());
  std::sort(ops.begin(), ops.end());
  return ops;
}

}  // namespace

SmallestPart shrink_to_smallest_part(const std::vector<uint32_t>& ops,
                                     const std::vector<PreparedOp>& prepared,
                                     const PartCheck& check, const ShrinkBudget& budget) {
  SmallestPart result;
  std::vector<Unit> kept = units_of(ops, prepared);
  std::vector<uint32_t> dropped;  // free ops: the writes among the dropped ones
  size_t chunk = std::max<size_t>(1, kept.size() / 2);
  while (true) {
    bool dropped_any = false;
    // Latest units first: ops after the failure are the likeliest to be irrelevant.
    for (size_t end = kept.size(); end > 0 && kept.size() > 1;) {
      const size_t begin = end >= chunk ? end - chunk : 0;
      std::vector<Unit> candidate(kept.begin(), kept.begin() + static_cast<ptrdiff_t>(begin));
      candidate.insert(candidate.end(), kept.begin() + static_cast<ptrdiff_t>(end), kept.end());
      std::vector<uint32_t> free = dropped;
      for (size_t u = begin; u < end; ++u) {
        for (uint32_t op : kept[u]) add_free(prepared, op, &free);
      }
      if (result.checks >= budget.max_checks || result.states >= budget.max_total_states) {
        result.ops = flatten(kept);
        return result;
      }
      ++result.checks;
      const SearchResult searched = check(flatten(candidate), free);
      result.states += searched.states;
      if (searched.kind == SearchResult::Kind::kNotLinearizable) {
        kept = std::move(candidate);
        dropped = std::move(free);
        dropped_any = true;
        end = std::min(begin, kept.size());
      } else {
        end = begin;
      }
    }
    if (!dropped_any) {
      if (chunk == 1) break;
      chunk = std::max<size_t>(1, chunk / 2);
    } else {
      chunk = std::min(chunk, std::max<size_t>(1, kept.size() / 2));
    }
  }
  result.ops = flatten(kept);
  result.minimal = true;
  return result;
}

}  // namespace mapsim::linearizability
