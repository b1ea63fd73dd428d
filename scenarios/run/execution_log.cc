#include "scenarios/run/execution_log.h"

namespace mapsim::scenario {

const char* finding_kind_name(Finding::Kind kind) {
  switch (kind) {
    case Finding::Kind::kInvariant: return "invariant";
    case Finding::Kind::kWalkRepeat: return "walk_repeat";
    case Finding::Kind::kWalkSkip: return "walk_skip";
    case Finding::Kind::kLinearizability: return "linearizability";
    case Finding::Kind::kAlways: return "always";
    case Finding::Kind::kNever: return "never";
    case Finding::Kind::kInternal: return "internal";
  }
  return "unknown";
}

LoggedExecution& ExecutionLog::this_thread() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::unique_ptr<LoggedExecution>& slot = by_thread_[std::this_thread::get_id()];
  if (!slot) slot = std::make_unique<LoggedExecution>();
  return *slot;
}

}  // namespace mapsim::scenario
