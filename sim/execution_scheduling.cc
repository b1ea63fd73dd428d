// Execution: who may run next, asking the strategy, and what happens when nobody can run
// (execution.h, "Enabledness").
#include "impl/assert.h"
#include "impl/uapi.h"
#include "sim/execution.h"

namespace mapsim::sim {

bool Execution::nested_may_fire(const Context& context) const {
  const CpuState& cpu = cpus_[context.cpu];
  if (cpu.depth > options_.nested_depth_max) return false;
  return !(options_.nested_blocked_by_spin_locks && cpu.spin_locks_held > 0);
}

bool Execution::is_enabled(const Context& context) const {
  switch (context.status) {
    case ContextStatus::kFinished:
    case ContextStatus::kPreempted:
      return false;
    case ContextStatus::kDormant:
      return nested_may_fire(context);
    case ContextStatus::kReady:
      break;
  }
  if (context.forced_lock_error != 0) return true;
  const LockWord* lock = context.pending_lock;
  switch (context.pending.kind) {
    case VisibleOpKind::kSpinLock:
      return !lock->held();
    case VisibleOpKind::kBucketLock:
      // Held by this CPU: the acquire proceeds and fails with -EDEADLK (AA).
      return !lock->held() || lock->owner_cpu_plus_one == static_cast<uint32_t>(context.cpu) + 1;
    default:
      return true;
  }
}

uint64_t Execution::enabled_mask() {
  uint64_t enabled = 0;
  for (int id = 0; id < context_count_; ++id) {
    if (is_enabled(contexts_[id])) enabled |= uint64_t{1} << id;
  }
  return enabled;
}

Snapshot Execution::snapshot(uint64_t enabled) {
  for (int id = 0; id < context_count_; ++id) {
    const Context& c = contexts_[id];
    views_[id] = ContextView{c.cpu, c.nested, c.status, c.pending};
  }
  Snapshot snapshot;
  snapshot.enabled = enabled;
  snapshot.current = last_stepped_;
  snapshot.step = step_;
  snapshot.contexts = std::span<const ContextView>(views_.data(), context_count_);
  return snapshot;
}

int Execution::decide() {
  uint64_t enabled = enabled_mask();
  if (enabled == 0) {
    bool all_finished = true;
    for (int id = 0; id < context_count_; ++id) {
      all_finished = all_finished && contexts_[id].status == ContextStatus::kFinished;
    }
    if (all_finished) return kStop;
    if (resolve_stuck_bucket_locks()) enabled = enabled_mask();
    if (enabled == 0) {
      stop(FailureKind::kDeadlock, describe_deadlock());
      return kStop;
    }
  }
  const int chosen = strategy_->choose_context(snapshot(enabled));
  if (chosen == Strategy::kAbort) {
    strategy_aborted();
    return kStop;
  }
  MAPSIM_ASSERT(chosen >= 0 && chosen < context_count_ && ((enabled >> chosen) & 1),
                "the strategy chose a context that is not enabled");
  schedule_->choices.push_back(Choice::context(chosen));
  return chosen;
}

void Execution::strategy_aborted() {
  if (strategy_->abort_is_failure()) {
    stop(FailureKind::kReplayDiverged, strategy_->abort_reason());
    return;
  }
  aborted_ = true;
  abort_reason_ = strategy_->abort_reason();
  leave_forever();
}

// Follows "waits for a lock held on CPU x, whose innermost context waits for ..." from
// `context`; true when the chain comes back to its own CPU (rqspinlock's ABBA detection).
bool Execution::waits_in_cycle(const Context& context) const {
  const LockWord* lock = context.pending_lock;
  for (int hop = 0; hop < kMaxContexts && lock != nullptr && lock->held(); ++hop) {
    const int owner_cpu = static_cast<int>(lock->owner_cpu_plus_one) - 1;
    if (owner_cpu == context.cpu) return true;
    const CpuState& cpu = cpus_[owner_cpu];
    if (cpu.depth == 0) return false;
    const Context& runner = contexts_[cpu.stack[cpu.depth - 1]];
    if (runner.status != ContextStatus::kReady || !is_lock_acquire(runner.pending.kind)) {
      return false;
    }
    lock = runner.pending_lock;
  }
  return false;
}

bool Execution::resolve_stuck_bucket_locks() {
  bool resolved = false;
  for (int id = 0; id < context_count_; ++id) {
    Context& c = contexts_[id];
    if (c.status != ContextStatus::kReady || c.pending.kind != VisibleOpKind::kBucketLock) {
      continue;
    }
    c.forced_lock_error = waits_in_cycle(c) ? bpf::kEDEADLK : bpf::kETIMEDOUT;
    resolved = true;
  }
  return resolved;
}

std::string Execution::describe_deadlock() const {
  std::string text = "deadlock: no context can run;";
  for (int id = 0; id < context_count_; ++id) {
    const Context& c = contexts_[id];
    if (c.status == ContextStatus::kFinished || c.status == ContextStatus::kDormant) continue;
    text += ' ';
    text += context_name(id);
    if (c.status == ContextStatus::kPreempted) {
      text += " is interrupted by a nested program;";
      continue;
    }
    text += " waits in " + describe(c.pending);
    const LockWord* lock = c.pending_lock;
    if (lock != nullptr && lock->held()) {
      text += " held by " + context_name(static_cast<int>(lock->owner_context_plus_one) - 1);
    }
    text += ";";
  }
  return text;
}

bool Execution::choose_allocation_failure(Context& context) {
  const uint32_t ordinal = context.allocations++;
  if (allocation_failures_ >= options_.max_allocation_failures) return false;
  const ValueRequest request{ValueRequest::Kind::kAllocationFailure, context.id, ordinal, 2};
  const int value = strategy_->choose_value(snapshot(enabled_mask()), request);
  if (value == Strategy::kAbort) {
    strategy_aborted();
    return false;
  }
  MAPSIM_ASSERT(value == 0 || value == 1, "an allocation either fails or not");
  schedule_->choices.push_back(Choice::outcome(value));
  if (value == 1) ++allocation_failures_;
  return value == 1;
}

}  // namespace mapsim::sim
