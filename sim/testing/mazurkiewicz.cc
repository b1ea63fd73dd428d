#include "sim/testing/mazurkiewicz.h"

#include <cstdint>
#include <map>

namespace mapsim::sim::testing {

std::vector<Transition> transitions_of(const Trace& trace) {
  std::vector<Transition> transitions;
  for (const TraceRecord& record : trace.records()) {
    if (record.kind != TraceKind::kStep) continue;
    transitions.push_back(Transition{record.context, record.cpu, record.op});
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
    const uint64_t fields[] = {t.context, static_cast<uint64_t>(t.op.kind), t.op.object,
                               t.op.object2, t.op.span.offset, t.op.span.bytes,
                               t.op.span2.offset, t.op.span2.bytes};
    for (uint64_t field : fields) {
      name += std::to_string(field);
      name += ',';
    }
    name += ';';
  }
  return name;
}

std::string observable_view(const Trace& trace) {
  std::map<uint8_t, std::string> per_context;  // ordered by context: a stable text
  for (const TraceRecord& record : trace.records()) {
    std::string& view = per_context[record.context];
    view += "sbep"[static_cast<int>(record.kind)];  // step, begin, end, path event
    view += std::to_string(record.kind == TraceKind::kPathEvent
                               ? record.op.object
                               : static_cast<uint64_t>(record.op.kind));
    view += '=';
    view += std::to_string(record.value);
    view += ' ';
  }
  std::string text;
  for (const auto& [context, view] : per_context) {
    text += std::to_string(context) + ": " + view + "\n";
  }
  return text;
}

}  // namespace mapsim::sim::testing
