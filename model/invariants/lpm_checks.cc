// LPM_TRIE (impl/internal/lpm_trie_impl.h). A writer fills a node before publishing it with
// one release store and never changes a published node's prefix, so the reachable shape is
// valid at every step: every child's prefix is longer than its parent's and extends it, the
// parent's next bit picks the child's side, an intermediate node has two children (a delete
// makes a node intermediate only when it has two). The entry counter moves under the trie
// lock a step before or after the shape changes: it is compared while the lock is free.
#include "model/invariants/family_checks.h"

namespace mapsim::invariants {
namespace {

unsigned bit_of(const std::string& data, uint32_t index) {
  return (static_cast<unsigned char>(data[index / 8]) >> (7 - index % 8)) & 1u;
}

bool extends(const std::string& parent, const std::string& child, uint32_t bits) {
  for (uint32_t index = 0; index < bits; ++index) {
    if (bit_of(parent, index) != bit_of(child, index)) return false;
  }
  return true;
}

std::string check_node(const LpmTrieView& view, const LpmNodeView& node) {
  const std::string where = "node /" + std::to_string(node.prefixlen) + " " +
                            hex_bytes(node.data) + ": ";
  if (node.prefixlen > view.max_prefixlen) return where + "prefix longer than the key";
  if (node.intermediate && node.child_count != 2) {
    return where + "intermediate node with " + std::to_string(node.child_count) + " children";
  }
  if (node.parent == LpmNodeView::kNoParent) return "";
  const LpmNodeView& parent = view.nodes[node.parent];
  if (node.prefixlen <= parent.prefixlen) {
    return where + "not longer than its parent /" + std::to_string(parent.prefixlen);
  }
  if (!extends(parent.data, node.data, parent.prefixlen)) {
    return where + "does not extend its parent's prefix";
  }
  if (bit_of(node.data, parent.prefixlen) != node.side) {
    return where + "hangs from child " + std::to_string(node.side) + " of its parent";
  }
  return "";
}

}  // namespace

std::string check_lpm_trie(const LpmTrieView& view) {
  if (view.cut) {
    return "more than " + std::to_string(view.walk_limit) + " nodes reachable (a cycle)";
  }
  uint64_t real = 0;
  for (const LpmNodeView& node : view.nodes) {
    if (std::string problem = check_node(view, node); !problem.empty()) return problem;
    if (!node.intermediate) ++real;
  }
  if (view.locked) return "";
  if (real != view.entry_count) {
    return std::to_string(real) + " real nodes, entry counter " + std::to_string(view.entry_count);
  }
  if (real > view.max_entries) {
    return std::to_string(real) + " entries, max_entries " + std::to_string(view.max_entries);
  }
  return "";
}

}  // namespace mapsim::invariants
