// The operations of LruModel (synth/lru/lru_model.h): update (htab_lru_map_update_elem and the
// per-CPU variant, 100-111), delete (htab_lru_map_delete_elem) and program lookup (800), with
// the pushes they cause (700-704). The pops are in lru_model.cc.
#include "synth/lru/lru_model.h"

namespace mapsim::synth {
namespace {

using E = PathEvent;

z3::expr at(const std::vector<z3::expr>& vector, const z3::expr& index) {
  z3::expr value = vector.back();
  for (int slot = static_cast<int>(vector.size()) - 2; slot >= 0; --slot) {
    value = z3::ite(index == slot, vector[slot], value);
  }
  return value;
}

void assign(z3::expr& field, const z3::expr& guard, const z3::expr& value) {
  field = z3::ite(guard, value, field);
}

void add_at(std::vector<z3::expr>& vector, const z3::expr& index, const z3::expr& guard,
            int delta) {
  for (size_t slot = 0; slot < vector.size(); ++slot) {
    vector[slot] = z3::ite(guard && index == static_cast<int>(slot), vector[slot] + delta,
                           vector[slot]);
  }
}

void emit(EventConditions& events, PathEvent event, const z3::expr& condition) {
  auto found = events.find(event);
  if (found == events.end()) {
    events.emplace(event, condition);
  } else {
    found->second = found->second || condition;
  }
}

z3::expr class_is(const z3::expr& key_class, KeyClass value) {
  return key_class == static_cast<int>(value);
}

constexpr int kNoExist = 1;
constexpr int kExist = 2;

}  // namespace

void LruModel::push_unused_node(SymState& s, const z3::expr& guard, const z3::expr& cpu,
                                const HeldLocks& held, EventConditions& events) const {
  // The node is this CPU's (pending, common; on its INACTIVE list, per-CPU): its push takes this
  // CPU's lock, which an interrupted pop of this CPU may hold (704).
  const z3::expr refused = guard && held.own_local;
  const z3::expr pushed = guard && !held.own_local;
  if (kind_ == LruKind::kPercpu) emit(events, E::kPushMarkedPendingFree, refused);
  if (kind_ == LruKind::kCommon) {
    // Still pending here, unless an interrupting refill of this CPU flushed it to INACTIVE: then
    // the push takes the global path.
    const z3::expr pending = at(s.pending_unlinked, cpu) > 0;
    add_at(s.pending_unlinked, cpu, guard && pending, -1);
    add_at(s.pending_marked, cpu, refused && pending, 1);
    emit(events, E::kPushMarkedPendingFree, refused && pending);
    emit(events, E::kPushPendingToLocalFree, pushed && pending);
    add_at(s.local_free, cpu, pushed && pending, 1);
    const z3::expr flushed = guard && !pending;
    assign(s.unlinked, flushed, s.unlinked - 1);
    emit(events, E::kPushMarkedPendingFree, flushed && held.global);
    assign(s.marked, flushed && held.global, s.marked + 1);
    emit(events, E::kPushToGlobalFree, flushed && !held.global);
    assign(s.free, flushed && !held.global, s.free + 1);
  } else {
    add_at(s.cpu_unlinked, cpu, guard, -1);
    add_at(s.cpu_marked, cpu, refused, 1);
    emit(events, E::kPushPercpuToFree, pushed);
    add_at(s.cpu_free, cpu, pushed, 1);
  }
}

void LruModel::push_key_node(SymState& s, const z3::expr& guard, const z3::expr& cpu,
                             const z3::expr& key_class, const z3::expr& key_cpu,
                             const z3::expr& referenced, const HeldLocks& held,
                             const z3::expr& refilled, EventConditions& events) const {
  (void)referenced;  // a pushed node's reference bit no longer matters
  if (kind_ == LruKind::kPercpu) {
    const z3::expr refused = guard && held.own_local && key_cpu == cpu;
    emit(events, E::kPushMarkedPendingFree, refused);
    add_at(s.cpu_marked, key_cpu, refused, 1);
    emit(events, E::kPushPercpuToFree, guard && !refused);
    add_at(s.cpu_free, key_cpu, guard && !refused, 1);
    return;
  }
  const z3::expr pending = guard && class_is(key_class, KeyClass::kPending);
  const z3::expr owner_refused = pending && held.own_local && key_cpu == cpu;
  emit(events, E::kPushMarkedPendingFree, owner_refused);
  add_at(s.pending_marked, key_cpu, owner_refused, 1);
  const z3::expr owner_locked = pending && !owner_refused;
  // The owner flushed the node between the push's read of its type and its lock (701).
  const z3::expr moved = owner_locked && refilled && key_cpu == cpu;
  emit(events, E::kPushPendingMovedMeanwhile, moved);
  const z3::expr to_local = owner_locked && !moved;
  emit(events, E::kPushPendingToLocalFree, to_local);
  add_at(s.local_free, key_cpu, to_local, 1);
  const z3::expr global = (guard && !class_is(key_class, KeyClass::kPending)) || moved;
  emit(events, E::kPushMarkedPendingFree, global && held.global);
  assign(s.marked, global && held.global, s.marked + 1);
  emit(events, E::kPushToGlobalFree, global && !held.global);
  assign(s.free, global && !held.global, s.free + 1);
}

z3::expr LruModel::update(SymState& s, const SymOp& op, const z3::expr& guard,
                          const HeldLocks& held, const IrqHook* hook, const SymOp* outer,
                          EventConditions& events) const {
  const z3::expr& cpu = op.cpu;
  const bool common = kind_ == LruKind::kCommon;
  emit(events, E::kUpdateBegin, guard);
  // Counts of the key's class before the pop, for "did the pop evict the key itself".
  const z3::expr inactive_before =
      common ? s.inactive[0] : at(s.cpu_inactive[0], op.key_cpu);
  const z3::expr active_before = common ? s.active[0] + s.active[1]
                                        : at(s.cpu_active[0], op.key_cpu) +
                                              at(s.cpu_active[1], op.key_cpu);
  const z3::expr pending_before =
      common ? z3::ite(op.key_referenced, at(s.pending[1], op.key_cpu),
                       at(s.pending[0], op.key_cpu))
             : small_int(context_, 0);
  // Step 2: pop, unless LRU_PERCPU_HASH with BPF_EXIST (101).
  const z3::expr skip = guard && percpu_values_ && op.flags == kExist;
  emit(events, E::kUpdatePercpuExistSkipsPop, skip);
  const z3::expr popping = guard && !skip;
  const PopResult pop = common ? common_pop(s, op, popping, held, hook, events)
                               : percpu_pop(s, op, popping, held, hook, events);
  emit(events, E::kUpdateNoNode, popping && !pop.got);
  const z3::expr popped = popping && pop.got;
  const z3::expr proceed = skip || popped;
  if (hook != nullptr) (*hook)(s, proceed, IrqPhase::kAfterPop, held);
  // Did the pop evict the key being updated (T-lru sanity2)? Shrinks and steals take the oldest
  // first, so the oldest key of its class goes with the first eviction, the newest with the last.
  const z3::expr unreferenced = !op.key_referenced;
  const z3::expr needed = z3::ite(op.key_oldest, small_int(context_, 1), inactive_before);
  z3::expr evicted = class_is(op.key_class, KeyClass::kInactive) && unreferenced &&
                     pop.shrunk >= needed && (common || op.key_cpu == cpu);
  evicted = evicted || (class_is(op.key_class, KeyClass::kActive) && pop.force_from_active &&
                        active_before == 1 && (common || op.key_cpu == cpu));
  if (common) {
    const z3::expr pending = class_is(op.key_class, KeyClass::kPending);
    const z3::expr only_or_oldest = op.key_oldest || pending_before == 1;
    evicted = evicted ||
              (pending && unreferenced && pop.refilled && op.key_cpu == cpu &&
               pop.shrunk >= inactive_before + z3::ite(op.key_oldest, small_int(context_, 1),
                                                       pending_before)) ||
              (pending && unreferenced && pop.stole_unreferenced == op.key_cpu &&
               only_or_oldest) ||
              (pending && op.key_referenced && pop.stole_referenced == op.key_cpu &&
               only_or_oldest);
  }
  z3::expr present = !class_is(op.key_class, KeyClass::kFresh) && !evicted;
  if (outer != nullptr) {
    present = z3::ite(class_is(op.key_class, KeyClass::kOuterKey),
                      !class_is(outer->key_class, KeyClass::kFresh), present);
  }
  // Step 3: the bucket lock (103 when this CPU holds it: an interrupted update or delete).
  const z3::expr conflict = bucket_conflict(op, held, outer);
  const z3::expr lock_failed = proceed && conflict;
  emit(events, E::kUpdateBucketLockFailed, lock_failed);
  const z3::expr locked = proceed && !conflict;
  HeldLocks bucket = held;
  bucket.bucket = context_.bool_val(true);
  if (hook != nullptr) (*hook)(s, locked, IrqPhase::kUpdateBucket, bucket);
  // Step 4: existence rules (104, 105).
  const z3::expr exists_error = locked && op.flags == kNoExist && present;
  const z3::expr absent_error = locked && op.flags == kExist && !present;
  emit(events, E::kUpdateExists, exists_error);
  emit(events, E::kUpdateNotFound, absent_error);
  const z3::expr ok = locked && !exists_error && !absent_error;
  const z3::expr inserted = ok && !present;
  const z3::expr replaced = ok && present && !percpu_values_;
  const z3::expr in_place = ok && present && percpu_values_;
  emit(events, E::kUpdateInsertNew, inserted);
  emit(events, E::kUpdateReplaceExisting, replaced);
  emit(events, E::kUpdatePercpuInPlace, in_place);
  // Step 5: the popped node is linked (a replacing node with its reference bit set).
  const z3::expr linked = inserted || replaced;
  if (common) {
    // The node is pending here, unless an interrupting refill of this CPU flushed it to INACTIVE.
    const z3::expr pending = at(s.pending_unlinked, cpu) > 0;
    add_at(s.pending_unlinked, cpu, linked && pending, -1);
    add_at(s.pending[0], cpu, inserted && pending, 1);
    add_at(s.pending[1], cpu, replaced && pending, 1);
    assign(s.unlinked, linked && !pending, s.unlinked - 1);
    assign(s.inactive[0], inserted && !pending, s.inactive[0] + 1);
    assign(s.inactive[1], replaced && !pending, s.inactive[1] + 1);
  } else {
    add_at(s.cpu_unlinked, cpu, linked, -1);
    add_at(s.cpu_inactive[0], cpu, inserted, 1);
    add_at(s.cpu_inactive[1], cpu, replaced, 1);
  }
  // In place: the existing node is marked referenced.
  const z3::expr mark = in_place && unreferenced && !class_is(op.key_class, KeyClass::kOuterKey);
  take_key(s, mark, op.key_class, op.key_cpu, context_.bool_val(false));
  if (common) {
    add_at(s.pending[1], op.key_cpu, mark && class_is(op.key_class, KeyClass::kPending), 1);
    assign(s.active[1], mark && class_is(op.key_class, KeyClass::kActive), s.active[1] + 1);
    assign(s.inactive[1], mark && class_is(op.key_class, KeyClass::kInactive),
           s.inactive[1] + 1);
  } else {
    add_at(s.cpu_active[1], op.key_cpu, mark && class_is(op.key_class, KeyClass::kActive), 1);
    add_at(s.cpu_inactive[1], op.key_cpu, mark && class_is(op.key_class, KeyClass::kInactive),
           1);
  }
  // An unused popped node goes back (109, then a push).
  const z3::expr unused = (lock_failed || exists_error || absent_error || in_place) && popped;
  emit(events, E::kUpdateUnusedNodePushedBack, unused);
  if (hook != nullptr) {
    HeldLocks pushing = held;
    pushing.own_local = context_.bool_val(true);
    (*hook)(s, unused, IrqPhase::kUpdatePush, pushing);
  }
  push_unused_node(s, unused, cpu, held, events);
  // A replaced key's old node goes back (110, then a push).
  emit(events, E::kUpdateOldNodePushedBack, replaced);
  const z3::expr old_node = replaced && !class_is(op.key_class, KeyClass::kOuterKey);
  take_key(s, old_node, op.key_class, op.key_cpu, op.key_referenced);
  push_key_node(s, old_node, cpu, op.key_class, op.key_cpu, op.key_referenced, held,
                context_.bool_val(false), events);
  emit(events, E::kUpdateSuccess, inserted || replaced || in_place);
  return pop.refilled;
}

void LruModel::remove(SymState& s, const SymOp& op, const z3::expr& guard,
                      const HeldLocks& held, const IrqHook* hook, const SymOp* outer,
                      EventConditions& events) const {
  // The bucket lock: refused (-EDEADLK, no path event) when an interrupted op of this CPU holds it.
  const z3::expr locked = guard && !bucket_conflict(op, held, outer);
  HeldLocks bucket = held;
  bucket.bucket = context_.bool_val(true);
  if (hook != nullptr) (*hook)(s, locked, IrqPhase::kDeleteBucket, bucket);
  take_key(s, locked, op.key_class, op.key_cpu, op.key_referenced);
  // The push reads the node's list, then takes the lock that list needs.
  z3::expr refilled = context_.bool_val(false);
  if (hook != nullptr) {
    refilled = (*hook)(s, locked, IrqPhase::kDeleteBeforePush, held);
    HeldLocks pushing = held;
    if (kind_ == LruKind::kCommon) {
      pushing.own_local = class_is(op.key_class, KeyClass::kPending) && op.key_cpu == op.cpu;
      pushing.global = !class_is(op.key_class, KeyClass::kPending);
    } else {
      pushing.own_local = op.key_cpu == op.cpu;
    }
    (*hook)(s, locked, IrqPhase::kDeletePush, pushing);
  }
  push_key_node(s, locked, op.cpu, op.key_class, op.key_cpu, op.key_referenced, held, refilled,
                events);
}

void LruModel::lookup(SymState& s, const SymOp& op, const z3::expr& guard,
                      EventConditions& events) const {
  // A program lookup sets the reference bit of the key's node (800 when it was clear).
  const z3::expr sets = guard && !op.key_referenced;
  emit(events, E::kLookupSetRef, sets);
  take_key(s, sets, op.key_class, op.key_cpu, context_.bool_val(false));
  if (kind_ == LruKind::kCommon) {
    add_at(s.pending[1], op.key_cpu, sets && class_is(op.key_class, KeyClass::kPending), 1);
    assign(s.active[1], sets && class_is(op.key_class, KeyClass::kActive), s.active[1] + 1);
    assign(s.inactive[1], sets && class_is(op.key_class, KeyClass::kInactive),
           s.inactive[1] + 1);
  } else {
    add_at(s.cpu_active[1], op.key_cpu, sets && class_is(op.key_class, KeyClass::kActive), 1);
    add_at(s.cpu_inactive[1], op.key_cpu, sets && class_is(op.key_class, KeyClass::kInactive),
           1);
  }
}

}  // namespace mapsim::synth
