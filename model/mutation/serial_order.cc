#include "model/mutation/serial_order.h"

#include <algorithm>
#include <cstdint>
#include <map>

namespace mapsim::mutation {
namespace {

struct Interval {
  OperationRef operation;
  uint32_t first_step = 0;
  uint32_t last_step = 0;
  bool has_steps = false;
};

}  // namespace

std::optional<std::vector<OperationRef>> serial_order(const sim::Trace& trace) {
  std::vector<Interval> intervals;
  std::map<int, size_t> open;  // context -> its running operation's interval
  for (const sim::TraceRecord& record : trace.records()) {
    const int context = record.context;
    switch (record.kind) {
      case sim::TraceKind::kOperationBegin:
        open[context] = intervals.size();
        intervals.push_back(Interval{{context, static_cast<int>(record.value)}, 0, 0, false});
        break;
      case sim::TraceKind::kOperationEnd:
        open.erase(context);
        break;
      case sim::TraceKind::kStep: {
        const auto running = open.find(context);
        if (running == open.end()) break;  // a nested program's entry or exit
        Interval& interval = intervals[running->second];
        if (!interval.has_steps) interval.first_step = record.step;
        interval.last_step = record.step;
        interval.has_steps = true;
        break;
      }
      case sim::TraceKind::kPathEvent:
        break;
    }
  }
  for (const Interval& interval : intervals) {
    if (!interval.has_steps) return std::nullopt;
  }
  std::sort(intervals.begin(), intervals.end(), [](const Interval& left, const Interval& right) {
    return left.first_step < right.first_step;
  });
  std::vector<OperationRef> order;
  for (size_t position = 0; position < intervals.size(); ++position) {
    if (position > 0 && intervals[position - 1].last_step >= intervals[position].first_step) {
      return std::nullopt;
    }
    order.push_back(intervals[position].operation);
  }
  return order;
}

}  // namespace mapsim::mutation
