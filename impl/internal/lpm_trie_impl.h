// LpmTrieMap<P>: BPF_MAP_TYPE_LPM_TRIE (kernel/bpf/lpm_trie.c as of 6.18; fact sheet 8).
//
// A binary trie of prefixes (keys: lpm_trie_key.h; nodes: lpm_trie_node.h). Every node holds
// a prefix (prefixlen bits of its data); a child's prefix extends its parent's, and the
// parent's next bit (bit prefixlen of the child's data) picks child[0] or child[1]. Two
// prefixes of which neither contains the other meet below an *intermediate* node whose prefix
// is their longest common one; intermediate nodes have exactly two children, hold no value,
// are never returned and do not count towards max_entries.
//
// Operations (the 6.18 algorithm, step for step):
// - lookup: longest-prefix match. Walk down from the root while the node's prefix matches the
//   key; the last real node seen wins; a full-length match ends the walk.
// - update: flags > BPF_EXIST or prefixlen > max_prefixlen -> EINVAL; allocate the new node
//   (ENOMEM) *before* taking the trie lock (lock failure: EDEADLK / ETIMEDOUT); walk to the
//   slot; then one of: empty slot (insert), same prefix (replace the node: NOEXIST on a real
//   node is EEXIST, a replaced intermediate node becomes real), new prefix contains the
//   node's (insert above it), else a new intermediate node above both. Every case that adds
//   a real entry checks BPF_EXIST (ENOENT) and then capacity (ENOSPC) in that order
//   (trie_check_add_elem). The replaced node is freed after an RCU grace period.
// - delete: exact match of prefixlen and prefix bits, else ENOENT. A node with two children
//   turns intermediate in place; a childless node under an intermediate parent takes the
//   parent with it (the sibling moves up); otherwise the node's only child, or nothing,
//   takes its slot. Removed nodes are freed after an RCU grace period.
// - get_next_key: post-order, child[0] before child[1], children before their parent (more
//   specific prefixes first). A NULL key, a prefixlen > max_prefixlen or a key that is not
//   exactly a stored prefix restarts at the first node; after the root: ENOENT.
// - lookup_and_delete: ENOTSUPP (524), the Map default. Batches: the generic lookup, update
//   and delete of the syscall layer; lookup_and_delete_batch is ENOTSUPP.
//
// Concurrency: writers serialise on the trie lock (the 6.18 rqspinlock: P::BucketLock, whose
// acquire fails instead of deadlocking). Readers (lookup, get_next_key, program lookups)
// take no lock: they walk inside an RCU read section. A writer publishes a node with a
// release store only after filling it, and never changes a published node's prefix or data,
// so a reader sees either the old or the new trie shape at every step; removed nodes stay
// readable until the readers that may stand on them have left (release_after_grace_period).
#pragma once

#include <memory>
#include <string>

#include "impl/assert.h"
#include "impl/inspection/corruption_access.h"
#include "impl/internal/lpm_trie_checks.h"
#include "impl/internal/lpm_trie_key.h"
#include "impl/internal/lpm_trie_node.h"
#include "impl/map.h"
#include "impl/map_inspection.h"
#include "impl/platform.h"
#include "impl/uapi.h"

namespace mapsim::internal {

struct LpmTrieTestOnlyAccess;

template <class P>
class LpmTrieMap final : public Map {
 public:
  using Node = LpmTrieNode<P>;
  using Slot = typename P::template Atomic<uintptr_t>;

  // REQUIRES: attr.map_type is LPM_TRIE.
  static int create(P& platform, const MapAttr& attr, std::unique_ptr<Map>* out) {
    if (int error = lpm_trie_check_attr(attr)) return error;
    MapInfo info{attr.map_type, attr.key_size, attr.value_size, attr.max_entries,
                 attr.map_flags, attr.map_extra, attr.name};
    *out = std::unique_ptr<Map>(new LpmTrieMap(platform, info));
    return 0;
  }

  ~LpmTrieMap() override { release_all_nodes(); }

  // The value of the longest matching prefix, live (programs write it in place).
  void* prog_lookup(const void* key) override {
    RcuReadGuard<P> rcu(platform_);
    Node* node = lookup_node(key);
    return node == nullptr ? nullptr : layout_.value_of(node);
  }
  int prog_update(const void* key, const void* value, uint64_t flags) override {
    return update(key, value, flags);
  }
  int prog_delete(const void* key) override { return remove(key); }

  uint32_t max_prefixlen() const { return 8 * layout_.data_size; }
  // Real entries. REQUIRES: no writer is running (tests, invariant checks).
  uint64_t entry_count_quiescent() const { return entry_count_.read(); }
  // Structural invariants of a quiescent trie; "" when they hold, else the first violation.
  std::string check_invariants_quiescent() const;
  // Test-only view of the reachable nodes at any moment (impl/inspection/lpm_view.h).
  MapInspection inspect() const override;

 protected:
  int sys_lookup(const void* key, void* value) override {
    RcuReadGuard<P> rcu(platform_);
    Node* node = lookup_node(key);
    if (node == nullptr) return bpf::kENOENT;
    P::copy_racy(value, layout_.value_of(node), value_size());
    return 0;
  }
  int sys_update(const void* key, const void* value, uint64_t flags) override {
    return update(key, value, flags);
  }
  int sys_delete(const void* key) override { return remove(key); }
  int sys_get_next_key(const void* key, void* next_key) override;
  // trie_map_ops names the generic lookup, update and delete batches (keys as tokens);
  // lookup_and_delete_batch stays ENOTSUPP (the Map default).
  int sys_lookup_batch(const BatchCall& call) override { return generic_lookup_batch(call); }
  int sys_update_batch(const BatchCall& call) override { return generic_update_batch(call); }
  int sys_delete_batch(const BatchCall& call) override { return generic_delete_batch(call); }

 private:
  LpmTrieMap(P& platform, const MapInfo& info)
      : Map(info),
        platform_(platform),
        layout_(LpmNodeLayout::make<P>(info.key_size - kLpmPrefixlenBytes, info.value_size)) {}

  static Node* node_at(const Slot& slot) {
    return reinterpret_cast<Node*>(slot.load(std::memory_order_acquire));
  }
  static void publish(Slot& slot, Node* node) {
    slot.store(reinterpret_cast<uintptr_t>(node), std::memory_order_release);
  }
  const unsigned char* data_of(const Node* node) const { return layout_.data_of(node); }
  // longest_prefix_match(): the bits `node`'s prefix shares with the key's.
  uint32_t match_length(const Node* node, const void* key) const {
    const uint32_t limit = std::min(node->prefixlen.read(), lpm_key_prefixlen(key));
    return lpm_common_prefix_bits(data_of(node), lpm_key_data(key), layout_.data_size, limit);
  }

  // Reading (lpm_trie_read_inl.h). REQUIRES: inside an RCU read section.
  Node* lookup_node(const void* key) const;
  Node* leftmost_real_node(Node* subtree_root) const;
  int next_in_post_order(Node* root, const void* key, Node** next) const;
  void copy_key_out(const Node* node, void* next_key) const;

  // Writing (lpm_trie_write_inl.h).
  int update(const void* key, const void* value, uint64_t flags);
  int insert_locked(Node* fresh, const void* key, uint64_t flags, Node** replaced);
  int check_add_locked(uint64_t flags);
  int remove(const void* key);
  int remove_locked(const void* key, Node* removed[2]);
  Node* allocate_node(const void* value);

  void release_all_nodes();

  friend struct LpmTrieTestOnlyAccess;  // tests hold the trie lock as a nested program would
  friend struct ::mapsim::MapCorruptionTestOnlyAccess;  // tests that damage it on purpose

  P& platform_;
  const LpmNodeLayout layout_;
  Slot root_{0};
  typename P::BucketLock lock_;  ///< the trie lock: every change of links, flags, entry_count_
  typename P::template Plain<uint64_t> entry_count_{0};  ///< real nodes; guarded by lock_
};

}  // namespace mapsim::internal

#include "impl/internal/lpm_trie_check_inl.h"  // IWYU pragma: export
#include "impl/internal/lpm_trie_read_inl.h"   // IWYU pragma: export
#include "impl/internal/lpm_trie_write_inl.h"  // IWYU pragma: export
