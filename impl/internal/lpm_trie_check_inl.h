// LpmTrieMap<P>: the structural invariants of a quiescent trie, and teardown. Included by
// lpm_trie_impl.h only.
//
// Invariants (what every update and delete must preserve):
// 1. A child's prefix is strictly longer than its parent's and extends it: their first
//    parent.prefixlen bits agree, and bit parent.prefixlen of the child's data is the index
//    of the child slot it hangs from.
// 2. An intermediate node has exactly two children; a leaf is a real node.
// 3. The real nodes number entry_count_, at most max_entries.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "impl/internal/inspect_support.h"
#include "impl/internal/lpm_trie_impl.h"

namespace mapsim::internal {

template <class P>
std::string LpmTrieMap<P>::check_invariants_quiescent() const {
  uint64_t real_nodes = 0;
  std::vector<const Node*> pending;
  if (const Node* root = node_at(root_)) pending.push_back(root);
  while (!pending.empty()) {
    const Node* node = pending.back();
    pending.pop_back();
    const std::string where = "node /" + std::to_string(node->prefixlen.read()) + ": ";
    if (node->prefixlen.read() > max_prefixlen()) return where + "prefixlen above max_prefixlen";
    const Node* children[2] = {node->load_child(0), node->load_child(1)};
    const int child_count = (children[0] != nullptr) + (children[1] != nullptr);
    if (node->is_intermediate() && child_count != 2) {
      return where + "intermediate node without two children";
    }
    if (!node->is_intermediate()) ++real_nodes;
    for (unsigned side = 0; side < 2; ++side) {
      const Node* child = children[side];
      if (child == nullptr) continue;
      if (child->prefixlen.read() <= node->prefixlen.read()) return where + "child prefix not longer";
      const uint32_t shared = lpm_common_prefix_bits(data_of(node), data_of(child),
                                                     layout_.data_size, node->prefixlen.read());
      if (shared != node->prefixlen.read()) return where + "child does not extend the prefix";
      if (lpm_extract_bit(data_of(child), node->prefixlen.read()) != side) {
        return where + "child hangs from the wrong side";
      }
      pending.push_back(child);
    }
  }
  if (real_nodes != entry_count_.read()) {
    return std::to_string(real_nodes) + " real nodes, entry count " +
           std::to_string(entry_count_.read());
  }
  if (entry_count_.read() > max_entries()) return "more entries than max_entries";
  return "";
}

template <class P>
MapInspection LpmTrieMap<P>::inspect() const {
  LpmTrieView view;
  view.max_entries = max_entries();
  view.max_prefixlen = max_prefixlen();
  view.entry_count = entry_count_.read();
  view.locked = inspect_lock_is_locked(lock_);
  view.walk_limit = max_entries() * 2 + 2;
  struct Pending {
    const Node* node;
    uint32_t parent;
    uint8_t side;
  };
  std::vector<Pending> pending;
  if (const Node* root = node_at(root_)) pending.push_back({root, LpmNodeView::kNoParent, 0});
  while (!pending.empty()) {
    if (view.nodes.size() >= view.walk_limit) {
      view.cut = true;
      break;
    }
    const Pending next = pending.back();
    pending.pop_back();
    const uint32_t index = static_cast<uint32_t>(view.nodes.size());
    LpmNodeView& seen = view.nodes.emplace_back();
    seen.parent = next.parent;
    seen.side = next.side;
    seen.prefixlen = next.node->prefixlen.read();
    seen.intermediate = next.node->is_intermediate();
    seen.data.assign(reinterpret_cast<const char*>(data_of(next.node)), layout_.data_size);
    for (unsigned side = 2; side-- > 0;) {  // child 0 is visited first
      if (const Node* child = next.node->load_child(side)) {
        ++seen.child_count;
        pending.push_back({child, index, static_cast<uint8_t>(side)});
      }
    }
  }
  return MapInspection{view};
}

// trie_free(): nothing can reach the map any more, so nodes go back at once.
template <class P>
void LpmTrieMap<P>::release_all_nodes() {
  std::vector<Node*> pending;
  if (Node* root = node_at(root_)) pending.push_back(root);
  while (!pending.empty()) {
    Node* node = pending.back();
    pending.pop_back();
    for (unsigned side = 0; side < 2; ++side) {
      if (Node* child = node->load_child(side)) pending.push_back(child);
    }
    platform_.release(node);
  }
  publish(root_, nullptr);
}

}  // namespace mapsim::internal
