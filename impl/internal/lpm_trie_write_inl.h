// LpmTrieMap<P>'s writers: update and delete (trie_update_elem, trie_delete_elem). Included by
// lpm_trie_impl.h only. Lock scope: the trie lock covers the walk and every link, flag and
// entry_count_ change; nodes are allocated before it is taken (except an intermediate node,
// which the kernel also allocates under the lock) and freed after it is released.
#pragma once

#include <cstring>

#include "impl/internal/lpm_trie_impl.h"

namespace mapsim::internal {

// lpm_trie_node_alloc(): a node with `value` copied in (nullptr: an intermediate node, whose
// value bytes stay unused). nullptr on allocation failure.
template <class P>
LpmTrieNode<P>* LpmTrieMap<P>::allocate_node(const void* value) {
  void* memory = platform_.allocate(layout_.node_bytes());
  if (memory == nullptr) return nullptr;
  Node* node = new (memory) Node();
  if (value != nullptr) P::copy_racy(layout_.value_of(node), value, value_size());
  return node;
}

template <class P>
int LpmTrieMap<P>::update(const void* key, const void* value, uint64_t flags) {
  if (flags > bpf::kExist) return bpf::kEINVAL;
  if (lpm_key_prefixlen(key) > max_prefixlen()) return bpf::kEINVAL;
  Node* fresh = allocate_node(value);
  if (fresh == nullptr) return bpf::kENOMEM;
  fresh->prefixlen.write(lpm_key_prefixlen(key));
  std::memcpy(layout_.data_of(fresh), lpm_key_data(key), layout_.data_size);
  if (int error = lock_.lock()) {
    platform_.release(fresh);
    return error;
  }
  Node* replaced = nullptr;
  const int error = insert_locked(fresh, key, flags, &replaced);
  lock_.unlock();
  if (error != 0) platform_.release(fresh);  // never published
  if (replaced != nullptr) platform_.release_after_grace_period(replaced);
  return error;
}

// trie_check_add_elem(): a new real entry needs no BPF_EXIST and a free entry, in that order.
// REQUIRES: lock_ is held.
template <class P>
int LpmTrieMap<P>::check_add_locked(uint64_t flags) {
  if (flags == bpf::kExist) return bpf::kENOENT;
  if (entry_count_.read() == max_entries()) return bpf::kENOSPC;
  entry_count_.write(entry_count_.read() + 1);
  return 0;
}

// Links `fresh` (prefix and value filled in) into the trie. *replaced: a node it unlinked.
// REQUIRES: lock_ is held.
template <class P>
int LpmTrieMap<P>::insert_locked(Node* fresh, const void* key, uint64_t flags,
                                 Node** replaced) {
  const uint32_t prefixlen = fresh->prefixlen.read();
  Slot* slot = &root_;
  Node* node = nullptr;
  uint32_t matched = 0;
  // 1. Walk down while the node's prefix is a proper prefix of the key's.
  while ((node = node_at(*slot)) != nullptr) {
    matched = match_length(node, key);
    if (node->prefixlen.read() != matched || node->prefixlen.read() == prefixlen) break;
    slot = &node->child[lpm_extract_bit(lpm_key_data(key), node->prefixlen.read())];
  }
  // 2. An empty slot: the new node goes there.
  if (node == nullptr) {
    if (int error = check_add_locked(flags)) return error;
    publish(*slot, fresh);
    return 0;
  }
  // 3. The same prefix: the new node replaces the old one and takes over its children.
  if (node->prefixlen.read() == matched) {
    if (!node->is_intermediate()) {
      if (flags == bpf::kNoExist) return bpf::kEEXIST;
    } else if (int error = check_add_locked(flags)) {
      return error;
    }
    fresh->child[0].store(node->child[0].load(std::memory_order_relaxed),
                          std::memory_order_relaxed);
    fresh->child[1].store(node->child[1].load(std::memory_order_relaxed),
                          std::memory_order_relaxed);
    publish(*slot, fresh);
    *replaced = node;
    return 0;
  }
  if (int error = check_add_locked(flags)) return error;
  // 4. The new prefix contains the node's: the new node goes above it.
  if (matched == prefixlen) {
    fresh->publish_child(lpm_extract_bit(data_of(node), matched), node);
    publish(*slot, fresh);
    return 0;
  }
  // 5. The prefixes part after `matched` bits: an intermediate node holds both.
  Node* intermediate = allocate_node(nullptr);
  if (intermediate == nullptr) {
    entry_count_.write(entry_count_.read() - 1);
    return bpf::kENOMEM;
  }
  intermediate->prefixlen.write(matched);
  intermediate->flags.store(Node::kIntermediate);
  std::memcpy(layout_.data_of(intermediate), data_of(node), layout_.data_size);
  const unsigned fresh_side = lpm_extract_bit(lpm_key_data(key), matched);
  intermediate->publish_child(fresh_side, fresh);
  intermediate->publish_child(1 - fresh_side, node);
  publish(*slot, intermediate);
  return 0;
}

template <class P>
int LpmTrieMap<P>::remove(const void* key) {
  if (lpm_key_prefixlen(key) > max_prefixlen()) return bpf::kEINVAL;
  if (int error = lock_.lock()) return error;
  Node* removed[2] = {nullptr, nullptr};
  const int error = remove_locked(key, removed);
  lock_.unlock();
  for (Node* node : removed) {
    if (node != nullptr) platform_.release_after_grace_period(node);
  }
  return error;
}

// REQUIRES: lock_ is held. removed[]: the nodes unlinked (freed by the caller).
template <class P>
int LpmTrieMap<P>::remove_locked(const void* key, Node* removed[2]) {
  const uint32_t prefixlen = lpm_key_prefixlen(key);
  Slot* slot = &root_;
  Slot* parent_slot = slot;
  Node* parent = nullptr;
  Node* node = nullptr;
  uint32_t matched = 0;
  while ((node = node_at(*slot)) != nullptr) {
    matched = match_length(node, key);
    if (node->prefixlen.read() != matched || node->prefixlen.read() == prefixlen) break;
    parent = node;
    parent_slot = slot;
    slot = &node->child[lpm_extract_bit(lpm_key_data(key), node->prefixlen.read())];
  }
  if (node == nullptr || node->prefixlen.read() != prefixlen || node->prefixlen.read() != matched ||
      node->is_intermediate()) {
    return bpf::kENOENT;
  }
  entry_count_.write(entry_count_.read() - 1);
  Node* left = node->load_child(0);
  Node* right = node->load_child(1);
  // 1. Two children: the node stays, as an intermediate node.
  if (left != nullptr && right != nullptr) {
    node->flags.store(node->flags.load() | Node::kIntermediate);
    return 0;
  }
  // 2. A leaf under an intermediate parent: the parent has no reason left to exist, so the
  //    leaf's sibling takes the parent's slot (intermediate nodes keep two children).
  if (parent != nullptr && parent->is_intermediate() && left == nullptr && right == nullptr) {
    Node* sibling = parent->load_child(0) == node ? parent->load_child(1) : parent->load_child(0);
    publish(*parent_slot, sibling);
    removed[0] = parent;
    removed[1] = node;
    return 0;
  }
  // 3. Otherwise the only child (or nothing) takes the node's slot.
  publish(*slot, left != nullptr ? left : right);
  removed[0] = node;
  return 0;
}

}  // namespace mapsim::internal
