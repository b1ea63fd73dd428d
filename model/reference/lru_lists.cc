#include "model/reference/lru_lists.h"

#include <algorithm>
#include <iterator>

#include "impl/assert.h"

namespace mapsim::reference {
namespace {

std::list<uint32_t>::iterator position_of(std::list<uint32_t>& list, uint32_t node) {
  const auto position = std::find(list.begin(), list.end(), node);
  MAPSIM_ASSERT(position != list.end(), "the node is on the list its state names");
  return position;
}

// The neighbour towards the head (list_head.prev), or nullopt when `node` is the newest.
std::optional<uint32_t> newer_neighbour(std::list<uint32_t>& list, uint32_t node) {
  const auto position = position_of(list, node);
  if (position == list.begin()) return std::nullopt;
  return *std::prev(position);
}

// The neighbour towards the tail (list_head.next), or nullopt when `node` is the oldest.
std::optional<uint32_t> older_neighbour(std::list<uint32_t>& list, uint32_t node) {
  const auto next = std::next(position_of(list, node));
  if (next == list.end()) return std::nullopt;
  return *next;
}

// A node leaving INACTIVE must not leave the rotation cursor behind.
void step_cursor_off(LruList& list, uint32_t node) {
  if (list.rotation_cursor == node) {
    list.rotation_cursor = newer_neighbour(list.inactive, node);
  }
}

// The oldest `count_max` nodes of `source`, oldest first: the order of a scan from the tail.
// Nodes a scan moves leave the list or go to its head (behind the scan), so the nodes still to
// be visited keep this order while the scan runs.
std::vector<uint32_t> oldest_first(const std::list<uint32_t>& source, size_t count_max) {
  std::vector<uint32_t> order;
  for (auto node = source.rbegin(); node != source.rend() && order.size() < count_max; ++node) {
    order.push_back(*node);
  }
  return order;
}

// __bpf_lru_list_rotate_active(): from the tail, referenced nodes get another round on ACTIVE,
// the others go to INACTIVE.
void rotate_active(LruList& list, LruNodes& nodes, uint32_t scan_count_max) {
  for (uint32_t node : oldest_first(list.active, scan_count_max)) {
    lru_node_move(list, nodes, node, nodes[node].ref ? LruListKind::kActive
                                                     : LruListKind::kInactive);
  }
}

// __bpf_lru_list_rotate_inactive(): from the cursor towards the head, wrapping past the head to
// the tail, at most scan_count_max nodes and at most one full circle (the node older than the
// cursor is the last one); referenced nodes move to ACTIVE. The cursor ends on the newer
// neighbour of the last node examined, where the next rotation goes on.
void rotate_inactive(LruList& list, LruNodes& nodes, uint32_t scan_count_max) {
  if (list.inactive.empty()) return;
  std::optional<uint32_t> last =
      list.rotation_cursor ? older_neighbour(list.inactive, *list.rotation_cursor) : std::nullopt;
  if (!last) last = list.inactive.front();  // past the head: the newest node
  std::optional<uint32_t> current = list.rotation_cursor;
  std::optional<uint32_t> next;
  for (uint32_t steps = 0; steps < scan_count_max;) {
    if (!current) {  // the list head: wrap to the tail without counting a step
      current = list.inactive.back();
      continue;
    }
    next = newer_neighbour(list.inactive, *current);
    if (nodes[*current].ref) lru_node_move(list, nodes, *current, LruListKind::kActive);
    if (*current == *last) break;
    current = next;
    ++steps;
  }
  list.rotation_cursor = next;
}

// __bpf_lru_list_shrink_inactive(): from the tail, referenced nodes move to ACTIVE, the others
// are evicted into `destination`; every node examined counts against scan_count_max.
uint32_t shrink_inactive(LruList& list, LruNodes& nodes, uint32_t target,
                         uint32_t scan_count_max, std::list<uint32_t>& destination,
                         LruListKind kind, LruEvictor& evictor) {
  uint32_t evicted = 0;
  uint32_t scanned = 0;
  for (uint32_t node : oldest_first(list.inactive, list.inactive.size())) {
    if (nodes[node].ref) {
      lru_node_move(list, nodes, node, LruListKind::kActive);
    } else {
      evictor.evict(node);
      lru_node_move_to_free(list, nodes, node, destination, kind);
      if (++evicted == target) break;
    }
    if (++scanned == scan_count_max) break;
  }
  return evicted;
}

// The second half of __bpf_lru_list_shrink(): the oldest node of INACTIVE, else of ACTIVE.
uint32_t force_shrink(LruList& list, LruNodes& nodes, std::list<uint32_t>& destination,
                      LruListKind kind, LruEvictor& evictor) {
  const std::list<uint32_t>& victims = list.inactive.empty() ? list.active : list.inactive;
  if (victims.empty()) return 0;
  const uint32_t node = victims.back();
  evictor.evict(node);
  lru_node_move_to_free(list, nodes, node, destination, kind);
  return 1;
}

}  // namespace

const std::list<uint32_t>& LruList::of(LruListKind kind) const {
  switch (kind) {
    case LruListKind::kActive:
      return active;
    case LruListKind::kInactive:
      return inactive;
    case LruListKind::kFree:
      return free;
    case LruListKind::kLocalFree:
    case LruListKind::kLocalPending:
      break;
  }
  MAPSIM_ASSERT(false, "local lists belong to a CPU, not to an LruList");
  return free;
}

void lru_node_move(LruList& list, LruNodes& nodes, uint32_t node, LruListKind target) {
  LruNodeState& state = nodes[node];
  std::list<uint32_t>& source = list.of(state.list);
  step_cursor_off(list, node);
  source.erase(position_of(source, node));
  state.list = target;
  state.ref = false;
  list.of(target).push_front(node);
}

void lru_node_move_to_free(LruList& list, LruNodes& nodes, uint32_t node,
                           std::list<uint32_t>& destination, LruListKind kind) {
  MAPSIM_ASSERT(kind == LruListKind::kFree || kind == LruListKind::kLocalFree, "a free list");
  LruNodeState& state = nodes[node];
  std::list<uint32_t>& source = list.of(state.list);
  step_cursor_off(list, node);
  source.erase(position_of(source, node));
  state.list = kind;
  destination.push_front(node);
}

void lru_node_move_in(LruList& list, LruNodes& nodes, uint32_t node, LruListKind target) {
  MAPSIM_ASSERT(target == LruListKind::kActive || target == LruListKind::kInactive,
                "pending nodes move into ACTIVE or INACTIVE");
  nodes[node].list = target;
  nodes[node].ref = false;
  list.of(target).push_front(node);
}

void lru_list_rotate(LruList& list, LruNodes& nodes, uint32_t scan_count_max) {
  if (list.inactive.size() < list.active.size()) rotate_active(list, nodes, scan_count_max);
  rotate_inactive(list, nodes, scan_count_max);
}

uint32_t lru_list_shrink(LruList& list, LruNodes& nodes, uint32_t target,
                         uint32_t scan_count_max, std::list<uint32_t>& destination,
                         LruListKind kind, LruEvictor& evictor) {
  const uint32_t evicted =
      shrink_inactive(list, nodes, target, scan_count_max, destination, kind, evictor);
  if (evicted > 0) return evicted;
  return force_shrink(list, nodes, destination, kind, evictor);
}

}  // namespace mapsim::reference
