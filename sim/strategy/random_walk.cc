#include "sim/strategy/random_walk.h"

#include "impl/assert.h"
#include "sim/hashing.h"

namespace mapsim::sim {

std::string RandomWalkOptions::validate() const {
  if (!(allocation_failure_probability >= 0.0 && allocation_failure_probability <= 1.0)) {
    return "random: allocation_failure_probability must be in [0, 1], got " +
           std::to_string(allocation_failure_probability);
  }
  if (budget == 0) return "random: budget must be at least 1 execution";
  return "";
}

RandomWalkStrategy::RandomWalkStrategy(const RandomWalkOptions& options)
    : options_(options), execution_(options.first_execution) {
  MAPSIM_ASSERT(options.validate().empty(), "invalid random-walk options");
}

Result<RandomWalkStrategy> RandomWalkStrategy::make(const RandomWalkOptions& options) {
  if (std::string error = options.validate(); !error.empty()) {
    return Result<RandomWalkStrategy>::failure(error);
  }
  return Result<RandomWalkStrategy>::success(RandomWalkStrategy(options));
}

bool RandomWalkStrategy::begin_execution() {
  if (exhausted_) return false;
  random_.reseed(hash_mix(options_.seed, execution_++));
  had_choice_ = false;
  return true;
}

int RandomWalkStrategy::choose_context(const Snapshot& snapshot) {
  const int count = snapshot.enabled_count();
  if (count > 1) had_choice_ = true;
  return nth_set_bit(snapshot.enabled, static_cast<int>(random_.below(count)));
}

int RandomWalkStrategy::choose_value(const Snapshot&, const ValueRequest& request) {
  had_choice_ = true;
  if (request.kind == ValueRequest::Kind::kAllocationFailure) {
    return random_.chance(options_.allocation_failure_probability) ? 1 : 0;
  }
  return static_cast<int>(random_.below(request.options));
}

void RandomWalkStrategy::end_execution(const ExecutionSummary& summary) {
  // Without a single real choice, every execution is this one.
  if (!had_choice_ && summary.completed) exhausted_ = true;
}

std::string RandomWalkStrategy::describe() const {
  return "strategy=random seed=" + std::to_string(options_.seed) +
         " allocation_failure_probability=" +
         std::to_string(options_.allocation_failure_probability);
}

}  // namespace mapsim::sim
