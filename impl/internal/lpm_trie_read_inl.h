// LpmTrieMap<P>'s lock-free readers: lookup and get_next_key (trie_lookup_elem,
// trie_get_next_key). Included by lpm_trie_impl.h only.
#pragma once

#include <cstring>

#include "impl/internal/lpm_trie_impl.h"

namespace mapsim::internal {

// REQUIRES: inside an RCU read section.
template <class P>
LpmTrieNode<P>* LpmTrieMap<P>::lookup_node(const void* key) const {
  const uint32_t max_length = max_prefixlen();
  if (lpm_key_prefixlen(key) > max_length) return nullptr;
  Node* found = nullptr;
  for (Node* node = node_at(root_); node != nullptr;) {
    const uint32_t matched = match_length(node, key);
    // A full-length match is the most specific prefix there can be.
    if (matched == max_length) return node;
    // The node's prefix is not the key's: nothing below can match either.
    if (matched < node->prefixlen.read()) break;
    if (!node->is_intermediate()) found = node;
    node = node->load_child(lpm_extract_bit(lpm_key_data(key), node->prefixlen.read()));
  }
  return found;
}

// The first real node of `subtree_root` in post-order. Intermediate nodes always have two
// children, and leaves are real, so there is one. REQUIRES: inside an RCU read section.
template <class P>
LpmTrieNode<P>* LpmTrieMap<P>::leftmost_real_node(Node* subtree_root) const {
  Node* next = nullptr;
  for (Node* node = subtree_root; node != nullptr;) {
    if (node->is_intermediate()) {
      node = node->load_child(0);
      continue;
    }
    next = node;
    node = next->load_child(0);
    if (node == nullptr) node = next->load_child(1);
  }
  MAPSIM_ASSERT(next != nullptr, "every subtree holds a real node");
  return next;
}

// Finds `key` exactly (prefixlen and prefix bits), remembering the path, then climbs: the
// next node in post-order is the leftmost node of the right sibling subtree, else the first
// real ancestor. ENOENT after the root; a key that is not stored restarts at the first node.
template <class P>
int LpmTrieMap<P>::next_in_post_order(Node* root, const void* key, Node** next) const {
  // The path has at most max_prefixlen + 1 nodes: prefixes grow strictly on the way down.
  auto** path = static_cast<Node**>(platform_.allocate(sizeof(Node*) * (max_prefixlen() + 1)));
  if (path == nullptr) return bpf::kENOMEM;
  const uint32_t key_prefixlen = lpm_key_prefixlen(key);
  int top = -1;
  Node* node = root;
  uint32_t matched = 0;
  while (node != nullptr) {
    path[++top] = node;
    matched = match_length(node, key);
    if (node->prefixlen.read() != matched || node->prefixlen.read() == key_prefixlen) break;
    node = node->load_child(lpm_extract_bit(lpm_key_data(key), node->prefixlen.read()));
  }
  int result = 0;
  if (node == nullptr || node->prefixlen.read() != matched || node->is_intermediate()) {
    *next = leftmost_real_node(root);
  } else {
    *next = nullptr;
    result = bpf::kENOENT;
    for (; top > 0; --top) {
      Node* parent = path[top - 1];
      Node* right = parent->load_child(1);
      if (parent->load_child(0) == path[top] && right != nullptr) {
        *next = leftmost_real_node(right);
      } else if (!parent->is_intermediate()) {
        *next = parent;
      }
      if (*next != nullptr) {
        result = 0;
        break;
      }
    }
  }
  platform_.release(path);
  return result;
}

template <class P>
void LpmTrieMap<P>::copy_key_out(const Node* node, void* next_key) const {
  auto* target = static_cast<unsigned char*>(next_key);
  const uint32_t prefixlen = node->prefixlen.read();
  std::memcpy(target, &prefixlen, kLpmPrefixlenBytes);
  std::memcpy(target + kLpmPrefixlenBytes, data_of(node), layout_.data_size);
}

template <class P>
int LpmTrieMap<P>::sys_get_next_key(const void* key, void* next_key) {
  RcuReadGuard<P> rcu(platform_);
  Node* root = node_at(root_);
  if (root == nullptr) return bpf::kENOENT;
  Node* next = nullptr;
  if (key == nullptr || lpm_key_prefixlen(key) > max_prefixlen()) {
    next = leftmost_real_node(root);
  } else if (int error = next_in_post_order(root, key, &next)) {
    return error;
  }
  copy_key_out(next, next_key);
  return 0;
}

}  // namespace mapsim::internal
