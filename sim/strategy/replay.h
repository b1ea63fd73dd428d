// Replay: feeds a recorded Schedule back through the Strategy interface (loom's replay of a
// Path). One execution; every choice must fit, otherwise the execution stops with a message
// that names the first choice that does not ("Is the scenario fully deterministic?").
#pragma once

#include <string>

#include "sim/schedule.h"
#include "sim/strategy/strategy.h"

namespace mapsim::sim {

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(const Schedule& schedule) : schedule_(schedule) {}

  const char* name() const override { return "replay"; }
  bool begin_execution() override;
  int choose_context(const Snapshot& snapshot) override;
  int choose_value(const Snapshot& snapshot, const ValueRequest& request) override;
  bool exhausted() const override { return started_; }
  uint64_t default_budget() const override { return 1; }
  std::string abort_reason() const override { return reason_; }
  bool abort_is_failure() const override { return true; }
  std::string describe() const override;

  // Choices the execution did not consume (a replay that ended early diverged too).
  size_t unused_choices() const { return schedule_.choices.size() - position_; }

 private:
  int diverge(const Snapshot& snapshot, std::string what);

  const Schedule& schedule_;
  size_t position_ = 0;
  bool started_ = false;
  std::string reason_;
};

}  // namespace mapsim::sim
