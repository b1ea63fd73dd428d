#include "model/linearizability/prepared_history.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "model/linearizability/counter_add.h"
#include "model/linearizability/history_error.h"
#include "model/reference/create_model.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::linearizability {
namespace {

using reference::Bytes;
using reference::Caller;
using reference::MapModel;
using reference::OpCode;
using scenario::StepKind;
using scenario::step_kind_is_program_sequence;
using scenario::StepSpec;

// The kind's name as a std::string, so that messages can be built with +.
std::string kind_name(StepKind kind) { return scenario::step_kind_name(kind); }

// Names one step for error messages: "history op 3 ('cpu1.0', line 17)" or "setup step 1".
std::string where(const std::string& what, size_t index, const StepSpec& step) {
  std::string text = what + " " + std::to_string(index);
  if (!step.label.empty() || step.pos.line > 0) {
    text += " (";
    if (!step.label.empty()) text += "'" + step.label + "'";
    if (!step.label.empty() && step.pos.line > 0) text += ", ";
    if (step.pos.line > 0) text += "line " + std::to_string(step.pos.line);
    text += ")";
  }
  return text + ": ";
}

MapShape shape_of(const MapModel& model) {
  MapShape shape;
  shape.info = model.info();
  shape.possible_cpus = model.possible_cpus();
  const uint32_t type = shape.info.type;
  shape.percpu = type == reference::kTypePercpuHash || type == reference::kTypeLruPercpuHash ||
                 type == reference::kTypePercpuArray;
  shape.lru = type == reference::kTypeLruHash || type == reference::kTypeLruPercpuHash;
  shape.array = type == reference::kTypeArray || type == reference::kTypePercpuArray;
  shape.syscall_value_bytes = model.syscall_value_size();
  shape.slot_stride = reference::round_up_8(shape.info.value_size);
  shape.counter_bytes = counter_bytes_of(shape.info.value_size);
  return shape;
}

MapModel create_model(const History& history) {
  if (history.possible_cpus < 1) {
    throw HistoryError("history: possible_cpus " + std::to_string(history.possible_cpus) +
                       ", expected at least 1");
  }
  reference::CreateRequest request;
  request.type = history.map.map_type;
  request.key_size = history.map.key_size;
  request.value_size = history.map.value_size;
  request.max_entries = history.map.max_entries;
  request.map_flags = history.map.map_flags;
  request.numa_node = history.map.numa_node;
  request.map_extra = history.map.map_extra;
  request.name = history.map.name;
  std::optional<MapModel> model;
  const int rc = reference::create_map_model(
      request, reference::ModelOptions{history.possible_cpus, history.hash_seed}, &model);
  if (rc != 0) {
    throw HistoryError("history: map: the reference model cannot create this map (rc " +
                       std::to_string(rc) + "), so no op can have run on it");
  }
  return std::move(*model);
}

// The checks every step shares, whether setup or history op. Returns "" or the problem.
std::string shape_problem(const StepSpec& step, Caller caller, const MapShape& shape) {
  if (!scenario::step_kind_is_known(step.kind)) {
    return "kind: unknown step kind " + std::to_string(static_cast<int>(step.kind));
  }
  const bool program_only = step_kind_is_program_sequence(step.kind);
  const bool syscall_only = scenario::step_kind_is_syscall_only(step.kind);
  if (program_only && caller != Caller::kProgram) {
    return "via: " + kind_name(step.kind) + " is a BPF program sequence, recorded via syscall";
  }
  if (syscall_only && caller != Caller::kSyscall) {
    return "via: " + kind_name(step.kind) + " is a bpf(2) command, recorded via prog";
  }
  const uint32_t key_size = shape.info.key_size;
  const bool keyless =
      scenario::step_kind_is_walk(step.kind) || step.kind == StepKind::kAddThroughPointer;
  if (keyless && step.key) return "key: " + kind_name(step.kind) + " takes no key";
  if (!keyless && !step.key && step.kind != StepKind::kGetNextKey) {
    return "key: " + kind_name(step.kind) + " needs a key";
  }
  if (step.key && step.key->size() != key_size) {
    return "key: " + std::to_string(step.key->size()) + " bytes, the map's key_size is " +
           std::to_string(key_size);
  }
  const size_t update_bytes =
      caller == Caller::kProgram ? shape.info.value_size : shape.syscall_value_bytes;
  if (step.kind == StepKind::kUpdate || step.kind == StepKind::kLookupAddElseInsert) {
    if (step.value.size() != update_bytes) {
      return "value: " + std::to_string(step.value.size()) + " bytes, expected " +
             std::to_string(update_bytes) +
             (caller == Caller::kProgram ? " (value_size)" : " (the syscall value size)");
    }
  } else if (step.kind == StepKind::kAddThroughPointer) {
    if (step.value.size() != 8) {
      return "value: the addend is 8 bytes, got " + std::to_string(step.value.size());
    }
  } else if (!step.value.empty()) {
    return "value: " + kind_name(step.kind) + " takes no value";
  }
  if (program_only && shape.info.value_size < 4) {
    return "kind: an atomic add needs a value of at least 4 bytes, value_size is " +
           std::to_string(shape.info.value_size);
  }
  return "";
}

// Whether the verifier refuses the program that runs this step (program_access.h).
bool refused_program(const StepSpec& step, Caller caller, const MapModel& model) {
  if (caller != Caller::kProgram) return false;
  if (step_kind_is_program_sequence(step.kind)) {
    return model.program_refused(OpCode::kLookup) || model.program_refused(OpCode::kUpdate);
  }
  const OpCode code = step.kind == StepKind::kDelete   ? OpCode::kDelete
                      : step.kind == StepKind::kUpdate ? OpCode::kUpdate
                                                       : OpCode::kLookup;
  return model.program_refused(code);
}

// A batch walk that deletes removes whole buckets per call, each call atomic only per bucket:
// the model has no op for that, so a history holding one is not checked.
std::string batch_delete_reason(size_t index, const std::string& what) {
  return what + " " + std::to_string(index) + " is a batch_walk_and_delete, whose bucket-wise "
         "deletes the reference model does not replay";
}

// The setup runs on CPU 0, one step after another: program sequences are atomic there.
void apply_setup(const History& history, const MapShape& shape, MapModel& model,
                 std::string* not_checkable) {
  std::optional<Bytes> kept_key;
  for (size_t i = 0; i < history.setup.size(); ++i) {
    const StepSpec& step = history.setup[i];
    const Caller caller = step.via == Via::kProgram ? Caller::kProgram : Caller::kSyscall;
    if (std::string problem = shape_problem(step, caller, shape); !problem.empty()) {
      throw HistoryError(where("setup step", i, step) + problem);
    }
    if (refused_program(step, caller, model)) continue;  // never reaches the map
    if (step_kind_is_program_sequence(step.kind) && shape.lru && not_checkable->empty()) {
      // The add writes in place; the LRU model's only write is an update, which pops a node
      // and may evict: it cannot replay this setup exactly.
      *not_checkable = "setup step " + std::to_string(i) + " is a program add on an LRU map, " +
                       "which the reference model cannot apply in place";
      return;
    }
    PreparedOp op;
    op.kind = step.kind;
    op.caller = caller;
    op.key = step.key;
    op.value = step.value;
    op.flags = step.flags;
    const uint64_t addend = little_endian_prefix(step.value, shape.counter_bytes);
    if (step.kind == StepKind::kBatchWalkAndDelete) {
      if (not_checkable->empty()) *not_checkable = batch_delete_reason(i, "setup step");
      return;
    }
    switch (step.kind) {
      case StepKind::kWalk:
      case StepKind::kBatchWalk:
      case StepKind::kGetNextKey:
        break;
      case StepKind::kLookupKeepPointer:
        kept_key = step.key;
        break;
      case StepKind::kAddThroughPointer:
        if (kept_key) model_counter_add(model, 0, *kept_key, addend, shape.counter_bytes);
        kept_key.reset();
        break;
      case StepKind::kLookupAddElseInsert:
        if (!model_counter_add(model, 0, *step.key, addend, shape.counter_bytes)) {
          op.kind = StepKind::kUpdate;
          op.flags = reference::kUpdateNoExist;
          model.apply(model_op_of(op));
        }
        break;
      default:
        model.apply(model_op_of(op));
    }
  }
}

void check_times(const History& history) {
  std::map<int, std::vector<size_t>> by_context;
  for (size_t i = 0; i < history.ops.size(); ++i) {
    const HistoryOp& op = history.ops[i];
    if (op.invoked_step > op.returned_step) {
      throw HistoryError(where("history op", i, op.step) + "invoked_step " +
                         std::to_string(op.invoked_step) + " is after returned_step " +
                         std::to_string(op.returned_step));
    }
    by_context[op.context].push_back(i);
  }
  for (auto& [context, indices] : by_context) {
    std::stable_sort(indices.begin(), indices.end(), [&](size_t a, size_t b) {
      return history.ops[a].invoked_step < history.ops[b].invoked_step;
    });
    for (size_t j = 1; j < indices.size(); ++j) {
      const HistoryOp& before = history.ops[indices[j - 1]];
      const HistoryOp& after = history.ops[indices[j]];
      if (before.returned_step > after.invoked_step) {
        throw HistoryError(where("history op", indices[j], after.step) + "context " +
                           std::to_string(context) + " runs one op at a time, but this op " +
                           "starts at step " + std::to_string(after.invoked_step) +
                           " before op " + std::to_string(indices[j - 1]) +
                           " returns at step " + std::to_string(before.returned_step));
      }
    }
  }
}

PreparedOp prepare_op(const History& history, size_t index, const MapShape& shape,
                      const MapModel& model) {
  const HistoryOp& source = history.ops[index];
  PreparedOp op;
  op.history_index = static_cast<uint32_t>(index);
  op.kind = source.step.kind;
  op.caller = source.step.via == Via::kProgram ? Caller::kProgram : Caller::kSyscall;
  op.context = source.context;
  op.cpu = source.cpu;
  op.key = source.step.key;
  op.value = source.step.value;
  op.flags = source.step.flags;
  op.addend = little_endian_prefix(source.step.value, op.kind == StepKind::kAddThroughPointer
                                                          ? 8
                                                          : shape.counter_bytes);
  op.rc = static_cast<int>(source.rc);
  op.observed = source.value;
  op.found = source.found;
  op.invoked = source.invoked_step;
  op.returned = source.returned_step;
  const std::string at = where("history op", index, source.step);
  if (source.context < 0) throw HistoryError(at + "context: negative");
  if (source.cpu < 0 || source.cpu >= shape.possible_cpus) {
    throw HistoryError(at + "cpu: " + std::to_string(source.cpu) + ", the map has " +
                       std::to_string(shape.possible_cpus) + " possible CPUs");
  }
  if (source.rc > 0 || source.rc != op.rc) {
    throw HistoryError(at + "rc: " + std::to_string(source.rc) + " is no kernel result");
  }
  if (std::string problem = shape_problem(source.step, op.caller, shape);
      !problem.empty()) {
    throw HistoryError(at + problem);
  }
  op.refused = refused_program(source.step, op.caller, model);
  return op;
}

// The observed value's size, now that the op's kind and result are known.
void check_observed(const PreparedOp& op, const MapShape& shape, const std::string& at) {
  size_t expected = 0;
  const bool success = op.rc == 0 && !op.refused;
  switch (op.kind) {
    case StepKind::kLookup:
    case StepKind::kLookupKeepPointer:
      if (success) {
        expected = op.caller == Caller::kProgram ? shape.info.value_size
                                                 : shape.syscall_value_bytes;
      }
      break;
    case StepKind::kLookupAndDelete:
      if (success) expected = shape.syscall_value_bytes;
      break;
    case StepKind::kGetNextKey:
      if (success) expected = shape.info.key_size;
      break;
    case StepKind::kLookupAddElseInsert:
      if (success && op.found) expected = shape.counter_bytes;
      break;
    case StepKind::kAddThroughPointer:
      if (success) expected = shape.counter_bytes;
      break;
    default:
      break;
  }
  if (op.observed.size() != expected) {
    throw HistoryError(at + "value: " + std::to_string(op.observed.size()) +
                       " bytes recorded, expected " + std::to_string(expected) + " for rc " +
                       std::to_string(op.rc));
  }
  if (op.kind == StepKind::kLookupAddElseInsert && op.found && op.rc != 0) {
    throw HistoryError(at + "rc: a lookup_add_else_insert that found its key adds, rc " +
                       std::to_string(op.rc));
  }
}

// Gives each add_through_pointer the key of the lookup_keep_pointer right before it.
void resolve_pointer_keys(const History& history, std::vector<PreparedOp>& ops) {
  std::map<int, const PreparedOp*> last_of_context;
  for (PreparedOp& op : ops) {
    const PreparedOp* before = last_of_context[op.context];
    if (op.kind == StepKind::kAddThroughPointer) {
      if (before == nullptr || before->kind != StepKind::kLookupKeepPointer) {
        throw HistoryError(where("history op", op.history_index,
                                 history.ops[op.history_index].step) +
                           "kind: add_through_pointer without a lookup_keep_pointer right "
                           "before it in its context");
      }
      op.key = before->key;
    }
    last_of_context[op.context] = &op;
  }
}

void count_overlapping_writers(std::vector<PreparedOp>& ops) {
  for (size_t i = 0; i < ops.size(); ++i) {
    for (size_t j = i + 1; j < ops.size() && ops[j].invoked <= ops[i].returned; ++j) {
      if (ops[i].writes()) ++ops[j].overlapping_writers;
      if (ops[j].writes()) ++ops[i].overlapping_writers;
    }
  }
}

}  // namespace

bool PreparedOp::writes() const {
  if (refused) return false;
  return kind == StepKind::kUpdate || kind == StepKind::kDelete ||
         kind == StepKind::kLookupAndDelete || kind == StepKind::kLookupAddElseInsert ||
         kind == StepKind::kAddThroughPointer;
}

reference::ModelOp model_op_of(const PreparedOp& op) {
  reference::ModelOp model_op;
  switch (op.kind) {
    case StepKind::kUpdate: model_op.code = OpCode::kUpdate; break;
    case StepKind::kDelete: model_op.code = OpCode::kDelete; break;
    case StepKind::kGetNextKey: model_op.code = OpCode::kGetNextKey; break;
    case StepKind::kLookupAndDelete: model_op.code = OpCode::kLookupAndDelete; break;
    default: model_op.code = OpCode::kLookup; break;
  }
  model_op.caller = op.caller;
  model_op.cpu = op.cpu;
  model_op.key = op.key;
  if (op.kind == StepKind::kUpdate) model_op.value = op.value;
  // A program lookup has no flags argument.
  const bool program_lookup = op.caller == Caller::kProgram && model_op.code == OpCode::kLookup;
  model_op.flags = program_lookup ? 0 : op.flags;
  return model_op;
}

PreparedHistory prepare_history(const History& history) {
  MapModel model = create_model(history);
  const MapShape shape = shape_of(model);
  std::string not_checkable;
  apply_setup(history, shape, model, &not_checkable);
  check_times(history);
  std::vector<PreparedOp> ops;
  std::vector<uint32_t> walks;
  for (size_t i = 0; i < history.ops.size(); ++i) {
    PreparedOp op = prepare_op(history, i, shape, model);
    check_observed(op, shape, where("history op", i, history.ops[i].step));
    if (op.kind == StepKind::kBatchWalkAndDelete && not_checkable.empty()) {
      not_checkable = batch_delete_reason(i, "history op");
    }
    if (scenario::step_kind_is_walk(op.kind)) {
      walks.push_back(static_cast<uint32_t>(i));
    } else {
      ops.push_back(std::move(op));
    }
  }
  std::stable_sort(ops.begin(), ops.end(), [](const PreparedOp& a, const PreparedOp& b) {
    if (a.invoked != b.invoked) return a.invoked < b.invoked;
    return a.returned < b.returned;
  });
  resolve_pointer_keys(history, ops);
  count_overlapping_writers(ops);
  return PreparedHistory{shape, std::move(model), std::move(ops), std::move(walks),
                         std::move(not_checkable)};
}

}  // namespace mapsim::linearizability
