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
// and to split (the explored child's subtree moves to the next prefix's node).
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

 private:
  struct Node {
    Transition transition;
    int32_t first_child = -1;
    int32_t next_sibling = -1;
  };
  int32_t add_child(int32_t parent, const Transition& transition);
  void copy_children(const WakeupTree& source, int32_t source_parent, int32_t target_parent);

  std::vector<Node> nodes_;  // nodes_[0] is the root
};

// p ∈ I_[E](w): `context` has a transition in `sequence` that no earlier transition of the
// sequence depends on. Returns its index, or -1.
int initial_index(int context, const std::vector<Transition>& sequence);
// p ∈ WI_[E](w) for p's next transition `next`: p is an initial of w, or p does not occur in w
// and `next` is independent of every transition of w.
bool weak_initial(const Transition& next, const std::vector<Transition>& sequence);

}  // namespace mapsim::sim
