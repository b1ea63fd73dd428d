#include "scenarios/run/observation_trace.h"

#include "impl/assert.h"
#include "sim/vector_clock.h"

namespace mapsim::scenario {

void annotate_from_trace(const sim::Trace& trace, const std::vector<size_t>& context_first_slot,
                         std::vector<Observation>* observations) {
  constexpr int kNone = -1;
  struct InFlight {
    int slot = kNone;
    bool stepped = false;  // its first visible operation was seen
  };
  std::vector<InFlight> running(context_first_slot.size());
  for (const sim::TraceRecord& record : trace.records()) {
    if (record.context >= running.size()) continue;
    InFlight& current = running[record.context];
    switch (record.kind) {
      case sim::TraceKind::kOperationBegin: {
        const size_t slot = context_first_slot[record.context] + record.value;
        MAPSIM_ASSERT(slot < observations->size(), "a traced step has an observation slot");
        current = InFlight{static_cast<int>(slot), false};
        Observation& observation = (*observations)[slot];
        observation.invoked_step = record.step;
        observation.returned_step = record.step;
        observation.path_events.clear();
        break;
      }
      case sim::TraceKind::kStep:
        if (current.slot != kNone && !current.stepped) {
          current.stepped = true;
          (*observations)[current.slot].invoked_step = record.step;
        }
        break;
      case sim::TraceKind::kPathEvent:
        if (current.slot != kNone) {
          (*observations)[current.slot].path_events.push_back(
              PathEventRecord{static_cast<uint16_t>(record.op.object), record.value});
        }
        break;
      case sim::TraceKind::kOperationEnd:
        // The op's last step is the one just before its end: nothing else runs in between.
        if (current.slot != kNone && current.stepped) {
          (*observations)[current.slot].returned_step = record.step - 1;
        }
        current = InFlight{};
        break;
    }
  }
}

}  // namespace mapsim::scenario
