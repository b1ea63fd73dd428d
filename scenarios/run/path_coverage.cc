#include "scenarios/run/path_coverage.h"

#include <vector>

#include "sim/vector_clock.h"

namespace mapsim::scenario {

void PathCoverage::add_trace(const sim::Trace& trace) {
  constexpr int kNoEvent = -1;
  std::vector<int> last(sim::kMaxContexts, kNoEvent);  // per context, within the current step
  for (const sim::TraceRecord& record : trace.records()) {
    if (record.context >= last.size()) continue;
    switch (record.kind) {
      case sim::TraceKind::kOperationBegin:
      case sim::TraceKind::kOperationEnd:
        last[record.context] = kNoEvent;
        break;
      case sim::TraceKind::kPathEvent: {
        const auto event = static_cast<uint16_t>(record.op.object);
        ++events[event];
        if (last[record.context] != kNoEvent) {
          ++transitions[{static_cast<uint16_t>(last[record.context]), event}];
        }
        last[record.context] = event;
        break;
      }
      case sim::TraceKind::kStep:
        break;
    }
  }
}

}  // namespace mapsim::scenario
