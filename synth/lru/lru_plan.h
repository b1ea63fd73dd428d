// LruPlan: a candidate scenario in the abstract terms of the LRU model (synth/lru/lru_model.h):
// the map, a sequence of operations each pinned to a CPU, and at most one interrupt (a nested
// program operation that fires on the CPU of one operation, at one phase of it).
//
// Keys are not named here: an operation names the *class* of the key it uses (a fresh key, or a
// key whose LRU node is on a given list, of a given CPU, with a given reference bit, the oldest
// or the newest of them). synth/lru/plan_concretizer.h turns classes into concrete keys by
// replaying the plan on the real map. The solver decodes into this type, and a plan is what a
// blocking clause excludes when the simulator does not confirm it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mapsim::synth {

enum class LruKind : uint8_t {
  kCommon,  ///< global list + per-CPU local lists (the default)
  kPercpu,  ///< BPF_F_NO_COMMON_LRU: one list per CPU
};
const char* lru_kind_name(LruKind kind);  // "common", "percpu"

enum class PlanOpKind : uint8_t {
  kUpdate = 0,         ///< bpf_map_update_elem (syscall for CPU programs, program for interrupts)
  kDelete = 1,         ///< bpf_map_delete_elem
  kProgramLookup = 2,  ///< bpf_map_lookup_elem from a program: sets the reference bit
};

// Where the key's node is before the operation (the key class).
enum class KeyClass : uint8_t {
  kFresh = 0,     ///< a key never used before: absent
  kPending = 1,   ///< common LRU: on key_cpu's LOCAL_PENDING list
  kActive = 2,    ///< on ACTIVE (common: the global list; per-CPU: key_cpu's list)
  kInactive = 3,  ///< on INACTIVE (same)
  kOuterKey = 4,  ///< interrupts only: the key of the operation it interrupts
};
const char* key_class_name(KeyClass key_class);

// Where an interrupt fires inside the operation it interrupts, and what that operation holds.
enum class IrqPhase : uint8_t {
  kPopOwnLock = 1,     ///< update, in the pop, holding this CPU's local (per-CPU: list) lock
  kRefill = 2,         ///< update, common LRU refill: local + global list locks, before the flush
  kStealVictim = 3,    ///< update, common LRU steal: holding the first victim's local lock
  kAfterPop = 4,       ///< update: the new node is popped but not linked; no lock
  kUpdateBucket = 5,   ///< update: holding the key's bucket lock
  kUpdatePush = 6,     ///< update: pushing a node back, holding the lock that push takes
  kDeleteBucket = 7,   ///< delete: holding the key's bucket lock
  kDeleteBeforePush = 8,  ///< delete: the key is unlinked, its node's list read, no lock
  kDeletePush = 9,     ///< delete: holding the lock its push takes
};
const char* irq_phase_name(IrqPhase phase);

struct PlanOp {
  int cpu = 0;
  PlanOpKind kind = PlanOpKind::kUpdate;
  KeyClass key_class = KeyClass::kFresh;
  int key_cpu = 0;        ///< kPending: the owner CPU; per-CPU LRU kActive/kInactive: the list
  bool key_referenced = false;
  bool key_oldest = false;  ///< the oldest key of its class (else the newest)
  uint64_t flags = 0;     ///< update: BPF_ANY 0, BPF_NOEXIST 1, BPF_EXIST 2

  bool operator==(const PlanOp&) const = default;
  std::string describe() const;  // "cpu1 update fresh key BPF_NOEXIST"
};

struct PlanIrq {
  bool present = false;
  int host = 0;  ///< index of the operation it interrupts (it fires on that op's CPU)
  IrqPhase phase = IrqPhase::kAfterPop;
  PlanOp op;     ///< runs as a program on the host's CPU
  bool operator==(const PlanIrq&) const = default;
};

struct LruPlan {
  LruKind lru = LruKind::kCommon;
  bool percpu_values = false;  ///< LRU_PERCPU_HASH (else LRU_HASH)
  int cpus = 2;
  uint32_t max_entries = 1;
  bool one_bucket = false;     ///< every key lands in the same hash bucket
  std::vector<PlanOp> ops;
  PlanIrq irq;
  int target_step = -1;        ///< the operation during which the model reaches the target

  bool operator==(const LruPlan&) const = default;
  std::string describe() const;  // several lines
};

}  // namespace mapsim::synth
