// Guided: follows a wished-for sequence of contexts as far as the execution allows, and
// otherwise avoids preemptions. Used to shrink a failing schedule (`mapsim minimize`): a
// candidate with fewer context switches is a wish; the execution it actually produces is
// recorded as usual, and the shrinker keeps it if the failure is still there.
//
// At each choice: the next wished context if it is enabled (the wish advances); otherwise the
// context that took the previous step if it is still enabled (no preemption); otherwise the
// lowest enabled context. When the wish is exhausted, only the last two rules apply: the rest
// of the execution runs without preemptions. Allocation outcomes come from `outcomes`, by
// (context, allocation ordinal), as a schedule's value choices; unlisted allocations succeed.
//
// A preemption is counted as in BoundedDfsStrategy: a step by another context while the one
// that took the previous step is still enabled.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/schedule.h"
#include "sim/strategy/strategy.h"

namespace mapsim::sim {

class GuidedStrategy final : public Strategy {
 public:
  using Outcomes = std::map<std::pair<int, uint32_t>, int>;  // (context, ordinal) -> value

  GuidedStrategy(std::vector<int> wish, Outcomes outcomes)
      : wish_(std::move(wish)), outcomes_(std::move(outcomes)) {}

  const char* name() const override { return "guided"; }
  bool begin_execution() override;
  int choose_context(const Snapshot& snapshot) override;
  int choose_value(const Snapshot& snapshot, const ValueRequest& request) override;
  bool exhausted() const override { return started_; }
  uint64_t default_budget() const override { return 1; }
  std::string describe() const override;

  int preemptions() const { return static_cast<int>(preemption_steps_.size()); }
  // The steps (indexes into the executed context sequence) that were preemptions.
  const std::vector<size_t>& preemption_steps() const { return preemption_steps_; }

  // A schedule's context choices, in order (a wish that replays it).
  static std::vector<int> contexts_of(const Schedule& schedule);

 private:
  std::vector<int> wish_;
  Outcomes outcomes_;
  size_t position_ = 0;
  std::vector<size_t> preemption_steps_;
  bool started_ = false;
};

}  // namespace mapsim::sim
