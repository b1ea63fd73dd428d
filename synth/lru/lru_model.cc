// The transitions of LruModel (synth/lru/lru_model.h), step by step as in
// impl/internal/lru_pool_inl.h and impl/internal/lru_hash_map_ops_inl.h; the numbers in the
// comments are the path events each branch reports.
#include "synth/lru/lru_model.h"

#include <utility>

#include "impl/assert.h"
#include "impl/internal/lru_pool.h"

namespace mapsim::synth {
namespace {

using E = PathEvent;

z3::expr minimum(const z3::expr& left, const z3::expr& right) {
  return z3::ite(left < right, left, right);
}

// vector[index] for a symbolic index in [0, size).
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
            const z3::expr& delta) {
  for (size_t slot = 0; slot < vector.size(); ++slot) {
    vector[slot] = z3::ite(guard && index == static_cast<int>(slot), vector[slot] + delta,
                           vector[slot]);
  }
}

void set_at(std::vector<z3::expr>& vector, const z3::expr& index, const z3::expr& guard,
            const z3::expr& value) {
  for (size_t slot = 0; slot < vector.size(); ++slot) {
    vector[slot] = z3::ite(guard && index == static_cast<int>(slot), value, vector[slot]);
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

}  // namespace

SymState::SymState(z3::context& context)
    : free(small_int(context, 0)),
      active{small_int(context, 0), small_int(context, 0)},
      inactive{small_int(context, 0), small_int(context, 0)},
      marked(small_int(context, 0)),
      unlinked(small_int(context, 0)) {}

std::vector<z3::expr*> SymState::fields() {
  std::vector<z3::expr*> all = {&free, &active[0], &active[1], &inactive[0], &inactive[1],
                                &marked, &unlinked};
  for (std::vector<z3::expr>* vector :
       {&local_free, &pending[0], &pending[1], &pending_marked, &pending_unlinked, &next_steal,
        &cpu_free, &cpu_active[0], &cpu_active[1], &cpu_inactive[0], &cpu_inactive[1],
        &cpu_marked, &cpu_unlinked}) {
    for (z3::expr& field : *vector) all.push_back(&field);
  }
  return all;
}

SymOp::SymOp(z3::context& context)
    : cpu(small_int(context, 0)),
      kind(small_int(context, 0)),
      key_class(small_int(context, 0)),
      key_cpu(small_int(context, 0)),
      key_referenced(context.bool_val(false)),
      key_oldest(context.bool_val(false)),
      flags(small_int(context, 0)) {}

HeldLocks::HeldLocks(z3::context& context)
    : own_local(context.bool_val(false)),
      global(context.bool_val(false)),
      victim(small_int(context, -1)),
      bucket(context.bool_val(false)) {}

LruModel::LruModel(z3::context& context, LruKind kind, int cpus, z3::expr max_entries,
                   z3::expr percpu_values, z3::expr one_bucket)
    : context_(context),
      kind_(kind),
      cpus_(cpus),
      max_entries_(std::move(max_entries)),
      percpu_values_(std::move(percpu_values)),
      one_bucket_(std::move(one_bucket)),
      target_free_(small_int(context, 1)) {
  MAPSIM_ASSERT(cpus >= 1, "at least one CPU");
  // clamp(max_entries / cpus / 2, 1, LOCAL_FREE_TARGET): the encoding keeps max_entries <= 8,
  // so the upper bound (128, which an 8-bit count could not even hold) never applies.
  static_assert(kLruLocalFreeTargetMax > 8, "maps of at most 8 nodes never reach the cap");
  const z3::expr half_share = max_entries_ / cpus / 2;
  target_free_ = z3::ite(half_share < 1, small_int(context, 1), half_share);
}

SymState LruModel::initial_state() const {
  SymState state(context_);
  const z3::expr zero = small_int(context_, 0);
  for (std::vector<z3::expr>* vector :
       {&state.local_free, &state.pending[0], &state.pending[1], &state.pending_marked,
        &state.pending_unlinked, &state.cpu_free, &state.cpu_active[0], &state.cpu_active[1],
        &state.cpu_inactive[0], &state.cpu_inactive[1], &state.cpu_marked,
        &state.cpu_unlinked}) {
    vector->assign(static_cast<size_t>(cpus_), zero);
  }
  for (int cpu = 0; cpu < cpus_; ++cpu) state.next_steal.push_back(small_int(context_, cpu));
  if (kind_ == LruKind::kCommon) {
    state.free = max_entries_;  // bpf_common_lru_populate: every node on the global FREE list
  } else {
    for (z3::expr& free : state.cpu_free) free = max_entries_ / cpus_;  // populate_percpu
  }
  return state;
}

z3::expr LruModel::class_count(SymState& s, const z3::expr& key_class, const z3::expr& key_cpu,
                               const z3::expr& referenced) const {
  const z3::expr zero = small_int(context_, 0);
  if (kind_ == LruKind::kCommon) {
    return z3::ite(class_is(key_class, KeyClass::kPending),
                   z3::ite(referenced, at(s.pending[1], key_cpu), at(s.pending[0], key_cpu)),
                   z3::ite(class_is(key_class, KeyClass::kActive),
                           z3::ite(referenced, s.active[1], s.active[0]),
                           z3::ite(class_is(key_class, KeyClass::kInactive),
                                   z3::ite(referenced, s.inactive[1], s.inactive[0]), zero)));
  }
  return z3::ite(class_is(key_class, KeyClass::kActive),
                 z3::ite(referenced, at(s.cpu_active[1], key_cpu), at(s.cpu_active[0], key_cpu)),
                 z3::ite(class_is(key_class, KeyClass::kInactive),
                         z3::ite(referenced, at(s.cpu_inactive[1], key_cpu),
                                 at(s.cpu_inactive[0], key_cpu)),
                         zero));
}

void LruModel::take_key(SymState& s, const z3::expr& guard, const z3::expr& key_class,
                        const z3::expr& key_cpu, const z3::expr& referenced) const {
  const z3::expr minus_one = small_int(context_, -1);
  // Rotation may have moved the key meanwhile; a count never goes below zero.
  const z3::expr take = guard && class_count(s, key_class, key_cpu, referenced) > 0;
  for (int ref = 0; ref < 2; ++ref) {
    const z3::expr this_ref = ref == 1 ? referenced : !referenced;
    if (kind_ == LruKind::kCommon) {
      add_at(s.pending[ref], key_cpu, take && this_ref && class_is(key_class, KeyClass::kPending),
             minus_one);
      assign(s.active[ref], take && this_ref && class_is(key_class, KeyClass::kActive),
             s.active[ref] - 1);
      assign(s.inactive[ref], take && this_ref && class_is(key_class, KeyClass::kInactive),
             s.inactive[ref] - 1);
    } else {
      add_at(s.cpu_active[ref], key_cpu,
             take && this_ref && class_is(key_class, KeyClass::kActive), minus_one);
      add_at(s.cpu_inactive[ref], key_cpu,
             take && this_ref && class_is(key_class, KeyClass::kInactive), minus_one);
    }
  }
}

z3::expr LruModel::precondition(SymState& s, const SymOp& op, const SymOp* outer) const {
  const z3::expr fresh = class_is(op.key_class, KeyClass::kFresh);
  const z3::expr is_update = op.kind == static_cast<int>(PlanOpKind::kUpdate);
  const int last_class = outer != nullptr ? static_cast<int>(KeyClass::kOuterKey)
                                          : static_cast<int>(KeyClass::kInactive);
  z3::expr ok = op.cpu >= 0 && op.cpu < cpus_ && op.kind >= 0 && op.kind <= 2 &&
                op.key_class >= 0 && op.key_class <= last_class && op.key_cpu >= 0 &&
                op.key_cpu < cpus_ && op.flags >= 0 && op.flags <= 2;
  ok = ok && (is_update || !fresh) && (is_update || op.flags == 0);
  // Canonical forms: choices that do not matter are fixed, so one blocked model is one plan.
  const z3::expr named_class = !fresh && !class_is(op.key_class, KeyClass::kOuterKey);
  ok = ok && (named_class || (!op.key_referenced && !op.key_oldest && op.key_cpu == 0));
  if (kind_ == LruKind::kCommon) {
    ok = ok && (class_is(op.key_class, KeyClass::kPending) || op.key_cpu == 0);
  } else {
    ok = ok && !class_is(op.key_class, KeyClass::kPending);
  }
  const z3::expr count = class_count(s, op.key_class, op.key_cpu, op.key_referenced);
  ok = ok && z3::implies(named_class, count >= 1) && z3::implies(op.key_oldest, count >= 2);
  if (outer != nullptr) {
    // An interrupt uses the interrupted operation's key only to update it (same bucket).
    ok = ok && z3::implies(class_is(op.key_class, KeyClass::kOuterKey), is_update);
  }
  return ok;
}

z3::expr LruModel::bucket_conflict(const SymOp& op, const HeldLocks& held,
                                   const SymOp* outer) const {
  z3::expr same_bucket = one_bucket_;
  if (outer != nullptr) same_bucket = same_bucket || class_is(op.key_class, KeyClass::kOuterKey);
  return held.bucket && same_bucket;
}

z3::expr LruModel::apply(SymState& s, const SymOp& op, const z3::expr& guard,
                         const HeldLocks& held, const IrqHook* hook, const SymOp* outer,
                         EventConditions& events) const {
  const z3::expr refilled =
      update(s, op, guard && op.kind == static_cast<int>(PlanOpKind::kUpdate), held, hook, outer,
             events);
  remove(s, op, guard && op.kind == static_cast<int>(PlanOpKind::kDelete), held, hook, outer,
         events);
  lookup(s, op, guard && op.kind == static_cast<int>(PlanOpKind::kProgramLookup), events);
  return refilled;
}

// bpf_common_lru_pop_free(): steps 1-5 (200-204, 300-307, 400-406, 600-602).
LruModel::PopResult LruModel::common_pop(SymState& s, const SymOp& op, const z3::expr& guard,
                                         const HeldLocks& held, const IrqHook* hook,
                                         EventConditions& events) const {
  PopResult result(context_);
  const z3::expr& cpu = op.cpu;
  const z3::expr zero = small_int(context_, 0);
  emit(events, E::kPopLocalLockFailed, guard && held.own_local);
  const z3::expr locked = guard && !held.own_local;
  HeldLocks own = held;
  own.own_local = context_.bool_val(true);
  if (hook != nullptr) (*hook)(s, locked, IrqPhase::kPopOwnLock, own);
  // Step 1: LOCAL_FREE.
  const z3::expr local_hit = locked && at(s.local_free, cpu) > 0;
  emit(events, E::kPopLocalFreeHit, local_hit);
  add_at(s.local_free, cpu, local_hit, small_int(context_, -1));
  const z3::expr refill = locked && !local_hit;
  // Step 2: refill (local lock -> global lock).
  emit(events, E::kRefillGlobalLockFailed, refill && held.global);
  const z3::expr refilling = refill && !held.global;
  result.refilled = refilling;
  HeldLocks both = own;
  both.global = context_.bool_val(true);
  if (hook != nullptr) (*hook)(s, refilling, IrqPhase::kRefill, both);
  // 2a: flush this CPU's pending nodes (300, 306).
  emit(events, E::kRefillFlushPending, refilling);
  emit(events, E::kRefillFlushPendingFree, refilling && at(s.pending_marked, cpu) > 0);
  assign(s.active[0], refilling, s.active[0] + at(s.pending[1], cpu));
  assign(s.inactive[0], refilling, s.inactive[0] + at(s.pending[0], cpu));
  assign(s.free, refilling, s.free + at(s.pending_marked, cpu));
  assign(s.unlinked, refilling, s.unlinked + at(s.pending_unlinked, cpu));
  for (std::vector<z3::expr>* vector :
       {&s.pending[0], &s.pending[1], &s.pending_marked, &s.pending_unlinked}) {
    set_at(*vector, cpu, refilling, zero);
  }
  // 2b: rotate (301 when INACTIVE is the shorter list, 302 always).
  const z3::expr inactive_length = s.inactive[0] + s.inactive[1] + s.marked + s.unlinked;
  const z3::expr low = refilling && inactive_length < s.active[0] + s.active[1];
  emit(events, E::kRefillRotateActive, low);
  assign(s.inactive[0], low, s.inactive[0] + s.active[0]);
  assign(s.active[0], low, s.active[1]);
  assign(s.active[1], low, zero);
  emit(events, E::kRefillRotateInactive, refilling);
  assign(s.active[0], refilling, s.active[0] + s.inactive[1]);
  assign(s.inactive[1], refilling, zero);
  // 2c: up to target_free nodes from the global FREE list (303).
  const z3::expr moved = minimum(target_free_, s.free);
  emit(events, E::kRefillMoveFromGlobalFree, refilling);
  assign(s.free, refilling, s.free - moved);
  add_at(s.local_free, cpu, refilling, moved);
  // 2d: shrink for the difference (304, then 305 when it evicted nothing).
  const z3::expr need = target_free_ - moved;
  const z3::expr shrinking = refilling && need > 0;
  const z3::expr conflict = held.bucket && one_bucket_;
  emit(events, E::kRefillShrinkInactive, shrinking);
  const z3::expr linked = z3::ite(conflict, zero, minimum(need, s.inactive[0]));
  const z3::expr marked = minimum(need - linked, s.marked);
  const z3::expr evicted = linked + marked;
  emit(events, E::kEvictUnlinked, shrinking && linked > 0);
  emit(events, E::kEvictBucketLockFailed, shrinking && conflict && s.inactive[0] > 0);
  emit(events, E::kEvictNotInTable, shrinking && s.unlinked > 0 && evicted < need);
  result.shrunk = z3::ite(shrinking, linked, zero);
  assign(s.inactive[0], shrinking, s.inactive[0] - linked);
  assign(s.marked, shrinking, s.marked - marked);
  add_at(s.local_free, cpu, shrinking, evicted);
  const z3::expr forcing = shrinking && evicted == 0;
  emit(events, E::kRefillForceShrink, forcing);
  // Nothing reclaimable was evicted from INACTIVE: only unlinked or refused nodes are left
  // there, so the force shrink evicts an ACTIVE key only when INACTIVE is empty.
  const z3::expr inactive_empty = s.inactive[0] + s.marked + s.unlinked == 0;
  const z3::expr from_active =
      forcing && inactive_empty && s.active[0] + s.active[1] > 0 && !conflict;
  emit(events, E::kEvictBucketLockFailed,
       forcing && conflict && (s.inactive[0] > 0 || (inactive_empty && s.active[0] > 0)));
  emit(events, E::kEvictNotInTable, forcing && !inactive_empty && s.unlinked > 0);
  emit(events, E::kEvictUnlinked, from_active);
  result.force_from_active = from_active;
  const z3::expr from_unreferenced = from_active && s.active[0] > 0;
  assign(s.active[0], from_unreferenced, s.active[0] - 1);
  assign(s.active[1], from_active && !from_unreferenced, s.active[1] - 1);
  add_at(s.local_free, cpu, from_active, small_int(context_, 1));
  // After the refill (or its failed lock): 201 / 202.
  const z3::expr refill_hit = refill && at(s.local_free, cpu) > 0;
  emit(events, E::kPopRefillHit, refill_hit);
  add_at(s.local_free, cpu, refill_hit, small_int(context_, -1));
  const z3::expr miss = refill && !refill_hit;
  emit(events, E::kPopRefillMiss, miss);
  // Step 3: the node becomes pending here (203), not linked until the update links it.
  const z3::expr got_local = local_hit || refill_hit;
  emit(events, E::kPopNodeMadePending, got_local);
  add_at(s.pending_unlinked, cpu, got_local, small_int(context_, 1));
  // Steps 4-5: steal, starting at next_steal (400-405).
  emit(events, E::kStealBegin, miss);
  const z3::expr first = at(s.next_steal, cpu);
  z3::expr found = context_.bool_val(false);
  for (int attempt = 0; attempt < cpus_; ++attempt) {
    const z3::expr victim =
        z3::ite(first + attempt >= cpus_, first + attempt - cpus_, first + attempt);
    const z3::expr trying = miss && !found;
    emit(events, E::kStealVictimLockFailed, trying && held.victim == victim);
    const z3::expr victim_locked = trying && held.victim != victim;
    if (hook != nullptr && attempt == 0) {
      HeldLocks victim_lock = held;
      victim_lock.victim = victim;
      (*hook)(s, victim_locked, IrqPhase::kStealVictim, victim_lock);
    }
    const z3::expr from_free = victim_locked && at(s.local_free, victim) > 0;
    emit(events, E::kStealLocalFree, from_free);
    add_at(s.local_free, victim, from_free, small_int(context_, -1));
    const z3::expr scan = victim_locked && !from_free;
    const z3::expr victim_marked = at(s.pending_marked, victim);
    const z3::expr unreferenced = at(s.pending[0], victim);
    const z3::expr referenced = at(s.pending[1], victim);
    const z3::expr first_pass =
        scan && (victim_marked > 0 || (unreferenced > 0 && !conflict));
    emit(events, E::kStealPendingUnreferenced, first_pass);
    emit(events, E::kEvictUnlinked, first_pass && victim_marked == 0);
    add_at(s.pending_marked, victim, first_pass && victim_marked > 0, small_int(context_, -1));
    add_at(s.pending[0], victim, first_pass && victim_marked == 0, small_int(context_, -1));
    assign(result.stole_unreferenced, first_pass && victim_marked == 0, victim);
    const z3::expr second = scan && !first_pass;
    emit(events, E::kEvictBucketLockFailed, second && conflict && unreferenced + referenced > 0);
    emit(events, E::kEvictNotInTable, second && at(s.pending_unlinked, victim) > 0);
    const z3::expr second_pass = second && referenced > 0 && !conflict;
    emit(events, E::kStealPendingIgnoringRef, second_pass);
    emit(events, E::kEvictUnlinked, second_pass);
    add_at(s.pending[1], victim, second_pass, small_int(context_, -1));
    assign(result.stole_referenced, second_pass, victim);
    const z3::expr got_here = from_free || first_pass || second_pass;
    set_at(s.next_steal, cpu, got_here,
           z3::ite(victim + 1 == cpus_, small_int(context_, 0), victim + 1));
    found = found || got_here;
  }
  emit(events, E::kStealNothing, miss && !found);
  const z3::expr stolen = miss && found;
  emit(events, E::kPopNodeMadePending, stolen);
  add_at(s.pending_unlinked, cpu, stolen, small_int(context_, 1));
  result.got = got_local || stolen;
  return result;
}

// bpf_percpu_lru_pop_free(): 500-506, 600-602.
LruModel::PopResult LruModel::percpu_pop(SymState& s, const SymOp& op, const z3::expr& guard,
                                         const HeldLocks& held, const IrqHook* hook,
                                         EventConditions& events) const {
  PopResult result(context_);
  const z3::expr& cpu = op.cpu;
  const z3::expr zero = small_int(context_, 0);
  emit(events, E::kPercpuLockFailed, guard && held.own_local);
  const z3::expr locked = guard && !held.own_local;
  HeldLocks own = held;
  own.own_local = context_.bool_val(true);
  if (hook != nullptr) (*hook)(s, locked, IrqPhase::kPopOwnLock, own);
  // Step 1: rotate this CPU's list.
  const z3::expr a0 = at(s.cpu_active[0], cpu);
  const z3::expr a1 = at(s.cpu_active[1], cpu);
  const z3::expr i0 = at(s.cpu_inactive[0], cpu);
  const z3::expr i1 = at(s.cpu_inactive[1], cpu);
  const z3::expr low =
      locked && i0 + i1 + at(s.cpu_marked, cpu) + at(s.cpu_unlinked, cpu) < a0 + a1;
  emit(events, E::kPercpuRotateActive, low);
  set_at(s.cpu_inactive[0], cpu, low, i0 + a0);
  set_at(s.cpu_active[0], cpu, low, a1);
  set_at(s.cpu_active[1], cpu, low, zero);
  emit(events, E::kPercpuRotateInactive, locked);
  set_at(s.cpu_active[0], cpu, locked, at(s.cpu_active[0], cpu) + i1);
  set_at(s.cpu_inactive[1], cpu, locked, zero);
  // Step 2: shrink into FREE when it is empty (503, 504), else 502.
  const z3::expr empty = at(s.cpu_free, cpu) == 0;
  emit(events, E::kPercpuFreeHit, locked && !empty);
  const z3::expr shrinking = locked && empty;
  const z3::expr conflict = held.bucket && one_bucket_;
  const z3::expr target = small_int(context_, static_cast<int>(kLruPercpuFreeTarget));
  const z3::expr inactive = at(s.cpu_inactive[0], cpu);
  const z3::expr list_marked = at(s.cpu_marked, cpu);
  const z3::expr list_unlinked = at(s.cpu_unlinked, cpu);
  const z3::expr linked = z3::ite(conflict, zero, minimum(target, inactive));
  const z3::expr marked = minimum(target - linked, list_marked);
  const z3::expr evicted = linked + marked;
  emit(events, E::kPercpuShrinkInactive, shrinking);
  emit(events, E::kEvictUnlinked, shrinking && linked > 0);
  emit(events, E::kEvictBucketLockFailed, shrinking && conflict && inactive > 0);
  emit(events, E::kEvictNotInTable, shrinking && list_unlinked > 0 && evicted < target);
  result.shrunk = z3::ite(shrinking, linked, zero);
  set_at(s.cpu_inactive[0], cpu, shrinking, inactive - linked);
  set_at(s.cpu_marked, cpu, shrinking, list_marked - marked);
  add_at(s.cpu_free, cpu, shrinking, evicted);
  const z3::expr forcing = shrinking && evicted == 0;
  emit(events, E::kPercpuForceShrink, forcing);
  const z3::expr active0 = at(s.cpu_active[0], cpu);
  const z3::expr active1 = at(s.cpu_active[1], cpu);
  const z3::expr inactive_empty = at(s.cpu_inactive[0], cpu) + list_marked + list_unlinked == 0;
  const z3::expr from_active = forcing && inactive_empty && active0 + active1 > 0 && !conflict;
  emit(events, E::kEvictBucketLockFailed, forcing && conflict && inactive_empty && active0 > 0);
  emit(events, E::kEvictNotInTable, forcing && !inactive_empty && list_unlinked > 0);
  emit(events, E::kEvictUnlinked, from_active);
  result.force_from_active = from_active;
  add_at(s.cpu_active[0], cpu, from_active && active0 > 0, small_int(context_, -1));
  add_at(s.cpu_active[1], cpu, from_active && active0 == 0, small_int(context_, -1));
  add_at(s.cpu_free, cpu, from_active, small_int(context_, 1));
  // Step 3: hand out the head of FREE as an INACTIVE node (505); none left: no node.
  const z3::expr got = locked && at(s.cpu_free, cpu) > 0;
  emit(events, E::kPercpuNodeToInactive, got);
  add_at(s.cpu_free, cpu, got, small_int(context_, -1));
  add_at(s.cpu_unlinked, cpu, got, small_int(context_, 1));
  result.got = got;
  return result;
}

}  // namespace mapsim::synth
