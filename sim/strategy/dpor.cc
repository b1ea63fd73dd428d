#include "sim/strategy/dpor.h"

#include <algorithm>

#include "impl/assert.h"
#include "sim/hashing.h"

namespace mapsim::sim {

std::string DporOptions::validate() const {
  if (max_injected_failures < 0 || max_injected_failures > kMaxInjectedFailures) {
    return "dpor: max_injected_failures must be in [0, " +
           std::to_string(kMaxInjectedFailures) + "], got " +
           std::to_string(max_injected_failures);
  }
  if (budget == 0) return "dpor: budget must be at least 1 execution";
  int forced_failures = 0;
  for (const Choice& choice : prefix) {
    if (choice.kind == Choice::Kind::kValue && choice.value != 0) ++forced_failures;
  }
  if (forced_failures > max_injected_failures) {
    return "dpor: the prefix fails " + std::to_string(forced_failures) +
           " allocations, more than max_injected_failures (" +
           std::to_string(max_injected_failures) + ")";
  }
  return "";
}

DporStrategy::DporStrategy(const DporOptions& options) : options_(options) {
  MAPSIM_ASSERT(options.validate().empty(), "invalid DPOR options");
  for (const Choice& choice : options_.prefix) {
    if (choice.kind == Choice::Kind::kContext) ++prefix_steps_;
    if (choice.kind == Choice::Kind::kValue && choice.value != 0) ++prefix_failures_;
  }
}

Result<DporStrategy> DporStrategy::make(const DporOptions& options) {
  if (std::string error = options.validate(); !error.empty()) {
    return Result<DporStrategy>::failure(error);
  }
  return Result<DporStrategy>::success(DporStrategy(options));
}

bool DporStrategy::begin_execution() {
  if (exhausted_) return false;
  if (!started_) {
    started_ = true;
    reset_nodes();
    seen_plans_.insert(plan_);
    stats_.plans = 1;
  }
  prefix_cursor_ = 0;
  events_.clear();
  event_counts_.fill(0);
  last_event_.fill(-1);
  abort_reason_.clear();
  abort_is_failure_ = false;
  ++stats_.executions;
  return true;
}

int DporStrategy::abort_with(std::string reason, bool failure) {
  abort_reason_ = std::move(reason);
  abort_is_failure_ = failure;
  return kAbort;
}

bool DporStrategy::asleep(const Node& node, int context) const {
  for (const Transition& sleeping : node.sleep) {
    if (sleeping.context == context) return true;
  }
  for (const Transition& sleeping : node.inherited_sleep) {
    if (sleeping.context == context) return true;
  }
  return false;
}

void DporStrategy::reset_nodes() {
  nodes_.assign(1, Node{});
  if (prefix_steps_ == 0) nodes_[0].inherited_sleep = options_.prefix_sleep;
  replay_until_ = 0;
}

int DporStrategy::prefix_context(const Snapshot& snapshot) {
  const Choice& choice = options_.prefix[prefix_cursor_];
  if (choice.kind != Choice::Kind::kContext || !snapshot.is_enabled(choice.value)) {
    return abort_with("dpor: the part's prefix diverged at step " +
                          std::to_string(snapshot.step) + " (choice " +
                          std::to_string(prefix_cursor_) +
                          "); is the scenario fully deterministic?",
                      true);
  }
  ++prefix_cursor_;
  last_enabled_ = snapshot.enabled;
  return choice.value;
}

int DporStrategy::prefix_value(const ValueRequest& request) {
  const Choice& choice = options_.prefix[prefix_cursor_];
  if (choice.kind != Choice::Kind::kValue || choice.value >= request.options) {
    return abort_with("dpor: the part's prefix diverged at choice " +
                          std::to_string(prefix_cursor_) +
                          " (an outcome was asked for); is the scenario fully deterministic?",
                      true);
  }
  ++prefix_cursor_;
  return choice.value;
}

int DporStrategy::choose_context(const Snapshot& snapshot) {
  const size_t step = snapshot.step;
  MAPSIM_ASSERT(step == events_.size() && step < nodes_.size(), "dpor: lost track of the steps");
  if (prefix_cursor_ < options_.prefix.size()) return prefix_context(snapshot);
  Node& node = nodes_[step];
  if (step < replay_until_) {
    last_enabled_ = snapshot.enabled;
    const Transition& taken = node.taken;
    if (!snapshot.is_enabled(taken.context) ||
        !snapshot.next_transition(taken.context).same_as(taken)) {
      return abort_with("dpor: replaying a prefix diverged at step " + std::to_string(step) +
                            ": context " + std::to_string(taken.context) + " should " +
                            sim::describe(taken.op) + "; is the scenario fully deterministic?",
                        true);
    }
    return taken.context;
  }
  last_enabled_ = snapshot.enabled;
  while (!node.wakeup.empty()) {
    const Transition& first = node.wakeup.first();
    if (snapshot.is_enabled(first.context) &&
        snapshot.next_transition(first.context).same_as(first)) {
      return first.context;
    }
    ++stats_.infeasible_wakeups;
    node.wakeup.drop_first();
  }
  if (snapshot.current >= 0 && snapshot.is_enabled(snapshot.current) &&
      !asleep(node, snapshot.current)) {
    return snapshot.current;  // no switch: cheapest for the fibers, and as good as any
  }
  for (uint64_t mask = snapshot.enabled; mask != 0; mask &= mask - 1) {
    const int context = __builtin_ctzll(mask);
    if (!asleep(node, context)) return context;
  }
  ++stats_.sleep_blocked;
  return abort_with("dpor: sleep-set blocked (every enabled context is asleep)", false);
}

int DporStrategy::choose_value(const Snapshot&, const ValueRequest& request) {
  if (prefix_cursor_ < options_.prefix.size()) return prefix_value(request);
  const FaultPoint point{request.context, request.ordinal};
  if (std::binary_search(plan_.begin(), plan_.end(), point)) return 1;
  if (static_cast<int>(plan_.size()) + prefix_failures_ < options_.max_injected_failures) {
    FaultPlan next = plan_;
    next.insert(std::upper_bound(next.begin(), next.end(), point), point);
    if (seen_plans_.insert(next).second) pending_plans_.push_back(std::move(next));
  }
  return 0;
}

void DporStrategy::on_step(const Transition& transition) {
  const size_t step = events_.size();
  if (step + 1 == nodes_.size()) {
    // A new prefix: sleep' = {q in sleep | q independent of this step}; wut' = the subtree
    // of the branch taken.
    Node next;
    Node& node = nodes_[step];
    node.taken = transition;
    for (const Transition& sleeping : node.sleep) {
      if (!dependent(transition, sleeping)) next.sleep.push_back(sleeping);
    }
    for (const Transition& sleeping : node.inherited_sleep) {
      if (!dependent(transition, sleeping)) next.inherited_sleep.push_back(sleeping);
    }
    if (step + 1 == prefix_steps_) next.inherited_sleep = options_.prefix_sleep;
    if (!node.wakeup.empty() && node.wakeup.first().context == transition.context) {
      next.wakeup = node.wakeup.take_first_subtree();
    }
    nodes_.push_back(std::move(next));
  }
  Event event{transition, VectorClock{}, last_enabled_, signature(transition)};
  const int context = transition.context;
  if (last_event_[context] >= 0) event.clock = events_[last_event_[context]].clock;
  for (size_t i = step; i-- > 0;) {
    const Event& earlier = events_[i];
    if ((earlier.signature & event.signature) == 0) continue;
    if (earlier.transition.context == context || happens_before(i, event.clock)) continue;
    if (dependent(earlier.transition, transition)) event.clock.join(earlier.clock);
  }
  event.clock[context] = ++event_counts_[context];
  last_event_[context] = static_cast<int32_t>(step);
  events_.push_back(event);
}

uint64_t DporStrategy::signature(const Transition& transition) {
  const uint64_t cpu_bit = uint64_t{1} << (48 + transition.cpu % 16);
  // Nested entry and exit depend on everything on their CPU: every transition carries its
  // CPU's bit, and only those transitions share it with others.
  if (is_interrupt_boundary(transition.op.kind)) return cpu_bit;
  auto object_bit = [](ObjectKey key) {
    return key == kNoObject ? 0 : uint64_t{1} << (hash_mix(key, 0x6f626a) % 48);
  };
  return cpu_bit | object_bit(transition.op.object) | object_bit(transition.op.object2);
}

bool DporStrategy::happens_before(size_t earlier, const VectorClock& later) const {
  const Event& event = events_[earlier];
  const int context = event.transition.context;
  return later[context] >= event.clock[context];
}

// Could `earlier` and `later` be a reversible race (before the immediacy filter)? Pairs that
// cannot be reversed are left out *before* that filter, so that the reversible race behind
// them (acquire-acquire, entry-step) counts as immediate.
bool DporStrategy::race_candidate(size_t earlier, size_t later) const {
  const Transition& a = events_[earlier].transition;
  const Transition& b = events_[later].transition;
  if (a.context == b.context || !dependent(a, b)) return false;
  if (a.cpu == b.cpu) {
    if (a.op.kind == VisibleOpKind::kIrqExit) return false;
    if (a.op.kind == VisibleOpKind::kIrqEntry) return true;
    // `a`'s context held the CPU: only a nested program that could fire there goes first.
    if (b.op.kind == VisibleOpKind::kIrqEntry) {
      return (events_[earlier].enabled_before >> b.context) & 1;
    }
    return false;
  }
  const bool a_lock = is_lock_acquire(a.op.kind) || is_lock_release(a.op.kind);
  const bool b_lock = is_lock_acquire(b.op.kind) || is_lock_release(b.op.kind);
  if (a_lock && b_lock) return is_lock_acquire(a.op.kind) && is_lock_acquire(b.op.kind);
  return true;
}

std::vector<size_t> DporStrategy::races_of(size_t later) const {
  const Event& event = events_[later];
  VectorClock before;  // what the context of `later` knew before this step
  for (size_t i = later; i-- > 0;) {
    if (events_[i].transition.context == event.transition.context) {
      before = events_[i].clock;
      break;
    }
  }
  std::vector<size_t> candidates;
  for (size_t i = 0; i < later; ++i) {
    if ((events_[i].signature & event.signature) == 0) continue;
    if (!happens_before(i, before) && race_candidate(i, later)) candidates.push_back(i);
  }
  std::vector<size_t> races;
  for (size_t candidate : candidates) {
    bool immediate = true;
    for (size_t other : candidates) {
      if (other != candidate && happens_before(candidate, events_[other].clock)) {
        immediate = false;
        break;
      }
    }
    if (immediate) races.push_back(candidate);
  }
  return races;
}

void DporStrategy::examine_race(size_t earlier, size_t later) {
  ++stats_.races;
  // Inside a part's prefix every alternative is another part (fully expanded there).
  if (earlier < prefix_steps_) return;
  std::vector<Transition> sequence;  // notdep(e, E).e'
  for (size_t i = earlier + 1; i < events_.size(); ++i) {
    if (i != later && !happens_before(earlier, events_[i].clock)) {
      sequence.push_back(events_[i].transition);
    }
  }
  sequence.push_back(events_[later].transition);
  Node& node = nodes_[earlier];
  for (const Transition& sleeping : node.sleep) {
    if (weak_initial(sleeping, sequence)) return;
  }
  if (node.wakeup.insert(std::move(sequence))) ++stats_.insertions;
}

void DporStrategy::analyse_races() {
  for (size_t later = replay_until_; later < events_.size(); ++later) {
    for (size_t earlier : races_of(later)) examine_race(earlier, later);
  }
}

bool DporStrategy::backtrack() {
  for (size_t step = events_.size(); step-- > prefix_steps_;) {
    Node& node = nodes_[step];
    node.sleep.push_back(node.taken);
    if (!node.wakeup.empty()) {
      nodes_.resize(step + 1);
      replay_until_ = step;
      return true;
    }
  }
  return false;
}

bool DporStrategy::start_next_plan() {
  if (pending_plans_.empty()) return false;
  plan_ = std::move(pending_plans_.front());
  pending_plans_.pop_front();
  reset_nodes();
  ++stats_.plans;
  return true;
}

void DporStrategy::end_execution(const ExecutionSummary&) {
  if (!abort_is_failure_) analyse_races();
  if (!backtrack() && !start_next_plan()) exhausted_ = true;
}

std::string DporStrategy::describe() const {
  return "strategy=dpor max_injected_failures=" + std::to_string(options_.max_injected_failures) +
         (options_.prefix.empty() ? "" : " prefix=" + std::to_string(options_.prefix.size())) +
         " executions=" + std::to_string(stats_.executions) +
         " sleep_blocked=" + std::to_string(stats_.sleep_blocked) +
         " races=" + std::to_string(stats_.races) +
         " insertions=" + std::to_string(stats_.insertions) +
         " infeasible_wakeups=" + std::to_string(stats_.infeasible_wakeups) +
         " plans=" + std::to_string(stats_.plans);
}

}  // namespace mapsim::sim
