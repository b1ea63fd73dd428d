// LruModel: the LRU lists of impl/internal/lru_pool.h as an abstract, symbolic state for Z3, and
// the transitions of an update, a delete and a program lookup over it (bounded model checking:
// synth/lru/plan_encoding.h unrolls them for a bounded number of operations).
//
// ABSTRACTION. Lists are counts, not sequences: per list, how many nodes hold a key with the
// reference bit clear / set, how many are free, how many are marked pending_free, and how many
// hold the node of an update that has popped it but not linked it yet (an interrupted update).
// Common LRU: the global ACTIVE / INACTIVE / FREE lists, and per CPU its LOCAL_FREE and
// LOCAL_PENDING counts and its steal cursor (next_steal). Per-CPU LRU: each CPU's ACTIVE /
// INACTIVE / FREE. target_free = clamp(max_entries / cpus / 2, 1, 128) as in the kernel.
//
// The counts follow the kernel's steps exactly while lists stay shorter than a scan (128 nodes
// common, 4 per CPU; the encoding keeps maps that small) and nothing runs concurrently except
// the one modelled interrupt: rotation moves all referenced INACTIVE nodes and, when INACTIVE is
// the shorter list, all unreferenced ACTIVE nodes; a shrink evicts min(target, reclaimable)
// nodes; a steal takes a victim's LOCAL_FREE head, else an unreferenced pending key, else any.
// What it approximates (order within a list, which key of a class a shrink reaches first,
// concurrent CPUs, lock cycles between CPUs) is settled by running the candidate in the
// simulator: the model proposes, the simulator decides (synth/lru/scenario_synthesizer.h).
//
// Style: every transition writes state under a guard (x = ite(guard, new, x)), so exclusive
// branches can be written one after the other and an operation kind chosen by the solver is the
// three kinds applied with exclusive guards.
#pragma once

#include <z3++.h>

#include <functional>
#include <map>
#include <vector>

#include "impl/lru_path_event.h"
#include "synth/lru/lru_plan.h"

namespace mapsim::synth {

// Counts, CPUs and choices are 8-bit two's-complement bit-vectors: every value fits (lists of at
// most 8 nodes, -1 for "none"), and bit-blasting to SAT solves these formulas far faster than
// linear integer arithmetic does.
inline constexpr unsigned kCountBits = 8;
inline z3::expr small_int(z3::context& context, int value) {
  return context.bv_val(value, kCountBits);
}
inline z3::expr small_const(z3::context& context, const char* name) {
  return context.bv_const(name, kCountBits);
}

struct SymState {
  explicit SymState(z3::context& context);

  // Common LRU: the global list.
  z3::expr free;            ///< FREE
  z3::expr active[2];       ///< ACTIVE keys, [reference bit]
  z3::expr inactive[2];     ///< INACTIVE keys, [reference bit]
  z3::expr marked;          ///< pending_free nodes left on ACTIVE/INACTIVE (no key)
  z3::expr unlinked;        ///< INACTIVE nodes of an update not linked yet
  // Common LRU, per CPU.
  std::vector<z3::expr> local_free;
  std::vector<z3::expr> pending[2];   ///< LOCAL_PENDING keys, [reference bit]
  std::vector<z3::expr> pending_marked;    ///< LOCAL_PENDING nodes marked pending_free
  std::vector<z3::expr> pending_unlinked;  ///< LOCAL_PENDING nodes not linked yet
  std::vector<z3::expr> next_steal;
  // Per-CPU LRU, per CPU.
  std::vector<z3::expr> cpu_free;
  std::vector<z3::expr> cpu_active[2];
  std::vector<z3::expr> cpu_inactive[2];
  std::vector<z3::expr> cpu_marked;
  std::vector<z3::expr> cpu_unlinked;

  // Every field, in a fixed order (fresh copies, equalities, merges).
  std::vector<z3::expr*> fields();
};

// One operation whose choices are solver variables.
struct SymOp {
  explicit SymOp(z3::context& context);
  z3::expr cpu, kind, key_class, key_cpu, key_referenced, key_oldest, flags;
};

// What the operation that an interrupt preempts holds (all on the interrupted CPU).
struct HeldLocks {
  explicit HeldLocks(z3::context& context);
  z3::expr own_local;  ///< this CPU's local list lock (per-CPU LRU: its list lock)
  z3::expr global;     ///< the global list lock
  z3::expr victim;     ///< a victim CPU's local list lock, -1 for none
  z3::expr bucket;     ///< the interrupted update's / delete's bucket lock
};

using EventConditions = std::map<PathEvent, z3::expr>;

// Runs the interrupt at a phase (when the solver put it there). Returns whether the nested
// operation refilled the interrupted CPU (flushing its pending nodes).
using IrqHook = std::function<z3::expr(SymState& state, const z3::expr& guard, IrqPhase phase,
                                       const HeldLocks& held)>;

class LruModel {
 public:
  LruModel(z3::context& context, LruKind kind, int cpus, z3::expr max_entries,
           z3::expr percpu_values, z3::expr one_bucket);

  SymState initial_state() const;
  // The operation may run in `state` (its key class is non-empty, ...). `outer` is the
  // interrupted operation for an interrupt, nullptr otherwise.
  z3::expr precondition(SymState& state, const SymOp& op, const SymOp* outer) const;
  // Applies `op` under `guard`. `held`: locks the CPU holds (an interrupt); `hook`: where an
  // interrupt may fire inside this operation (nullptr for an interrupt itself). `outer`: the
  // interrupted operation (for kOuterKey), or nullptr.
  // Returns whether the operation refilled its CPU's local list.
  z3::expr apply(SymState& state, const SymOp& op, const z3::expr& guard, const HeldLocks& held,
                 const IrqHook* hook, const SymOp* outer, EventConditions& events) const;

  z3::expr target_free() const { return target_free_; }

 private:
  struct PopResult {
    explicit PopResult(z3::context& context)
        : got(context.bool_val(false)),
          refilled(context.bool_val(false)),
          shrunk(small_int(context, 0)),
          force_from_active(context.bool_val(false)),
          stole_unreferenced(small_int(context, -1)),
          stole_referenced(small_int(context, -1)) {}
    z3::expr got;                 ///< a node was handed out
    z3::expr refilled;            ///< this CPU's pending nodes were flushed
    z3::expr shrunk;              ///< keys evicted from INACTIVE by the shrink (refill / per-CPU)
    z3::expr force_from_active;   ///< the force shrink evicted an ACTIVE key
    z3::expr stole_unreferenced;  ///< victim whose unreferenced pending key was evicted, or -1
    z3::expr stole_referenced;    ///< victim whose referenced pending key was evicted, or -1
  };

  z3::expr bucket_conflict(const SymOp& op, const HeldLocks& held, const SymOp* outer) const;
  PopResult common_pop(SymState& s, const SymOp& op, const z3::expr& guard, const HeldLocks& held,
                       const IrqHook* hook, EventConditions& events) const;
  PopResult percpu_pop(SymState& s, const SymOp& op, const z3::expr& guard,
                       const HeldLocks& held, const IrqHook* hook, EventConditions& events) const;
  z3::expr update(SymState& s, const SymOp& op, const z3::expr& guard, const HeldLocks& held,
                  const IrqHook* hook, const SymOp* outer, EventConditions& events) const;
  void remove(SymState& s, const SymOp& op, const z3::expr& guard, const HeldLocks& held,
              const IrqHook* hook, const SymOp* outer, EventConditions& events) const;
  void lookup(SymState& s, const SymOp& op, const z3::expr& guard,
              EventConditions& events) const;
  // Pushes the node of a key of class (key_class, key_cpu, referenced) back (a delete, a
  // replaced element): 700/702/703, or 704 when the lock it needs is held.
  void push_key_node(SymState& s, const z3::expr& guard, const z3::expr& cpu,
                     const z3::expr& key_class, const z3::expr& key_cpu,
                     const z3::expr& referenced, const HeldLocks& held, const z3::expr& refilled,
                     EventConditions& events) const;
  // Pushes an update's unused popped node back.
  void push_unused_node(SymState& s, const z3::expr& guard, const z3::expr& cpu,
                        const HeldLocks& held, EventConditions& events) const;
  // Removes one key of class (key_class, key_cpu, referenced) from its count.
  void take_key(SymState& s, const z3::expr& guard, const z3::expr& key_class,
                const z3::expr& key_cpu, const z3::expr& referenced) const;
  z3::expr class_count(SymState& s, const z3::expr& key_class, const z3::expr& key_cpu,
                       const z3::expr& referenced) const;

  z3::context& context_;
  LruKind kind_;
  int cpus_;
  z3::expr max_entries_;
  z3::expr percpu_values_;
  z3::expr one_bucket_;
  z3::expr target_free_;
};

}  // namespace mapsim::synth
