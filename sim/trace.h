// Trace: what happened in one execution, step by step, for failure reports, replay checks
// (the trace hash) and pictures (viz/ draws swimlanes from it).
//
// Records are flat and fixed-size so that recording costs a store per step; the buffer is
// reused by every execution. Values are made address-free before they are recorded (pointers
// become arena block keys), so the same schedule gives the same hash in every process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario.h"
#include "sim/visible_op.h"

namespace mapsim::sim {

enum class TraceKind : uint8_t {
  kStep,            ///< a visible operation (value = its result)
  kOperationBegin,  ///< a scenario operation starts (value = its index in the program)
  kOperationEnd,    ///< it returned (value = its result)
  kPathEvent,       ///< an algorithm step reported itself (object = event id, value = argument)
};

struct TraceRecord {
  TraceKind kind = TraceKind::kStep;
  uint8_t context = 0;
  uint16_t cpu = 0;
  uint32_t step = 0;  ///< steps taken before this record
  VisibleOp op;       ///< kStep: the operation; kPathEvent: op.object is the event id
  uint64_t value = 0;
};

// A line format() points at: the last step record of `step`, followed by `text` (a failure
// found after that step, e.g. by the step check).
struct TraceMark {
  uint32_t step = 0;
  std::string text;
};

class Trace {
 public:
  void clear() { records_.clear(); }
  void push(const TraceRecord& record) { records_.push_back(record); }
  TraceRecord& back() { return records_.back(); }
  const std::vector<TraceRecord>& records() const { return records_; }
  size_t size() const { return records_.size(); }
  uint64_t hash() const;

  // One line per record: "step 12  cpu1       atomic_load obj#3 = 5". `instance` names the
  // operations; the last `tail` records only when tail > 0; `mark` (if any) is appended to
  // the line of its step.
  std::string format(const ScenarioInstance& instance, const Outcome& layout, size_t tail = 0,
                     const TraceMark* mark = nullptr) const;
  // The last `count` records of `context` among the first `end` records, one per line, each
  // line prefixed by `indent` (objects are numbered from the start of the trace, as in
  // format() without a tail): the trail of events that led a context to one moment.
  std::string format_context(const ScenarioInstance& instance, const Outcome& layout,
                             int context, size_t end, size_t count,
                             const std::string& indent) const;
  // The name of the scenario operation `context` was running at record `end` (exclusive), or
  // "" when it was between operations.
  std::string operation_at(const ScenarioInstance& instance, const Outcome& layout,
                           int context, size_t end) const;

 private:
  std::vector<TraceRecord> records_;
};

}  // namespace mapsim::sim
