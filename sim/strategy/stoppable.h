// StoppableStrategy: another strategy that can be told to stop between executions (a time
// budget ran out; a parallel run no longer needs this part). Decision only, like every
// strategy: it forwards each choice to the wrapped strategy unchanged, so a stopped run's
// executions are exactly the first ones the wrapped strategy would have run.
#pragma once

#include <functional>
#include <string>
#include <utility>

#include "sim/strategy/strategy.h"

namespace mapsim::sim {

class StoppableStrategy final : public Strategy {
 public:
  // `stop` is asked before every execution; true ends the exploration there.
  StoppableStrategy(Strategy& inner, std::function<bool()> stop)
      : inner_(inner), stop_(std::move(stop)) {}

  const char* name() const override { return inner_.name(); }
  bool begin_execution() override {
    if (stop_ && stop_()) {
      stopped_ = true;
      return false;
    }
    return inner_.begin_execution();
  }
  int choose_context(const Snapshot& snapshot) override {
    return inner_.choose_context(snapshot);
  }
  int choose_value(const Snapshot& snapshot, const ValueRequest& request) override {
    return inner_.choose_value(snapshot, request);
  }
  void on_step(const Transition& transition) override { inner_.on_step(transition); }
  void end_execution(const ExecutionSummary& summary) override {
    inner_.end_execution(summary);
  }
  bool last_execution_is_new() const override { return inner_.last_execution_is_new(); }
  bool exhausted() const override { return inner_.exhausted(); }
  uint64_t default_budget() const override { return inner_.default_budget(); }
  std::string abort_reason() const override { return inner_.abort_reason(); }
  bool abort_is_failure() const override { return inner_.abort_is_failure(); }
  uint64_t seed() const override { return inner_.seed(); }
  std::string describe() const override { return inner_.describe(); }

  // True when `stop` ended the exploration (not the budget, not exhaustion).
  bool stopped() const { return stopped_; }

 private:
  Strategy& inner_;
  std::function<bool()> stop_;
  bool stopped_ = false;
};

}  // namespace mapsim::sim
