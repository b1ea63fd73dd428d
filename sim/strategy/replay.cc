#include "sim/strategy/replay.h"

namespace mapsim::sim {
namespace {

std::string enabled_text(const Snapshot& snapshot) {
  std::string text;
  for (size_t context = 0; context < snapshot.contexts.size(); ++context) {
    if (!snapshot.is_enabled(static_cast<int>(context))) continue;
    if (!text.empty()) text += ", ";
    text += std::to_string(context);
  }
  return text.empty() ? "none" : text;
}

}  // namespace

bool ReplayStrategy::begin_execution() {
  if (started_) return false;
  started_ = true;
  position_ = 0;
  return true;
}

int ReplayStrategy::diverge(const Snapshot& snapshot, std::string what) {
  reason_ = "replay diverged at step " + std::to_string(snapshot.step) + " (choice " +
            std::to_string(position_) + "): " + what +
            "; is the scenario fully deterministic, and is this its schedule?";
  return kAbort;
}

int ReplayStrategy::choose_context(const Snapshot& snapshot) {
  if (position_ >= schedule_.choices.size()) {
    return diverge(snapshot, "the schedule has ended but contexts " + enabled_text(snapshot) +
                                 " can still run");
  }
  const Choice& choice = schedule_.choices[position_];
  if (choice.kind != Choice::Kind::kContext) {
    return diverge(snapshot, "the schedule has an outcome (v" + std::to_string(choice.value) +
                                 ") where the execution picks a context");
  }
  if (choice.value >= snapshot.contexts.size() || !snapshot.is_enabled(choice.value)) {
    return diverge(snapshot, "the schedule picks context " + std::to_string(choice.value) +
                                 " but only " + enabled_text(snapshot) + " can run");
  }
  ++position_;
  return choice.value;
}

int ReplayStrategy::choose_value(const Snapshot& snapshot, const ValueRequest& request) {
  if (position_ >= schedule_.choices.size()) {
    return diverge(snapshot, "the schedule has ended but the execution asks for an outcome");
  }
  const Choice& choice = schedule_.choices[position_];
  if (choice.kind != Choice::Kind::kValue) {
    return diverge(snapshot, "the schedule picks context " + std::to_string(choice.value) +
                                 " where the execution asks for an outcome");
  }
  if (choice.value >= request.options) {
    return diverge(snapshot, "outcome v" + std::to_string(choice.value) + " is out of range (" +
                                 std::to_string(request.options) + " outcomes)");
  }
  ++position_;
  return choice.value;
}

std::string ReplayStrategy::describe() const {
  return "strategy=replay choices=" + std::to_string(schedule_.choices.size());
}

}  // namespace mapsim::sim
