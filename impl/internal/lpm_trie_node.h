// LpmTrieNode<P>: one node of an LPM trie (struct lpm_trie_node in kernel/bpf/lpm_trie.c).
//
// Memory of one node (LpmNodeLayout), one allocation per node, real or intermediate alike (the
// kernel allocates both from one bpf_mem_alloc cache of the leaf size):
//
//   offset 0             LpmTrieNode<P>   child[2], prefixlen, flags
//   offset data_offset   data_size bytes  the key data of the update that made the node
//                                         (an intermediate node copies a child's)
//   + data_size          value_size bytes the value (unused in intermediate nodes)
//
// Which fields change after a node is published (made reachable with a release store):
// - child[0], child[1]: rewritten under the trie lock; readers load them with acquire
//   (rcu_dereference) inside an RCU read section.
// - flags: a delete turns a real node with two children into an intermediate one in place,
//   so readers may see either; a READ_ONCE-style racy cell.
// - the value: programs write it in place through the pointer a lookup returned, so it is
//   copied with the platform's racy copies.
// prefixlen and data never change: a replaced node is a new node.
#pragma once

#include <cstdint>

#include "impl/uapi.h"

namespace mapsim::internal {

template <class P>
struct LpmTrieNode {
  // flags: an intermediate node only separates two subtrees; it is never a lookup result and
  // does not count towards max_entries (LPM_TREE_NODE_FLAG_IM).
  static constexpr uint32_t kIntermediate = 1u << 0;

  typename P::template Atomic<uintptr_t> child[2];  ///< LpmTrieNode<P>* or 0
  /// Bits, 0 .. max_prefixlen; written before the node is published, never after.
  typename P::template Plain<uint32_t> prefixlen{0};
  typename P::template Racy<uint32_t> flags;         ///< kIntermediate or 0

  LpmTrieNode* load_child(unsigned bit) const {
    return reinterpret_cast<LpmTrieNode*>(child[bit].load(std::memory_order_acquire));
  }
  // rcu_assign_pointer(): everything written to `node` before is visible to a reader that
  // loads it.
  void publish_child(unsigned bit, LpmTrieNode* node) {
    child[bit].store(reinterpret_cast<uintptr_t>(node), std::memory_order_release);
  }
  bool is_intermediate() const { return (flags.load() & kIntermediate) != 0; }
};

struct LpmNodeLayout {
  uint32_t data_offset = 0;  ///< bytes from the node's start to its key data; 8-aligned
  uint32_t data_size = 0;    ///< key_size - 4
  uint32_t value_size = 0;
  uint64_t node_bytes() const { return uint64_t{data_offset} + data_size + value_size; }

  template <class P>
  static LpmNodeLayout make(uint32_t data_size, uint32_t value_size) {
    return LpmNodeLayout{static_cast<uint32_t>(bpf::round_up(sizeof(LpmTrieNode<P>), 8)),
                         data_size, value_size};
  }
  template <class P>
  unsigned char* data_of(const LpmTrieNode<P>* node) const {
    return reinterpret_cast<unsigned char*>(const_cast<LpmTrieNode<P>*>(node)) + data_offset;
  }
  template <class P>
  unsigned char* value_of(const LpmTrieNode<P>* node) const {
    return data_of(node) + data_size;
  }
};

}  // namespace mapsim::internal
