#include "sim/strategy/prefix_enumerator.h"

#include "impl/assert.h"

namespace mapsim::sim {
namespace {

bool asleep(const std::vector<Transition>& sleep, int context) {
  for (const Transition& sleeping : sleep) {
    if (sleeping.context == context) return true;
  }
  return false;
}

}  // namespace

PrefixEnumerator::PrefixEnumerator(const PrefixEnumeratorOptions& options) : options_(options) {
  MAPSIM_ASSERT(options.depth >= 1, "prefix enumeration: depth must be at least 1");
  MAPSIM_ASSERT(options.max_failures >= 0, "prefix enumeration: max_failures must be >= 0");
}

bool PrefixEnumerator::begin_execution() {
  if (exhausted_) return false;
  if (started_ && !advance()) {
    exhausted_ = true;
    return false;
  }
  started_ = true;
  depth_ = 0;
  path_.clear();
  steps_ = 0;
  path_preemptions_ = 0;
  path_failures_ = 0;
  pending_sleep_.clear();
  recorded_ = false;
  blocked_ = false;
  return true;
}

int PrefixEnumerator::cost(const Node& node, int alternative) const {
  if (node.value || node.previous < 0) return 0;
  return alternative == node.previous ? 0 : 1;
}

PrefixEnumerator::Node PrefixEnumerator::context_node(const Snapshot& snapshot) const {
  Node node;
  node.preemptions_before = path_preemptions_;
  if (snapshot.current >= 0 && snapshot.is_enabled(snapshot.current)) {
    node.previous = snapshot.current;
  }
  if (options_.sleep_sets) {
    node.sleep = pending_sleep_;
    for (uint64_t mask = snapshot.enabled; mask != 0; mask &= mask - 1) {
      const int context = __builtin_ctzll(mask);
      if (!asleep(node.sleep, context)) node.alternatives.push_back(context);
    }
  } else {
    // BoundedDfsStrategy's order: the running context first, then the others.
    if (node.previous >= 0) node.alternatives.push_back(node.previous);
    for (uint64_t mask = snapshot.enabled; mask != 0; mask &= mask - 1) {
      const int context = __builtin_ctzll(mask);
      if (context == node.previous) continue;
      const bool within = options_.max_preemptions == PrefixEnumeratorOptions::kUnbounded ||
                          node.preemptions_before + cost(node, context) <=
                              options_.max_preemptions;
      if (within) node.alternatives.push_back(context);
    }
  }
  for (int alternative : node.alternatives) {
    node.transitions.push_back(snapshot.next_transition(alternative));
  }
  return node;
}

// Takes the current alternative of the node at depth_ and moves down.
int PrefixEnumerator::take() {
  const Node& node = stack_[depth_++];
  const int alternative = node.alternatives[node.position];
  if (node.value) {
    path_failures_ += alternative != 0 ? 1 : 0;
    path_.push_back(Choice::outcome(alternative));
    return alternative;
  }
  path_preemptions_ += cost(node, alternative);
  ++steps_;
  path_.push_back(Choice::context(alternative));
  if (options_.sleep_sets) {
    // sleep' = {q in sleep(node) + the branches before this one | q independent of this one}
    const Transition& taken = node.transitions[node.position];
    std::vector<Transition> next;
    for (const Transition& sleeping : node.sleep) {
      if (!dependent(sleeping, taken)) next.push_back(sleeping);
    }
    for (size_t earlier = 0; earlier < node.position; ++earlier) {
      if (!dependent(node.transitions[earlier], taken)) {
        next.push_back(node.transitions[earlier]);
      }
    }
    pending_sleep_ = std::move(next);
  }
  return alternative;
}

int PrefixEnumerator::choose_context(const Snapshot& snapshot) {
  if (snapshot.step >= options_.depth) {
    record_prefix(false);
    return kAbort;
  }
  if (depth_ == stack_.size()) {
    Node node = context_node(snapshot);
    if (node.alternatives.empty()) {
      blocked_ = true;  // every enabled context sleeps: an earlier prefix covers this state
      return kAbort;
    }
    stack_.push_back(std::move(node));
  }
  MAPSIM_ASSERT(!stack_[depth_].value, "prefix enumeration: a re-executed prefix diverged");
  return take();
}

int PrefixEnumerator::choose_value(const Snapshot&, const ValueRequest& request) {
  if (depth_ == stack_.size()) {
    Node node;
    node.value = true;
    const int options = path_failures_ < options_.max_failures ? request.options : 1;
    for (int value = 0; value < options; ++value) node.alternatives.push_back(value);
    stack_.push_back(std::move(node));
  }
  MAPSIM_ASSERT(stack_[depth_].value, "prefix enumeration: a re-executed prefix diverged");
  return take();
}

void PrefixEnumerator::record_prefix(bool ended) {
  Prefix prefix;
  prefix.choices = path_;
  prefix.steps = steps_;
  if (!ended) prefix.sleep = pending_sleep_;
  prefix.preemptions = path_preemptions_;
  prefix.ended = ended;
  prefixes_.push_back(std::move(prefix));
  recorded_ = true;
}

void PrefixEnumerator::end_execution(const ExecutionSummary&) {
  // An execution that ended inside the first steps (complete, or failed) is a part by itself.
  if (!recorded_ && !blocked_) record_prefix(true);
}

bool PrefixEnumerator::advance() {
  while (!stack_.empty()) {
    Node& node = stack_.back();
    if (node.position + 1 < node.alternatives.size()) {
      ++node.position;
      return true;
    }
    stack_.pop_back();
  }
  return false;
}

std::string PrefixEnumerator::describe() const {
  return "strategy=prefixes depth=" + std::to_string(options_.depth) +
         " shape=" + (options_.sleep_sets ? "sleep-sets" : "preemption-bound") +
         " prefixes=" + std::to_string(prefixes_.size());
}

}  // namespace mapsim::sim
