// TimeBudgetStrategy: any strategy, stopped when a wall-clock budget runs out.
//
// The Explorer counts executions, not time; a scenario's `time` budget (and `mapsim run
// --time`) ends exploring at the first execution boundary after the deadline: begin_execution()
// answers false from then on, every other call goes to the wrapped strategy unchanged. A run
// cut short by time is not reproducible by its counts (the next run may get further); its
// executions and failures are, by their schedules.
#pragma once

#include <chrono>
#include <string>

#include "sim/strategy/strategy.h"

namespace mapsim::scenario {

class TimeBudgetStrategy final : public sim::Strategy {
 public:
  using Clock = std::chrono::steady_clock;

  // seconds <= 0: no deadline.
  TimeBudgetStrategy(sim::Strategy& inner, double seconds);

  bool deadline_passed() const { return deadline_passed_; }

  const char* name() const override { return inner_.name(); }
  bool begin_execution() override;
  int choose_context(const sim::Snapshot& snapshot) override {
    return inner_.choose_context(snapshot);
  }
  int choose_value(const sim::Snapshot& snapshot, const sim::ValueRequest& request) override {
    return inner_.choose_value(snapshot, request);
  }
  void on_step(const sim::Transition& transition) override { inner_.on_step(transition); }
  void end_execution(const sim::ExecutionSummary& summary) override {
    inner_.end_execution(summary);
  }
  bool last_execution_is_new() const override { return inner_.last_execution_is_new(); }
  bool exhausted() const override { return inner_.exhausted(); }
  uint64_t default_budget() const override { return inner_.default_budget(); }
  std::string abort_reason() const override { return inner_.abort_reason(); }
  bool abort_is_failure() const override { return inner_.abort_is_failure(); }
  uint64_t seed() const override { return inner_.seed(); }
  std::string describe() const override { return inner_.describe(); }

 private:
  sim::Strategy& inner_;
  bool has_deadline_;
  Clock::time_point deadline_;
  bool deadline_passed_ = false;
};

}  // namespace mapsim::scenario
