// swimlane_trace_from_sim(): a simulator trace (sim/trace.h) as a SwimlaneTrace.
#include <functional>
#include <unordered_map>
#include <vector>

#include "impl/lru_path_event.h"
#include "sim/capture.h"
#include "sim/execution.h"
#include "sim/scenario.h"
#include "sim/trace.h"
#include "sim/visible_op.h"
#include "viz/swimlane.h"

namespace mapsim::viz {
namespace {

using sim::VisibleOpKind;

SwimlaneAccess first_object_access(VisibleOpKind kind) {
  switch (kind) {
    case VisibleOpKind::kSpinLock:
    case VisibleOpKind::kBucketLock:
      return SwimlaneAccess::kAcquire;
    case VisibleOpKind::kSpinUnlock:
    case VisibleOpKind::kBucketUnlock:
      return SwimlaneAccess::kRelease;
    case VisibleOpKind::kAtomicLoad:
    case VisibleOpKind::kRacyLoad:
    case VisibleOpKind::kCompare:
      return SwimlaneAccess::kRead;
    case VisibleOpKind::kAtomicStore:
    case VisibleOpKind::kRacyStore:
    case VisibleOpKind::kCopy:
      return SwimlaneAccess::kWrite;
    case VisibleOpKind::kAtomicRmw:
      return SwimlaneAccess::kReadWrite;
    default:
      return SwimlaneAccess::kNone;  // RCU, allocation and interrupt boundaries
  }
}

SwimlaneAccess second_object_access(VisibleOpKind kind) {
  return kind == VisibleOpKind::kCopy || kind == VisibleOpKind::kCompare ? SwimlaneAccess::kRead
                                                                         : SwimlaneAccess::kNone;
}

// Objects are named obj#1, obj#2, ... in order of appearance, as Trace::format() does.
class ObjectNames {
 public:
  std::string operator()(sim::ObjectKey key) {
    if (sim::object_tag(key) != sim::ObjectTag::kSimObject) return sim::object_key_name(key);
    auto [entry, added] = numbers_.emplace(key, numbers_.size() + 1);
    return "obj#" + std::to_string(entry->second);
  }

 private:
  std::unordered_map<sim::ObjectKey, size_t> numbers_;
};

const sim::Operation* operation_of(const sim::ScenarioInstance& instance,
                                   const sim::Outcome& layout, int context, uint64_t index) {
  if (context < 0 || static_cast<size_t>(context) >= layout.contexts.size()) return nullptr;
  const sim::Outcome::ContextInfo& info = layout.contexts[context];
  const std::vector<sim::Operation>* program = nullptr;
  if (!info.nested) {
    if (static_cast<size_t>(info.cpu) < instance.cpus.size()) program = &instance.cpus[info.cpu];
  } else {
    size_t nested_index = 0;
    for (int c = 0; c < context; ++c) nested_index += layout.contexts[c].nested ? 1 : 0;
    if (nested_index < instance.nested.size()) program = &instance.nested[nested_index].operations;
  }
  if (program == nullptr || index >= program->size()) return nullptr;
  return &(*program)[index];
}

SwimlaneRecord step_record(const sim::TraceRecord& record, ObjectNames& names) {
  SwimlaneRecord out;
  out.kind = SwimlaneRecord::Kind::kStep;
  out.context = record.context;
  out.step = record.step;
  out.value = static_cast<int64_t>(record.value);
  out.text = sim::describe(record.op, [&names](sim::ObjectKey key) { return names(key); });
  out.object = record.op.object;
  out.access = first_object_access(record.op.kind);
  out.object2 = record.op.object2;
  out.access2 = second_object_access(record.op.kind);
  if (record.op.object != sim::kNoObject) out.object_name = names(record.op.object);
  return out;
}

// The common part of both adapters: `operation_name(context, index)` names operations.
SwimlaneTrace convert(const std::vector<sim::TraceRecord>& records, const sim::Outcome& layout,
                      const std::function<std::string(int, uint64_t)>& operation_name,
                      const sim::ExecutionResult* result, std::string title) {
  SwimlaneTrace out;
  out.title = std::move(title);
  for (const sim::Outcome::ContextInfo& info : layout.contexts) {
    out.contexts.push_back(SwimlaneContext{
        info.cpu, info.nested, (info.nested ? "irq@cpu" : "cpu") + std::to_string(info.cpu)});
  }
  ObjectNames names;
  std::unordered_map<int, uint64_t> running;  // context -> operation in progress
  out.records.reserve(records.size());
  for (const sim::TraceRecord& record : records) {
    SwimlaneRecord item;
    item.context = record.context;
    item.step = record.step;
    switch (record.kind) {
      case sim::TraceKind::kStep:
        item = step_record(record, names);
        break;
      case sim::TraceKind::kOperationBegin:
        item.kind = SwimlaneRecord::Kind::kInvoke;
        item.operation = record.value;
        item.text = operation_name(record.context, record.value);
        running[record.context] = record.value;
        break;
      case sim::TraceKind::kOperationEnd:
        item.kind = SwimlaneRecord::Kind::kResult;
        item.operation = running[record.context];
        item.value = static_cast<int64_t>(record.value);
        break;
      case sim::TraceKind::kPathEvent: {
        item.kind = SwimlaneRecord::Kind::kPathEvent;
        item.value = static_cast<int64_t>(record.value);
        const char* name = path_event_name(static_cast<PathEvent>(record.op.object));
        item.text = name ? name : "event " + std::to_string(record.op.object);
        break;
      }
    }
    out.records.push_back(std::move(item));
  }
  if (result != nullptr && result->failure) {
    SwimlaneViolation violation;
    violation.kind = sim::failure_kind_name(result->failure.kind);
    violation.message = result->failure.message;
    // The end-of-execution check judges the final state, not one step.
    if (result->failure.kind != sim::FailureKind::kCheck && result->failure.step > 0) {
      violation.step = result->failure.step - 1;
    }
    out.violation = std::move(violation);
  }
  return out;
}

}  // namespace

SwimlaneAccess swimlane_access(sim::VisibleOpKind kind, bool second_object) {
  return second_object ? second_object_access(kind) : first_object_access(kind);
}

SwimlaneTrace swimlane_trace_from_sim(const sim::Trace& trace,
                                      const sim::ScenarioInstance& instance,
                                      const sim::Outcome& layout,
                                      const sim::ExecutionResult* result, std::string title) {
  auto name = [&](int context, uint64_t index) {
    const sim::Operation* operation = operation_of(instance, layout, context, index);
    return operation ? operation->name : "op" + std::to_string(index);
  };
  return convert(trace.records(), layout, name, result, std::move(title));
}

SwimlaneTrace swimlane_trace_from_capture(const sim::CapturedExecution& captured,
                                          std::string title) {
  auto name = [&captured](int context, uint64_t index) {
    const auto& names = captured.operation_names;
    if (context >= 0 && static_cast<size_t>(context) < names.size() &&
        index < names[context].size()) {
      return names[context][index];
    }
    return "op" + std::to_string(index);
  };
  return convert(captured.records, captured.outcome, name, &captured.result, std::move(title));
}

}  // namespace mapsim::viz
