// Wakeup trees (Abdulla, Aronis, Jonsson, Sagonas, "Source Sets: A Foundation for Optimal
// Dynamic Partial Order Reduction", JACM 64(4), 2017, section 6).
//
// A wakeup tree at a prefix E is an ordered tree of transitions: each path from the root is a
// sequence still to be explored from E, and the order of children is the order of exploration.
// Insertion of a sequence w (section 6.2): descend from the root, at each node into the first
// child whose transition is compatible with what remains of w (lemma 6.3's `~`):
//   the child's context p is an initial of w (p's first transition in w has no earlier
//   dependent transition in w): remove that transition from w and descend; or
//   p does not occur in w and its transition is independent of all of w: descend, w unchanged.
// If the descent ends in a leaf, an equivalent continuation is already scheduled and nothing
// is inserted; otherwise the rest of w becomes a new last branch under the node reached.
//
// Nodes live in one vector with first-child / next-sibling links, so trees are cheap to build
// and to split: the explored child's subtree moves to the next prefix's node, without a copy
// when it is the only branch. Dropping a child leaves its nodes behind in the vector; when they
// outnumber the live ones the tree is copied compactly, and an emptied tree gives a large pool
// back. So a tree near the root, which lives for the whole exploration while races keep adding
// branches, holds memory for its live branches only, and the prefix nodes along one execution
// do not each keep a copy of the branch that passed through them.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/transition.h"

namespace mapsim::sim {

class WakeupTree {
 public:
  WakeupTree();

  bool empty() const { return nodes_[0].first_child < 0; }
  // The first (next to explore) child of the root. REQUIRES: !empty().
  const Transition& first() const { return nodes_[nodes_[0].first_child].transition; }
  // Removes the first child of the root and returns the tree below it.
  WakeupTree take_first_subtree();
  // Removes the first child of the root and its subtree.
  void drop_first();
  // Inserts `sequence` (the sequence notdep(e, E).e' of a reversible race). Returns true when
  // the tree changed.
  bool insert(std::vector<Transition> sequence);
  // Live nodes below the root (for statistics).
  size_t size() const;
  // Nodes held, live or dropped (the root included): at most about twice size().
  size_t capacity() const { return nodes_.size(); }

 private:
  struct Node {
    Transition transition;
    int32_t first_child = -1;
    int32_t next_sibling = -1;
  };
  int32_t add_child(int32_t parent, const Transition& transition);
  void copy_children(const WakeupTree& source, int32_t source_parent, int32_t target_parent);
  // Dropped nodes tolerated beyond the live ones before the pool is compacted.
  static constexpr size_t kCompactionSlack = 64;
  size_t subtree_size(int32_t node) const;  // `node` and everything below it
  void compact_if_sparse();

  std::vector<Node> nodes_;  // nodes_[0] is the root
  size_t live_ = 0;          // nodes reachable from the root, the root excluded
};

// p ∈ I_[E](w): `context` has a transition in `sequence` that no earlier transition of the
// sequence depends on. Returns its index, or -1.
int initial_index(int context, const std::vector<Transition>& sequence);
// p ∈ WI_[E](w) for p's next transition `next`: p is an initial of w, or p does not occur in w
// and `next` is independent of every transition of w.
bool weak_initial(const Transition& next, const std::vector<Transition>& sequence);

}  // namespace mapsim::sim
