// Use-after-free reports (see execution.h): both trails of events, the access and the free.
//
// The access trail is the accessing context's last events up to the access; the free trail is
// the freeing context's last events up to the step that freed the block. A block released
// after a grace period has two moments: the retire (call_rcu: the context that unlinked it)
// and the reclaim (the step at which the last reader that could see it left its read-side
// section, or the retire itself when no reader could); both are named, the trail is the
// retiring context's.
#include "sim/execution.h"

namespace mapsim::sim {
namespace {

constexpr size_t kTrailEvents = 12;  ///< events shown per trail
constexpr const char* kIndent = "    ";

}  // namespace

std::string Execution::describe_free(uint32_t block_index) const {
  const auto found = free_events_.find(block_index);
  if (found == free_events_.end()) return "  free: not recorded\n";
  const FreeEvent& event = found->second;
  const auto in_operation = [&](int context, size_t end) {
    const std::string name = trace_.operation_at(instance_, outcome_, context, end);
    return name.empty() ? std::string() : ", in \"" + name + "\"";
  };
  std::string text;
  int trail_context = event.freed_by;
  size_t trail_end = event.freed_trace_end;
  if (event.deferred) {
    text = "  free: retired (release_after_grace_period) by " + context_name(event.retired_by) +
           " at step " + std::to_string(event.retired_step) +
           in_operation(event.retired_by, event.retired_trace_end) + "; reclaimed at step " +
           std::to_string(event.freed_step) +
           (event.freed_by == event.retired_by && event.freed_step == event.retired_step
                ? " (no reader could still see it)"
                : " when " + context_name(event.freed_by) +
                      " left the last RCU read-side section that could see it") +
           "\n";
    trail_context = event.retired_by;
    trail_end = event.retired_trace_end;
  } else if (event.freed_by < 0) {
    return "  free: released outside the execution's steps (setup)\n";
  } else {
    text = "  free: released by " + context_name(event.freed_by) + " at step " +
           std::to_string(event.freed_step) + in_operation(event.freed_by, event.freed_trace_end) +
           "\n";
  }
  text += "  " + context_name(trail_context) + "'s events up to the free:\n" +
          trace_.format_context(instance_, outcome_, trail_context, trail_end, kTrailEvents,
                                kIndent);
  return text;
}

std::string Execution::describe_use_after_free(uint32_t block_index, const std::string& what,
                                               uint32_t access_step) const {
  std::string text = what + "\n";
  if (current_ >= 0 && mode_ == Mode::kRunning) {
    const std::string operation =
        trace_.operation_at(instance_, outcome_, current_, trace_.size());
    text += "  access: " + context_name(current_) + " at step " + std::to_string(access_step) +
            (operation.empty() ? std::string() : ", in \"" + operation + "\"") + "\n  " +
            context_name(current_) + "'s events up to the access:\n" +
            trace_.format_context(instance_, outcome_, current_, trace_.size(), kTrailEvents,
                                  kIndent);
  } else {
    text += "  access: by a check or observer, outside the execution's steps\n";
  }
  return text + describe_free(block_index);
}

}  // namespace mapsim::sim
