#include "sim/testing/mazurkiewicz.h"

#include <cstdint>

namespace mapsim::sim::testing {

std::vector<Transition> transitions_of(const Trace& trace) {
  std::vector<Transition> transitions;
  for (const TraceRecord& record : trace.records()) {
    if (record.kind != TraceKind::kStep) continue;
    transitions.push_back(Transition{record.context, record.cpu,
                                     VisibleOp{record.op, record.object, record.object2, nullptr}});
  }
  return transitions;
}

std::string canonical_trace(const std::vector<Transition>& transitions) {
  const size_t count = transitions.size();
  // predecessors[i]: earlier transitions that i depends on and that are not yet emitted.
  std::vector<std::vector<size_t>> successors(count);
  std::vector<size_t> waiting(count, 0);
  for (size_t later = 0; later < count; ++later) {
    for (size_t earlier = 0; earlier < later; ++earlier) {
      if (dependent(transitions[earlier], transitions[later])) {
        successors[earlier].push_back(later);
        ++waiting[later];
      }
    }
  }
  std::vector<bool> emitted(count, false);
  std::string name;
  for (size_t round = 0; round < count; ++round) {
    size_t best = count;
    for (size_t i = 0; i < count; ++i) {
      if (emitted[i] || waiting[i] != 0) continue;
      if (best == count || transitions[i].context < transitions[best].context) best = i;
    }
    emitted[best] = true;
    for (size_t next : successors[best]) --waiting[next];
    const Transition& t = transitions[best];
    name += std::to_string(t.context) + ":" + std::to_string(static_cast<int>(t.op.kind)) + ":" +
            std::to_string(t.op.object) + ":" + std::to_string(t.op.object2) + ";";
  }
  return name;
}

}  // namespace mapsim::sim::testing
