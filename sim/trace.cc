#include "sim/trace.h"

#include <algorithm>
#include <unordered_map>

#include "sim/hashing.h"

namespace mapsim::sim {
namespace {

std::string context_label(const Outcome& layout, int context) {
  if (context < 0 || static_cast<size_t>(context) >= layout.contexts.size()) {
    return "ctx" + std::to_string(context);
  }
  const Outcome::ContextInfo& info = layout.contexts[context];
  return (info.nested ? "irq@cpu" : "cpu") + std::to_string(info.cpu);
}

const Operation* find_operation(const ScenarioInstance& instance, const Outcome& layout,
                                int context, uint64_t index) {
  if (static_cast<size_t>(context) >= layout.contexts.size()) return nullptr;
  const Outcome::ContextInfo& info = layout.contexts[context];
  const std::vector<Operation>* program = nullptr;
  if (!info.nested) {
    if (static_cast<size_t>(info.cpu) < instance.cpus.size()) program = &instance.cpus[info.cpu];
  } else {
    int nested_index = 0;
    for (int c = 0; c < context; ++c) nested_index += layout.contexts[c].nested ? 1 : 0;
    if (static_cast<size_t>(nested_index) < instance.nested.size()) {
      program = &instance.nested[nested_index].operations;
    }
  }
  if (program == nullptr || index >= program->size()) return nullptr;
  return &(*program)[index];
}

// Object keys are hashes; a trace names objects obj#1, obj#2, ... in order of appearance.
class ObjectNames {
 public:
  std::string operator()(ObjectKey key) {
    if (object_tag(key) != ObjectTag::kSimObject) return object_key_name(key);
    auto [entry, added] = numbers_.emplace(key, numbers_.size() + 1);
    return "obj#" + std::to_string(entry->second);
  }

 private:
  std::unordered_map<ObjectKey, size_t> numbers_;
};

std::string record_text(const TraceRecord& record, const ScenarioInstance& instance,
                        const Outcome& layout, ObjectNames& names) {
  std::string text = "step " + std::to_string(record.step) + "  " +
                     context_label(layout, record.context) + "  ";
  const Operation* operation = nullptr;
  switch (record.kind) {
    case TraceKind::kStep:
      text += describe(record.op, [&names](ObjectKey key) { return names(key); });
      text += " = " + std::to_string(static_cast<int64_t>(record.value));
      break;
    case TraceKind::kOperationBegin:
      operation = find_operation(instance, layout, record.context, record.value);
      text += "begin " + (operation ? operation->name : "op" + std::to_string(record.value));
      break;
    case TraceKind::kOperationEnd:
      text += "end -> " + std::to_string(static_cast<int64_t>(record.value));
      break;
    case TraceKind::kPathEvent:
      text += "path event " + std::to_string(record.op.object) + " (" +
              std::to_string(record.value) + ")";
      break;
  }
  return text;
}

}  // namespace

uint64_t Trace::hash() const {
  uint64_t hash = 0x7472616365ull;
  for (const TraceRecord& record : records_) {
    const uint64_t header = (uint64_t{static_cast<uint8_t>(record.kind)} << 56) |
                            (uint64_t{static_cast<uint8_t>(record.op.kind)} << 48) |
                            (uint64_t{record.context} << 40) | (uint64_t{record.cpu} << 32) |
                            record.step;
    const uint64_t spans = (uint64_t{record.op.span.offset} << 48) ^
                           (uint64_t{record.op.span.bytes} << 32) ^
                           (uint64_t{record.op.span2.offset} << 16) ^ record.op.span2.bytes;
    hash = hash_mix(hash, header);
    hash = hash_mix(hash, record.op.object ^ (record.op.object2 * 0x9e3779b97f4a7c15ull));
    hash = hash_mix(hash, record.value ^ (spans * 0xbf58476d1ce4e5b9ull));
  }
  return hash;
}

std::string Trace::format(const ScenarioInstance& instance, const Outcome& layout,
                          size_t tail, const TraceMark* mark) const {
  std::string text;
  const size_t first = tail > 0 && records_.size() > tail ? records_.size() - tail : 0;
  if (first > 0) text += "... " + std::to_string(first) + " earlier records\n";
  size_t marked = records_.size();  // none
  if (mark != nullptr) {
    for (size_t i = records_.size(); i > 0; --i) {
      if (records_[i - 1].kind == TraceKind::kStep && records_[i - 1].step == mark->step) {
        marked = i - 1;
        break;
      }
    }
  }
  ObjectNames names;
  for (size_t i = first; i < records_.size(); ++i) {
    text += record_text(records_[i], instance, layout, names);
    if (i == marked) text += "  " + mark->text;
    text += '\n';
  }
  return text;
}

std::string Trace::format_context(const ScenarioInstance& instance, const Outcome& layout,
                                  int context, size_t end, size_t count,
                                  const std::string& indent) const {
  end = std::min(end, records_.size());
  size_t first = end;
  for (size_t found = 0; first > 0 && found < count; --first) {
    if (records_[first - 1].context == context) ++found;
  }
  // Every record is named in order (as format() names them) so obj#N agrees with it.
  ObjectNames names;
  std::string text;
  for (size_t i = 0; i < end; ++i) {
    const std::string line = record_text(records_[i], instance, layout, names);
    if (i >= first && records_[i].context == context) text += indent + line + '\n';
  }
  return text;
}

std::string Trace::operation_at(const ScenarioInstance& instance, const Outcome& layout,
                                int context, size_t end) const {
  for (size_t i = std::min(end, records_.size()); i > 0; --i) {
    const TraceRecord& record = records_[i - 1];
    if (record.context != context) continue;
    if (record.kind == TraceKind::kOperationEnd) return "";
    if (record.kind == TraceKind::kOperationBegin) {
      const Operation* operation = find_operation(instance, layout, context, record.value);
      return operation != nullptr ? operation->name : "op" + std::to_string(record.value);
    }
  }
  return "";
}

}  // namespace mapsim::sim
