#include "model/linearizability/model_spec.h"

#include <utility>

#include "impl/assert.h"
#include "model/linearizability/add_through.h"
#include "model/linearizability/counter_add.h"
#include "model/linearizability/value_match.h"
#include "model/reference/reference_uapi.h"
#include "model/reference/state_hasher.h"

namespace mapsim::linearizability {
namespace {

using reference::Bytes;
using reference::Caller;
using reference::ModelOp;
using reference::ModelResult;
using reference::OpCode;
using scenario::StepKind;

ModelOp program_op(OpCode code, const PreparedOp& op) {
  ModelOp model_op;
  model_op.code = code;
  model_op.caller = Caller::kProgram;
  model_op.cpu = op.cpu;
  model_op.key = op.key;
  return model_op;
}

// lookup_add_else_insert's insert: the program's bpf_map_update_elem(BPF_NOEXIST).
ModelOp sequence_insert(const PreparedOp& op) {
  ModelOp insert = program_op(OpCode::kUpdate, op);
  insert.value = op.value;
  insert.flags = reference::kUpdateNoExist;
  return insert;
}

ModelOp syscall_lookup(const PreparedOp& op) {
  ModelOp lookup;
  lookup.code = OpCode::kLookup;
  lookup.cpu = op.cpu;
  lookup.key = op.key;
  return lookup;
}

}  // namespace

ModelSpec::ModelSpec(const SpecContext& context, reference::MapModel model)
    : context_(&context), model_(std::move(model)), pointers_(context.track_generations) {
  MAPSIM_ASSERT(!context.shape().lru, "LRU maps have their own specification (lru_spec.h)");
}

void ModelSpec::append_events(uint32_t index, std::vector<Event>* events) const {
  const PreparedOp& op = context_->op(index);
  const MapShape& shape = context_->shape();
  Event event{index, EventPart::kWhole, -1, -1, op.invoked, op.returned};
  const bool syscall = op.caller == Caller::kSyscall;
  if (op.refused) {
    events->push_back(event);
    return;
  }
  const bool slot_reads = shape.percpu && syscall && op.kind == StepKind::kLookup && op.rc == 0;
  const bool slot_writes = shape.percpu && shape.array && syscall &&
                           op.kind == StepKind::kUpdate && op.rc == 0;
  if (slot_reads || slot_writes) {
    event.part = slot_reads ? EventPart::kSlotRead : EventPart::kSlotWrite;
    for (int cpu = 0; cpu < shape.possible_cpus; ++cpu) {
      event.slot = static_cast<int16_t>(cpu);
      events->push_back(event);
    }
    return;
  }
  if (op.kind == StepKind::kLookupAddElseInsert) {
    event.part = EventPart::kSequenceLookup;
    events->push_back(event);
    event.part = EventPart::kSequenceFinish;
    event.after = 0;
  }
  events->push_back(event);
}

bool ModelSpec::present(const Bytes& key) const {
  if (context_->shape().array) return true;
  return model_.hash_chains()->contains(key);
}

// An update that leaves the map unchanged with a result the model does not give (see the
// header): lock failures, E2BIG with elements in flight, injected allocation failures.
bool ModelSpec::no_effect_allowed(const PreparedOp& op, int model_rc) const {
  const MapShape& shape = context_->shape();
  if (is_lock_failure(op.rc)) return !shape.array;
  const bool inserts = op.kind == StepKind::kUpdate || op.kind == StepKind::kLookupAddElseInsert;
  if (!inserts || model_rc != 0) return false;
  if (op.rc == reference::kENOMEM) return context_->allocation_failures;
  if (op.rc == reference::kE2BIG && !shape.array && !present(*op.key)) {
    const size_t keys = model_.hash_chains()->size();
    return keys + op.overlapping_writers >= shape.info.max_entries;
  }
  return false;
}

bool ModelSpec::new_element_on_update(bool existed) const {
  const uint32_t type = context_->shape().info.type;
  if (type == reference::kTypeHash) return true;
  return type == reference::kTypePercpuHash && !existed;
}

void ModelSpec::successors(const Event& event, std::vector<ModelSpec>* next) const {
  const PreparedOp& op = context_->op(event.op);
  if (op.refused) {
    if (op.rc == reference::kEACCES) next->push_back(*this);
    return;
  }
  switch (event.part) {
    case EventPart::kWhole: whole(op, next); return;
    case EventPart::kSlotRead: slot_read(op, event.slot, next); return;
    case EventPart::kSlotWrite: slot_write(op, event.slot, next); return;
    case EventPart::kSequenceLookup: sequence_lookup(op, next); return;
    case EventPart::kSequenceFinish: sequence_finish(op, next); return;
    case EventPart::kLruPop:
    case EventPart::kLink: break;
  }
  MAPSIM_ASSERT(false, "ModelSpec makes no LRU events");
}

void ModelSpec::whole(const PreparedOp& op, std::vector<ModelSpec>* next) const {
  switch (op.kind) {
    case StepKind::kUpdate: update(op, model_op_of(op), next); return;
    case StepKind::kDelete:
    case StepKind::kLookupAndDelete: remove(op, next); return;
    case StepKind::kLookup:
    case StepKind::kGetNextKey: read(op, next); return;
    case StepKind::kLookupKeepPointer: keep_pointer(op, next); return;
    case StepKind::kAddThroughPointer: {
      ModelSpec state = *this;
      std::optional<ElementPointer> pointer = state.pointers_.take_kept(op.context);
      state.add_through(op, pointer, next);
      return;
    }
    case StepKind::kWalk:
    case StepKind::kBatchWalk:
    case StepKind::kBatchWalkAndDelete:
    case StepKind::kLookupAddElseInsert: break;
  }
  MAPSIM_ASSERT(false, "walks are not checked; program sequences come in pieces");
}

void ModelSpec::update(const PreparedOp& op, const ModelOp& model_op,
                       std::vector<ModelSpec>* next) const {
  ModelSpec state = *this;
  const bool existed = present(*op.key);
  const ModelResult result = state.model_.apply(model_op);
  if (result.rc == op.rc) {
    if (result.rc == 0 && new_element_on_update(existed)) {
      state.pointers_.element_changed(*op.key);
    }
    next->push_back(std::move(state));
  } else if (no_effect_allowed(op, result.rc)) {
    next->push_back(*this);
  }
}

void ModelSpec::remove(const PreparedOp& op, std::vector<ModelSpec>* next) const {
  ModelSpec state = *this;
  const ModelResult result = state.model_.apply(model_op_of(op));
  if (result.rc == op.rc) {
    if (result.rc != 0) {
      next->push_back(std::move(state));
      return;
    }
    if (op.kind == StepKind::kLookupAndDelete &&
        !value_equal(context_->shape(), Caller::kSyscall, result.data, op.observed)) {
      return;
    }
    state.pointers_.element_changed(*op.key);
    next->push_back(std::move(state));
  } else if (is_lock_failure(op.rc) && !context_->shape().array) {
    next->push_back(*this);
  }
}

void ModelSpec::read(const PreparedOp& op, std::vector<ModelSpec>* next) const {
  ModelSpec state = *this;
  const ModelResult result = state.model_.apply(model_op_of(op));
  if (result.rc != op.rc) return;
  if (op.kind == StepKind::kGetNextKey) {
    if (result.data != op.observed) return;
  } else if (!value_equal(context_->shape(), op.caller, result.data, op.observed)) {
    return;
  }
  next->push_back(std::move(state));
}

void ModelSpec::keep_pointer(const PreparedOp& op, std::vector<ModelSpec>* next) const {
  ModelSpec state = *this;
  const ModelResult result = state.model_.apply(program_op(OpCode::kLookup, op));
  if (result.rc != op.rc || result.data != op.observed) return;
  state.pointers_.keep(op.context,
                       ElementPointer{result.rc == 0, pointers_.generation(*op.key)});
  next->push_back(std::move(state));
}

// The add of add_through_pointer or of a sequence that found its key, on `this` (whose pointer
// has been taken). Without a pointer (its lookup is not part of the checked ops), either rc.
void ModelSpec::add_through(const PreparedOp& op, std::optional<ElementPointer> pointer,
                            std::vector<ModelSpec>* next) const {
  const uint32_t counter_bytes = context_->shape().counter_bytes;
  add_through_successors(
      *this, op, pointer, present(*op.key), pointers_.generation(*op.key),
      [&op, counter_bytes](ModelSpec& added) {
        return model_counter_add(added.model_, op.cpu, *op.key, op.addend, counter_bytes);
      },
      next);
}

void ModelSpec::sequence_lookup(const PreparedOp& op, std::vector<ModelSpec>* next) const {
  const bool found = present(*op.key);
  if (found != op.found) return;
  ModelSpec state = *this;
  state.pointers_.hold_for_sequence(op.context,
                                    ElementPointer{found, pointers_.generation(*op.key)});
  next->push_back(std::move(state));
}

void ModelSpec::sequence_finish(const PreparedOp& op, std::vector<ModelSpec>* next) const {
  ModelSpec state = *this;
  const std::optional<ElementPointer> pointer = state.pointers_.take_sequence(op.context);
  MAPSIM_ASSERT(pointer.has_value(), "the sequence's lookup came first");
  if (pointer->found) {
    state.add_through(op, pointer, next);
    return;
  }
  state.update(op, sequence_insert(op), next);
}

void ModelSpec::slot_read(const PreparedOp& op, int cpu, std::vector<ModelSpec>* next) const {
  ModelSpec state = *this;
  const ModelResult result = state.model_.apply(syscall_lookup(op));
  if (result.rc != 0 || !slot_equal(context_->shape(), cpu, result.data, op.observed)) return;
  next->push_back(std::move(state));
}

void ModelSpec::slot_write(const PreparedOp& op, int cpu, std::vector<ModelSpec>* next) const {
  ModelSpec state = *this;
  const ModelResult current = state.model_.apply(syscall_lookup(op));
  MAPSIM_ASSERT(current.rc == 0, "an index that took an update exists");
  Bytes area = current.data;
  const size_t offset = context_->shape().slot_stride * static_cast<size_t>(cpu);
  std::copy(op.value.begin() + static_cast<ptrdiff_t>(offset),
            op.value.begin() + static_cast<ptrdiff_t>(offset + context_->shape().slot_stride),
            area.begin() + static_cast<ptrdiff_t>(offset));
  ModelOp write = model_op_of(op);
  write.value = std::move(area);
  if (state.model_.apply(write).rc != 0) return;
  next->push_back(std::move(state));
}

// A free op (linearization_search.h): its whole effect, whatever it returned.
void ModelSpec::free_successors(uint32_t index, std::vector<ModelSpec>* next) const {
  const PreparedOp& op = context_->op(index);
  const MapShape& shape = context_->shape();
  if (op.refused) return;
  ModelSpec state = *this;
  switch (op.kind) {
    case StepKind::kUpdate:
    case StepKind::kDelete:
    case StepKind::kLookupAndDelete: {
      const bool existed = present(*op.key);
      if (state.model_.apply(model_op_of(op)).rc != 0) return;
      if (op.kind != StepKind::kUpdate || new_element_on_update(existed)) {
        state.pointers_.element_changed(*op.key);
      }
      break;
    }
    case StepKind::kLookupAddElseInsert:
      if (!model_counter_add(state.model_, op.cpu, *op.key, op.addend, shape.counter_bytes)) {
        if (state.model_.apply(sequence_insert(op)).rc != 0) return;
        state.pointers_.element_changed(*op.key);
      }
      break;
    case StepKind::kAddThroughPointer:
      if (!model_counter_add(state.model_, op.cpu, *op.key, op.addend, shape.counter_bytes)) {
        return;
      }
      break;
    default:
      return;  // reads change nothing
  }
  next->push_back(std::move(state));
}

uint64_t ModelSpec::hash() const {
  reference::StateHasher hasher;
  hasher.add(model_.hash());
  hasher.add(pointers_);
  return hasher.value();
}

}  // namespace mapsim::linearizability
