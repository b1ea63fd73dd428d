#include "sim/strategy/bounded_dfs.h"

#include <climits>

#include "impl/assert.h"

namespace mapsim::sim {

std::string BoundedDfsOptions::validate() const {
  if (max_preemptions < kUnbounded) {
    return "dfs: max_preemptions must be >= 0 or -1 (unbounded), got " +
           std::to_string(max_preemptions);
  }
  if (first_bound < kUnbounded) {
    return "dfs: first_bound must be >= 0 or -1 (unbounded), got " + std::to_string(first_bound);
  }
  if (max_preemptions != kUnbounded &&
      (first_bound == kUnbounded || first_bound > max_preemptions)) {
    return "dfs: first_bound (" + std::to_string(first_bound) +
           ") must not exceed max_preemptions (" + std::to_string(max_preemptions) + ")";
  }
  if (budget == 0) return "dfs: budget must be at least 1 execution";
  return "";
}

BoundedDfsStrategy::BoundedDfsStrategy(const BoundedDfsOptions& options) : options_(options) {
  MAPSIM_ASSERT(options.validate().empty(), "invalid DFS options");
  bound_ = options.first_bound == BoundedDfsOptions::kUnbounded ? INT_MAX : options.first_bound;
}

Result<BoundedDfsStrategy> BoundedDfsStrategy::make(const BoundedDfsOptions& options) {
  if (std::string error = options.validate(); !error.empty()) {
    return Result<BoundedDfsStrategy>::failure(error);
  }
  return Result<BoundedDfsStrategy>::success(BoundedDfsStrategy(options));
}

int BoundedDfsStrategy::cost(const Node& node, int alternative) const {
  if (node.value || node.previous < 0) return 0;
  return alternative == node.previous ? 0 : 1;
}

bool BoundedDfsStrategy::within_bound(const Node& node, int alternative) const {
  return bound_ == INT_MAX || node.preemptions_before + cost(node, alternative) <= bound_;
}

// Moves to the next unexplored alternative of the deepest node that has one.
bool BoundedDfsStrategy::advance() {
  while (!stack_.empty()) {
    Node& node = stack_.back();
    for (int next = node.position + 1; next < node.alternative_count; ++next) {
      if (within_bound(node, node.alternatives[next])) {
        node.position = next;
        return true;
      }
      cut_off_ = true;
    }
    stack_.pop_back();
  }
  return false;
}

bool BoundedDfsStrategy::begin_execution() {
  if (exhausted_) return false;
  depth_ = 0;
  path_preemptions_ = 0;
  if (!started_) {
    started_ = true;
    return true;
  }
  if (advance()) return true;
  const bool more_bounds = options_.max_preemptions == BoundedDfsOptions::kUnbounded ||
                           bound_ < options_.max_preemptions;
  if (cut_off_ && bound_ != INT_MAX && more_bounds) {
    ++bound_;
    cut_off_ = false;
    return true;  // the stack is empty: the new iteration starts from the root
  }
  exhausted_ = !cut_off_;
  return false;
}

int BoundedDfsStrategy::take(Node node) {
  if (depth_ == stack_.size()) {
    node.position = 0;
    stack_.push_back(node);
  }
  const Node& current = stack_[depth_++];
  const int alternative = current.alternatives[current.position];
  path_preemptions_ += cost(current, alternative);
  return alternative;
}

int BoundedDfsStrategy::choose_context(const Snapshot& snapshot) {
  Node node;
  if (depth_ == stack_.size()) {
    node.preemptions_before = path_preemptions_;
    if (snapshot.current >= 0 && snapshot.is_enabled(snapshot.current)) {
      node.previous = snapshot.current;
      node.alternatives[node.alternative_count++] = snapshot.current;
    }
    for (uint64_t mask = snapshot.enabled; mask != 0; mask &= mask - 1) {
      const int context = __builtin_ctzll(mask);
      if (context != node.previous) node.alternatives[node.alternative_count++] = context;
    }
    if (depth_ < options_.prefix.size()) {
      const Choice& forced = options_.prefix[depth_];
      MAPSIM_ASSERT(forced.kind == Choice::Kind::kContext && snapshot.is_enabled(forced.value),
                    "dfs: the part's prefix does not fit this scenario");
      node.alternatives[0] = forced.value;
      node.alternative_count = 1;
    }
  }
  const int chosen = take(node);
  MAPSIM_ASSERT(snapshot.is_enabled(chosen), "dfs: a replayed prefix diverged");
  return chosen;
}

int BoundedDfsStrategy::choose_value(const Snapshot&, const ValueRequest& request) {
  Node node;
  if (depth_ == stack_.size()) {
    node.value = true;
    node.preemptions_before = path_preemptions_;
    for (int value = 0; value < request.options && value < kMaxContexts; ++value) {
      node.alternatives[node.alternative_count++] = value;
    }
    if (depth_ < options_.prefix.size()) {
      const Choice& forced = options_.prefix[depth_];
      MAPSIM_ASSERT(forced.kind == Choice::Kind::kValue && forced.value < request.options,
                    "dfs: the part's prefix does not fit this scenario");
      node.alternatives[0] = forced.value;
      node.alternative_count = 1;
    }
  }
  MAPSIM_ASSERT(stack_.size() == depth_ || stack_[depth_].value,
                "dfs: a replayed prefix diverged (outcome where a context was chosen)");
  return take(node);
}

void BoundedDfsStrategy::end_execution(const ExecutionSummary&) {
  const int first = options_.first_bound == BoundedDfsOptions::kUnbounded ? INT_MAX
                                                                           : options_.first_bound;
  last_was_new_ = bound_ == first || path_preemptions_ == bound_;
}

std::string BoundedDfsStrategy::describe() const {
  return std::string("strategy=dfs bound=") + (bound_ == INT_MAX ? "unbounded"
                                                                 : std::to_string(bound_)) +
         " max_preemptions=" + std::to_string(options_.max_preemptions) +
         (options_.prefix.empty() ? "" : " prefix=" + std::to_string(options_.prefix.size()));
}

}  // namespace mapsim::sim
