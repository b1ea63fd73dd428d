// LRU_HASH and LRU_PERCPU_HASH (impl/internal/lru_hash_map_impl.h, lru_pool.h, lru_list.h).
//
// What holds at every scheduling point, and why:
// - Links: every relink (lru_link_move_to_head, add, unlink) is plain code between two
//   scheduling points, so every list is well formed at every step, whoever holds its lock.
// - Types, owners, counters and the rotation cursor change in several steps (a counter, then
//   the type, then the ref bit, then the links) under the list's lock: they are checked only
//   while that lock is free. LOCAL_FREE is an llist pushed lock-free with one compare-exchange
//   of nodes already typed LOCAL_FREE, so its nodes are checked always.
// - Nodes on no list are held by operations in flight: a refill gathers up to target_free
//   nodes on a private list; a pop, a steal or a push holds one node between two lists. They
//   carry a local type (LOCAL_FREE or LOCAL_PENDING). The per-CPU LRU moves nodes only by
//   relinking under the lock: no node is ever on no list there.
// - The table: an element is linked only with an in-use node (ACTIVE, INACTIVE,
//   LOCAL_PENDING; not pending_free) whose hash is the element's, and unlinked before its node
//   is freed. In-use nodes outside the table (popped and not yet linked, unlinked and not yet
//   pushed) and the element statistic's lag are bounded by the operations in flight.
#include <algorithm>
#include <vector>

#include "model/invariants/family_checks.h"

namespace mapsim::invariants {
namespace {

constexpr uint8_t kActive = 0;
constexpr uint8_t kInactive = 1;
constexpr uint8_t kFree = 2;
constexpr uint8_t kLocalFree = 3;
constexpr uint8_t kLocalPending = 4;

const char* type_name(uint8_t type) {
  static const char* kNames[] = {"ACTIVE", "INACTIVE", "FREE", "LOCAL_FREE", "LOCAL_PENDING"};
  return type <= kLocalPending ? kNames[type] : "an unknown type";
}

std::string cpu_text(int cpu) { return "CPU " + std::to_string(cpu) + " "; }

std::string walk_problem(const LruListWalk& walk, const std::string& list) {
  switch (walk.end) {
    case LruListWalk::End::kHead: return "";
    case LruListWalk::End::kForeignLink: return list + ": a link points outside the node pool";
    case LruListWalk::End::kBrokenBackLink: return list + ": a prev link does not point back";
    case LruListWalk::End::kTooLong: return list + ": longer than the pool (a cycle)";
  }
  return list + ": unknown walk end";
}

struct ListCheck {
  const LruMapView& view;
  std::vector<std::string> on_list;  // [node] the list it was found on, "" if none

  // Registers the walk's nodes; checks type, owner and pending_free when `settled` (its lock
  // is free or it cannot change under it).
  std::string add(const LruListWalk& walk, const std::string& list, uint8_t type, int owner,
                  bool settled) {
    if (std::string problem = walk_problem(walk, list); !problem.empty()) return problem;
    for (uint32_t index : walk.nodes) {
      const std::string node = list + ": node " + std::to_string(index);
      if (!on_list[index].empty()) return node + " is also on " + on_list[index];
      on_list[index] = list;
      const LruNodeView& seen = view.nodes[index];
      if (!settled) continue;
      if (seen.type != type) return node + " has type " + type_name(seen.type);
      if (owner >= 0 && seen.cpu != owner) {
        return node + " names CPU " + std::to_string(seen.cpu) + " as its owner";
      }
      if ((type == kFree || type == kLocalFree) && seen.pending_free) {
        return node + " is free and still marked pending_free";
      }
    }
    return "";
  }
};

std::string check_counters_and_cursor(const LruListsView& lists, const std::string& where) {
  for (uint8_t type : {kActive, kInactive}) {
    if (lists.counts[type] != lists.lists[type].nodes.size()) {
      return where + type_name(type) + " counter is " + std::to_string(lists.counts[type]) +
             ", the list holds " + std::to_string(lists.lists[type].nodes.size());
    }
  }
  if (lists.cursor == LruListsView::kCursorAtHead) return "";
  const std::vector<uint32_t>& inactive = lists.lists[kInactive].nodes;
  if (lists.cursor == LruListsView::kCursorForeign ||
      std::find(inactive.begin(), inactive.end(), static_cast<uint32_t>(lists.cursor)) ==
          inactive.end()) {
    return where + "rotation cursor is neither the INACTIVE head nor a node on INACTIVE";
  }
  return "";
}

std::string check_lists(ListCheck* check) {
  const LruMapView& view = check->view;
  for (int index = 0; index < static_cast<int>(view.lists.size()); ++index) {
    const LruListsView& lists = view.lists[index];
    const int owner = view.percpu_lists ? index : -1;
    const std::string where = view.percpu_lists ? cpu_text(index) : std::string("global ");
    for (uint8_t type : {kActive, kInactive, kFree}) {
      const std::string list = where + type_name(type);
      if (std::string problem = check->add(lists.lists[type], list, type, -1, !lists.locked);
          !problem.empty()) {
        return problem;
      }
    }
    if (owner >= 0) {  // a per-CPU list's nodes belong to it forever, lock or not
      for (uint8_t type : {kActive, kInactive, kFree}) {
        for (uint32_t node : lists.lists[type].nodes) {
          if (view.nodes[node].cpu != owner) {
            return where + type_name(type) + ": node " + std::to_string(node) +
                   " belongs to CPU " + std::to_string(view.nodes[node].cpu);
          }
        }
      }
    }
    if (!lists.locked) {
      if (std::string problem = check_counters_and_cursor(lists, where); !problem.empty()) {
        return problem;
      }
    }
  }
  for (int cpu = 0; cpu < static_cast<int>(view.locals.size()); ++cpu) {
    const LruLocalView& local = view.locals[cpu];
    if (local.next_steal >= view.possible_cpus) {
      return cpu_text(cpu) + "next_steal " + std::to_string(local.next_steal) + " is no CPU";
    }
    if (std::string problem = check->add(local.pending, cpu_text(cpu) + "LOCAL_PENDING",
                                         kLocalPending, cpu, !local.locked);
        !problem.empty()) {
      return problem;
    }
    if (std::string problem =
            check->add(local.free, cpu_text(cpu) + "LOCAL_FREE", kLocalFree, -1, true);
        !problem.empty()) {
      return problem;
    }
  }
  return "";
}

uint64_t node_allowance(const LruMapView& view, const MapCheckScope& scope) {
  const uint32_t per_operation =
      std::max({view.target_free, scope.elements_per_operation, uint32_t{1}});
  return uint64_t{scope.operations_in_flight} * per_operation;
}

std::string check_nodes_on_no_list(const ListCheck& check, const MapCheckScope& scope) {
  const LruMapView& view = check.view;
  uint64_t off_list = 0;
  std::string first;
  for (uint32_t index = 0; index < view.nodes.size(); ++index) {
    const LruNodeView& node = view.nodes[index];
    if (node.cpu >= view.possible_cpus) {
      return "node " + std::to_string(index) + " names CPU " + std::to_string(node.cpu);
    }
    if (!check.on_list[index].empty()) continue;
    ++off_list;
    if (first.empty()) first = "node " + std::to_string(index);
    if (view.percpu_lists) {
      return "node " + std::to_string(index) + " is on no list (per-CPU LRU lists never let go)";
    }
    if (node.type != kLocalFree && node.type != kLocalPending) {
      return "node " + std::to_string(index) + " is on no list with type " + type_name(node.type);
    }
  }
  if (off_list > node_allowance(view, scope)) {
    return std::to_string(off_list) + " node(s) on no list, first " + first + " (" +
           std::to_string(scope.operations_in_flight) + " operations in flight)";
  }
  return "";
}

bool node_in_use(const LruNodeView& node) {
  return (node.type == kActive || node.type == kInactive || node.type == kLocalPending) &&
         !node.pending_free;
}

std::string check_table_against_nodes(const LruMapView& view, const HashTableFacts& facts,
                                      const MapCheckScope& scope) {
  for (const HashChainView& chain : view.table.buckets) {
    for (const HashElementView& element : chain.elements) {
      const LruNodeView& node = view.nodes[element.id];
      const std::string key = "key " + hex_bytes(element.key) + " (node " +
                              std::to_string(element.id) + ")";
      if (!node_in_use(node)) {
        return key + " is in the table but its node is " +
               (node.pending_free ? std::string("pending_free") : type_name(node.type));
      }
      if (node.hash != element.hash) return key + ": the node's hash is not the element's";
    }
  }
  const uint64_t in_use = static_cast<uint64_t>(
      std::count_if(view.nodes.begin(), view.nodes.end(), node_in_use));
  const uint64_t slack = uint64_t{scope.operations_in_flight} *
                         std::max<uint32_t>(scope.elements_per_operation, 1);
  if (in_use < facts.elements || in_use - facts.elements > slack) {
    return std::to_string(in_use) + " LRU nodes in use but " + std::to_string(facts.elements) +
           " elements in the table";
  }
  const uint64_t count = view.element_count;
  if ((count > facts.elements ? count - facts.elements : facts.elements - count) > slack) {
    return "element statistic " + std::to_string(count) + " but " +
           std::to_string(facts.elements) + " elements in the table";
  }
  if (facts.distinct_keys > view.max_entries) {
    return std::to_string(facts.distinct_keys) + " keys, max_entries " +
           std::to_string(view.max_entries);
  }
  return "";
}

}  // namespace

std::string check_lru_map(const LruMapView& view, const MapCheckScope& scope) {
  HashTableFacts facts;
  if (std::string problem = check_hash_table(view.table, &facts); !problem.empty()) {
    return problem;
  }
  if (view.nodes.size() != view.max_entries) {
    return "the LRU pool holds " + std::to_string(view.nodes.size()) + " nodes, max_entries " +
           std::to_string(view.max_entries);
  }
  ListCheck check{view, std::vector<std::string>(view.nodes.size())};
  if (std::string problem = check_lists(&check); !problem.empty()) return problem;
  if (std::string problem = check_nodes_on_no_list(check, scope); !problem.empty()) {
    return problem;
  }
  return check_table_against_nodes(view, facts, scope);
}

}  // namespace mapsim::invariants
