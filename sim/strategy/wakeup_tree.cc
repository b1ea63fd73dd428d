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
  ++live_;
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
  const int32_t first = nodes_[0].first_child;
  WakeupTree subtree;
  if (nodes_[first].next_sibling >= 0) {
    subtree.copy_children(*this, first, 0);
    drop_first();
    return subtree;
  }
  // The only branch (the usual case: a wakeup sequence is a chain): the subtree takes the
  // whole pool, re-rooted below the first child, and nothing is copied. This tree is empty.
  subtree.nodes_ = std::move(nodes_);
  subtree.nodes_[0].first_child = subtree.nodes_[first].first_child;
  subtree.live_ = live_ - 1;
  subtree.compact_if_sparse();
  nodes_.assign(1, Node{});
  live_ = 0;
  return subtree;
}

void WakeupTree::drop_first() {
  MAPSIM_ASSERT(!empty(), "drop_first() of an empty wakeup tree");
  const int32_t dropped = nodes_[0].first_child;
  live_ -= subtree_size(dropped);
  nodes_[0].first_child = nodes_[dropped].next_sibling;
  if (nodes_[0].first_child < 0) {
    MAPSIM_ASSERT(live_ == 0, "an empty wakeup tree has no live nodes");
    // Reclaim the pool when it empties; give a large one back, or every prefix node on the
    // path would hold the capacity of the branch that once passed through it.
    if (nodes_.capacity() > kCompactionSlack) {
      std::vector<Node>(1).swap(nodes_);
    } else {
      nodes_.resize(1);
    }
    return;
  }
  compact_if_sparse();
}

size_t WakeupTree::subtree_size(int32_t node) const {
  size_t count = 1;
  for (int32_t child = nodes_[node].first_child; child >= 0; child = nodes_[child].next_sibling) {
    count += subtree_size(child);
  }
  return count;
}

// Copies the live nodes into a fresh vector once dropped ones are the majority (and more than
// a few): amortised O(1) per dropped node, and memory bounded by twice the live tree.
void WakeupTree::compact_if_sparse() {
  if (nodes_.size() <= 2 * (live_ + 1) + kCompactionSlack) return;
  WakeupTree compact;
  compact.nodes_.reserve(live_ + 1);
  compact.copy_children(*this, 0, 0);
  MAPSIM_ASSERT(compact.live_ == live_, "compaction keeps every live node");
  *this = std::move(compact);
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
