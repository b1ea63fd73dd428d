#include "scenarios/run/time_budget_strategy.h"

namespace mapsim::scenario {

TimeBudgetStrategy::TimeBudgetStrategy(sim::Strategy& inner, double seconds)
    : inner_(inner),
      has_deadline_(seconds > 0),
      deadline_(Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(has_deadline_ ? seconds : 0))) {}

bool TimeBudgetStrategy::begin_execution() {
  if (has_deadline_ && Clock::now() >= deadline_) {
    deadline_passed_ = true;
    return false;
  }
  return inner_.begin_execution();
}

}  // namespace mapsim::scenario
