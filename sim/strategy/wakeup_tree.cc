#include "sim/strategy/wakeup_tree.h"

#include "impl/assert.h"

namespace mapsim::sim {
namespace {

// One step of the `~` descent: true when `transition` is compatible with what remains of
// `sequence`, which then loses the matching transition (if any).
bool advance_along(const Transition& transition, std::vector<Transition>* sequence) {
  const int index = initial_index(transition.context, *sequence);
  if (index >= 0) {
    sequence->erase(sequence->begin() + index);
    return true;
  }
  for (const Transition& other : *sequence) {
    if (other.context == transition.context || dependent(transition, other)) return false;
  }
  return true;
}

}  // namespace

int initial_index(int context, const std::vector<Transition>& sequence) {
  for (size_t i = 0; i < sequence.size(); ++i) {
    if (sequence[i].context != context) continue;
    for (size_t j = 0; j < i; ++j) {
      if (dependent(sequence[j], sequence[i])) return -1;
    }
    return static_cast<int>(i);
  }
  return -1;
}

bool weak_initial(const Transition& next, const std::vector<Transition>& sequence) {
  bool occurs = false;
  for (const Transition& other : sequence) occurs = occurs || other.context == next.context;
  if (occurs) return initial_index(next.context, sequence) >= 0;
  for (const Transition& other : sequence) {
    if (dependent(next, other)) return false;
  }
  return true;
}

WakeupTree::WakeupTree() { nodes_.push_back(Node{}); }

int32_t WakeupTree::add_child(int32_t parent, const Transition& transition) {
  const auto index = static_cast<int32_t>(nodes_.size());
  nodes_.push_back(Node{transition, -1, -1});
  int32_t* link = &nodes_[parent].first_child;
  while (*link >= 0) link = &nodes_[*link].next_sibling;
  *link = index;
  return index;
}

void WakeupTree::copy_children(const WakeupTree& source, int32_t source_parent,
                               int32_t target_parent) {
  for (int32_t child = source.nodes_[source_parent].first_child; child >= 0;
       child = source.nodes_[child].next_sibling) {
    const int32_t copy = add_child(target_parent, source.nodes_[child].transition);
    copy_children(source, child, copy);
  }
}

WakeupTree WakeupTree::take_first_subtree() {
  MAPSIM_ASSERT(!empty(), "take_first_subtree() of an empty wakeup tree");
  WakeupTree subtree;
  subtree.copy_children(*this, nodes_[0].first_child, 0);
  drop_first();
  return subtree;
}

void WakeupTree::drop_first() {
  MAPSIM_ASSERT(!empty(), "drop_first() of an empty wakeup tree");
  nodes_[0].first_child = nodes_[nodes_[0].first_child].next_sibling;
  if (nodes_[0].first_child < 0) nodes_.resize(1);  // reclaim the pool when it empties
}

bool WakeupTree::insert(std::vector<Transition> sequence) {
  int32_t node = 0;
  for (;;) {
    int32_t next = -1;
    for (int32_t child = nodes_[node].first_child; child >= 0;
         child = nodes_[child].next_sibling) {
      if (advance_along(nodes_[child].transition, &sequence)) {
        next = child;
        break;
      }
    }
    if (next < 0) break;
    node = next;
    // A leaf: a continuation equivalent to the sequence is already scheduled.
    if (nodes_[node].first_child < 0) return false;
  }
  if (sequence.empty()) return false;
  for (const Transition& transition : sequence) node = add_child(node, transition);
  return true;
}

size_t WakeupTree::size() const {
  size_t count = 0;
  std::vector<int32_t> pending{0};
  while (!pending.empty()) {
    const int32_t node = pending.back();
    pending.pop_back();
    for (int32_t child = nodes_[node].first_child; child >= 0;
         child = nodes_[child].next_sibling) {
      ++count;
      pending.push_back(child);
    }
  }
  return count;
}

}  // namespace mapsim::sim
