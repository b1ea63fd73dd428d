#include "sim/strategy/guided.h"

namespace mapsim::sim {

bool GuidedStrategy::begin_execution() {
  if (started_) return false;
  started_ = true;
  position_ = 0;
  preemption_steps_.clear();
  return true;
}

int GuidedStrategy::choose_context(const Snapshot& snapshot) {
  const bool current_enabled = snapshot.current >= 0 && snapshot.is_enabled(snapshot.current);
  int chosen = -1;
  if (position_ < wish_.size() && wish_[position_] >= 0 &&
      static_cast<size_t>(wish_[position_]) < snapshot.contexts.size() &&
      snapshot.is_enabled(wish_[position_])) {
    chosen = wish_[position_++];
  } else if (current_enabled) {
    chosen = snapshot.current;
  } else {
    chosen = __builtin_ctzll(snapshot.enabled);
  }
  if (current_enabled && chosen != snapshot.current) preemption_steps_.push_back(snapshot.step);
  return chosen;
}

int GuidedStrategy::choose_value(const Snapshot&, const ValueRequest& request) {
  auto found = outcomes_.find({request.context, request.ordinal});
  if (found == outcomes_.end() || found->second >= request.options) return 0;
  return found->second;
}

std::vector<int> GuidedStrategy::contexts_of(const Schedule& schedule) {
  std::vector<int> contexts;
  for (const Choice& choice : schedule.choices) {
    if (choice.kind == Choice::Kind::kContext) contexts.push_back(choice.value);
  }
  return contexts;
}

std::string GuidedStrategy::describe() const {
  return "strategy=guided wish=" + std::to_string(wish_.size()) +
         " preemptions=" + std::to_string(preemptions());
}

}  // namespace mapsim::sim
