#include "sim/strategy/pct.h"

#include <algorithm>

#include "impl/assert.h"
#include "sim/hashing.h"

namespace mapsim::sim {

std::string PctOptions::validate() const {
  if (depth < 1 || depth > kMaxDepth) {
    return "pct: depth must be in [1, " + std::to_string(kMaxDepth) + "], got " +
           std::to_string(depth);
  }
  if (initial_step_estimate == 0) return "pct: initial_step_estimate must be at least 1";
  if (!(allocation_failure_probability >= 0.0 && allocation_failure_probability <= 1.0)) {
    return "pct: allocation_failure_probability must be in [0, 1], got " +
           std::to_string(allocation_failure_probability);
  }
  if (budget == 0) return "pct: budget must be at least 1 execution";
  return "";
}

PctStrategy::PctStrategy(const PctOptions& options)
    : options_(options),
      execution_(options.first_execution),
      step_estimate_(options.initial_step_estimate) {
  MAPSIM_ASSERT(options.validate().empty(), "invalid PCT options");
}

Result<PctStrategy> PctStrategy::make(const PctOptions& options) {
  if (std::string error = options.validate(); !error.empty()) {
    return Result<PctStrategy>::failure(error);
  }
  return Result<PctStrategy>::success(PctStrategy(options));
}

bool PctStrategy::begin_execution() {
  random_.reseed(hash_mix(options_.seed, execution_++));
  priorities_assigned_ = false;
  // d-1 change points, uniform over steps [1, k] (distinct when k allows).
  change_point_count_ = options_.depth - 1;
  for (int i = 0; i < change_point_count_; ++i) {
    change_points_[i] = 1 + static_cast<uint32_t>(random_.below(step_estimate_));
  }
  std::sort(change_points_.begin(), change_points_.begin() + change_point_count_);
  next_change_point_ = 0;
  return true;
}

void PctStrategy::assign_priorities(int contexts) {
  // A random permutation of d .. d+n-1 (Fisher-Yates).
  for (int i = 0; i < contexts; ++i) priority_[i] = options_.depth + i;
  for (int i = contexts - 1; i > 0; --i) {
    std::swap(priority_[i], priority_[random_.below(static_cast<uint64_t>(i) + 1)]);
  }
  priorities_assigned_ = true;
}

int PctStrategy::choose_context(const Snapshot& snapshot) {
  if (!priorities_assigned_) assign_priorities(static_cast<int>(snapshot.contexts.size()));
  auto highest = [&] {
    int best = -1;
    for (uint64_t mask = snapshot.enabled; mask != 0; mask &= mask - 1) {
      const int context = __builtin_ctzll(mask);
      if (best < 0 || priority_[context] > priority_[best]) best = context;
    }
    return best;
  };
  int chosen = highest();
  // Change point i (counted from 1) lowers the running context to priority i.
  while (next_change_point_ < change_point_count_ &&
         change_points_[next_change_point_] <= snapshot.step + 1) {
    priority_[chosen] = ++next_change_point_;
    chosen = highest();
  }
  return chosen;
}

int PctStrategy::choose_value(const Snapshot&, const ValueRequest& request) {
  if (request.kind == ValueRequest::Kind::kAllocationFailure) {
    return random_.chance(options_.allocation_failure_probability) ? 1 : 0;
  }
  return static_cast<int>(random_.below(request.options));
}

void PctStrategy::end_execution(const ExecutionSummary& summary) {
  step_estimate_ = std::max(step_estimate_, summary.steps);
}

std::string PctStrategy::describe() const {
  return "strategy=pct seed=" + std::to_string(options_.seed) +
         " depth=" + std::to_string(options_.depth) +
         " step_estimate=" + std::to_string(step_estimate_) +
         " allocation_failure_probability=" +
         std::to_string(options_.allocation_failure_probability);
}

}  // namespace mapsim::sim
