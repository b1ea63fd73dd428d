// The lists of the 6.18 LRU as plain std::lists of node numbers, and the moves, rotations and
// shrinks between them (fact sheet 4.2-4.6), for the reference model of the LRU hash maps
// (lru_model.h puts them together into pop and push).
//
// A node is a pool element's LRU bookkeeping: which list it is on, its reference bit, its
// owner CPU. Every list is ordered head (newest, front of the std::list) to tail (oldest,
// back); every insertion is at the head; every scan starts at the tail.
//
// Sequential runs have no lock that can fail, so the 6.18.44 rqspinlock paths and the
// pending_free flag they set (a node pushed while its list lock failed) never occur here and
// are left out; so is the ACTIVE/INACTIVE counter (it always equals the list's length).
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <vector>

#include "model/reference/state_hasher.h"

namespace mapsim::reference {

enum class LruListKind : uint8_t { kActive, kInactive, kFree, kLocalFree, kLocalPending };

struct LruNodeState {
  LruListKind list = LruListKind::kFree;
  bool ref = false;  ///< reference bit
  int cpu = 0;       ///< owner: of the pending list (common LRU), of the list (per-CPU LRU)

  bool operator==(const LruNodeState&) const = default;
  void hash_into(StateHasher& hasher) const {
    hasher.add(static_cast<uint64_t>(list));
    hasher.add(ref ? 1 : 0);
    hasher.add(static_cast<uint64_t>(cpu));
  }
};

// One bpf_lru_list: the global list of the common LRU, or one CPU's list of the per-CPU LRU.
struct LruList {
  std::list<uint32_t> active;
  std::list<uint32_t> inactive;
  std::list<uint32_t> free;
  /// next_inactive_rotation: a node on INACTIVE, or nullopt for the INACTIVE list head itself.
  std::optional<uint32_t> rotation_cursor;

  // REQUIRES: kind is ACTIVE, INACTIVE or FREE.
  const std::list<uint32_t>& of(LruListKind kind) const;
  std::list<uint32_t>& of(LruListKind kind) {
    return const_cast<std::list<uint32_t>&>(static_cast<const LruList&>(*this).of(kind));
  }

  bool operator==(const LruList&) const = default;
  void hash_into(StateHasher& hasher) const {
    hasher.add(active);
    hasher.add(inactive);
    hasher.add(free);
    hasher.add(rotation_cursor);
  }
};

// How the LRU asks the hash table to drop the key of a node it evicts (del_from_htab). In a
// sequential run every node on ACTIVE, INACTIVE or LOCAL_PENDING holds a key, so the table
// always agrees.
class LruEvictor {
 public:
  virtual void evict(uint32_t node) = 0;

 protected:
  ~LruEvictor() = default;
};

using LruNodes = std::vector<LruNodeState>;

// __bpf_lru_node_move(): a node of `list` (ACTIVE, INACTIVE or FREE) to the head of `target`
// of the same list; ref cleared; the rotation cursor steps to the newer neighbour if it was on
// the node.
void lru_node_move(LruList& list, LruNodes& nodes, uint32_t node, LruListKind target);
// __bpf_lru_node_move_to_free(): a node of `list` to the head of `destination` (a FREE list or
// a refill's temporary list) as `kind`; the ref bit is left alone.
void lru_node_move_to_free(LruList& list, LruNodes& nodes, uint32_t node,
                           std::list<uint32_t>& destination, LruListKind kind);
// __bpf_lru_node_move_in(): a node just taken off a LOCAL_PENDING list to the head of ACTIVE
// or INACTIVE; ref cleared.
void lru_node_move_in(LruList& list, LruNodes& nodes, uint32_t node, LruListKind target);

// __bpf_lru_list_rotate(): ACTIVE is rotated while INACTIVE is the shorter list, then INACTIVE.
void lru_list_rotate(LruList& list, LruNodes& nodes, uint32_t scan_count_max);

// __bpf_lru_list_shrink(): evict up to `target` unreferenced INACTIVE nodes into
// `destination`; if none, force-evict the oldest node of INACTIVE (else ACTIVE) ignoring its
// ref bit. Returns how many were evicted.
uint32_t lru_list_shrink(LruList& list, LruNodes& nodes, uint32_t target,
                         uint32_t scan_count_max, std::list<uint32_t>& destination,
                         LruListKind kind, LruEvictor& evictor);

}  // namespace mapsim::reference
