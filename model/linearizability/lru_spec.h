// LruSpec: the sequential specification of LRU_HASH and LRU_PERCPU_HASH for the linearization
// search, with the evictions a concurrent 6.18 kernel may make.
//
// Why not the reference LRU model itself: which key an insert evicts depends on the LRU lists
// (per-CPU LOCAL_FREE and LOCAL_PENDING lists, the rotation, steals from other CPUs), and
// concurrent updates change those lists in steps that are not ordered like the ops' table
// effects: a pop takes a node under the LRU locks, the link happens later under the bucket
// lock, a delete pushes its node after unlinking, a program lookup sets the reference bit
// without a lock. Which key goes is decided by interleavings inside the ops, not by any order
// of whole ops, so the reference model's one successor would report evictions that the
// kernel makes as violations.
//
// What this specification allows instead (docs/linearizability.md states why each is sound):
//   - Every update that pops a node (LRU_HASH: every update with valid flags; LRU_PERCPU_HASH:
//     every update but BPF_EXIST; a lookup_add_else_insert that did not find its key) pops at
//     its own point inside the op's interval, before its link; the pop may evict ANY key
//     present at that point, the op's own key included, any number of them. A key's eviction
//     is decided lazily: after a pop every present key is "maybe evicted"; the next op that
//     observes the key decides (found: it was not evicted and is present again for sure; not
//     found: it was evicted at that pop).
//   - A key disappears only through a delete, a lookup_and_delete or a pop: a key that
//     vanishes with no pop that could have evicted it is a violation, and so are stale values,
//     values never written, resurrected keys.
//   - The keys known to be present never exceed max_entries (the node pool).
//   - ENOMEM for a popping update (no node: every node in flight, or an LRU lock failed),
//     EDEADLK / ETIMEDOUT for an update or delete (bucket lock failure): no table effect (the
//     pop has happened and may have evicted).
// Not constrained (looser than the kernel): how many keys one pop evicts (at most the refill
// target, LOCAL_FREE_TARGET or PERCPU_FREE_TARGET, or one by a steal) and which (the LRU order,
// reference bits); per-CPU LRU lists' partition of max_entries between CPUs; get_next_key,
// whose bucket order would need every eviction decided (the checker reports LRU histories with
// get_next_key as not checkable).
//
// Values: LRU_HASH values are value_size bytes; LRU_PERCPU_HASH values are whole areas with the
// padding kept zero (padding is not compared, value_match.h); a new element from a program
// update has zero in the other CPUs' slots.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "model/linearizability/element_pointers.h"
#include "model/linearizability/event.h"
#include "model/linearizability/spec_context.h"

namespace mapsim::linearizability {

class LruSpec {
 public:
  // Starts from the keys and values the reference model holds after the setup.
  explicit LruSpec(const SpecContext& context);

  void append_events(uint32_t op, std::vector<Event>* events) const;
  void successors(const Event& event, std::vector<LruSpec>* next) const;
  void free_successors(uint32_t op, std::vector<LruSpec>* next) const;
  uint64_t hash() const;

 private:
  struct Entry {
    reference::Bytes value;      ///< LRU_HASH: value_size bytes; LRU_PERCPU_HASH: the area
    bool maybe_evicted = false;  ///< a pop since the key was last seen may have evicted it

    bool operator==(const Entry&) const = default;
  };
  // Per op, fixed: the result the flags and fd permissions decide before any state is read
  // (EINVAL, EPERM; 0 if none), and whether the op pops a node.
  struct OpFacts {
    int static_rc = 0;
    bool pops = false;
  };
  // One resolution of a key's presence: the state in which it is decided, and whether the key
  // is present there.
  struct Resolved;

  std::vector<Resolved> resolve(const reference::Bytes& key) const;
  bool within_capacity() const;
  void link(const PreparedOp& op, reference::Caller caller, uint64_t flags,
            const reference::Bytes& value, bool pops, std::vector<LruSpec>* next) const;
  void write(const PreparedOp& op, reference::Caller caller, const reference::Bytes& value,
             bool existed);
  void pop(const PreparedOp& op, std::vector<LruSpec>* next) const;
  void read(const PreparedOp& op, int slot, std::vector<LruSpec>* next) const;
  void remove(const PreparedOp& op, std::vector<LruSpec>* next) const;
  void keep_pointer(const PreparedOp& op, std::vector<LruSpec>* next) const;
  void add_through(const PreparedOp& op, std::optional<ElementPointer> pointer,
                   std::vector<LruSpec>* next) const;
  void sequence_lookup(const PreparedOp& op, std::vector<LruSpec>* next) const;
  void sequence_finish(const PreparedOp& op, std::vector<LruSpec>* next) const;
  reference::Bytes add_in_place(const PreparedOp& op);
  reference::Bytes program_view(const reference::Bytes& value, int cpu) const;

  const SpecContext* context_;
  std::shared_ptr<const std::vector<OpFacts>> facts_;
  std::map<reference::Bytes, Entry> entries_;
  ElementPointers pointers_;
};

}  // namespace mapsim::linearizability
