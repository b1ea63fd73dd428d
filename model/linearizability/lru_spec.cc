#include "model/linearizability/lru_spec.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>

#include "impl/assert.h"
#include "model/linearizability/add_through.h"
#include "model/linearizability/counter_add.h"
#include "model/linearizability/value_match.h"
#include "model/reference/reference_uapi.h"
#include "model/reference/state_hasher.h"

namespace mapsim::linearizability {

using reference::Bytes;
using reference::Caller;
using scenario::StepKind;

struct LruSpec::Resolved {
  LruSpec state;
  bool present = false;
};

namespace {

// Zeroes the padding of every slot: LRU_PERCPU_HASH areas are kept in one form so that states
// differing only in padding (which is not compared) are one state.
void zero_padding(const MapShape& shape, Bytes& area) {
  for (int cpu = 0; cpu < shape.possible_cpus; ++cpu) {
    const size_t begin = shape.slot_stride * static_cast<size_t>(cpu) + shape.info.value_size;
    const size_t end = shape.slot_stride * static_cast<size_t>(cpu + 1);
    std::fill(area.begin() + static_cast<ptrdiff_t>(begin),
              area.begin() + static_cast<ptrdiff_t>(end), 0);
  }
}

void write_slot(const MapShape& shape, Bytes& area, int cpu, const Bytes& value) {
  std::copy(value.begin(), value.end(),
            area.begin() + static_cast<ptrdiff_t>(shape.slot_stride * static_cast<size_t>(cpu)));
}

}  // namespace

LruSpec::LruSpec(const SpecContext& context)
    : context_(&context), pointers_(context.track_generations) {
  const MapShape& shape = context.shape();
  MAPSIM_ASSERT(shape.lru, "LruSpec is the specification of the LRU hash maps");
  // The keys and values after the setup, read back from the reference model.
  reference::MapModel model = context.history->initial;
  for (const Bytes& key : model.hash_chains()->keys_in_order()) {
    reference::ModelOp lookup;
    lookup.key = key;
    reference::ModelResult found = model.apply(lookup);
    MAPSIM_ASSERT(found.rc == 0, "a key in the chains can be looked up");
    if (shape.percpu) zero_padding(shape, found.data);
    entries_[key] = Entry{std::move(found.data), false};
  }
  // Static results: flags and fd permissions are checked before the map's state is read, so
  // any state gives them; the scratch model takes every op in turn.
  auto facts = std::make_shared<std::vector<OpFacts>>(context.history->ops.size());
  for (size_t i = 0; i < facts->size(); ++i) {
    const PreparedOp& op = context.op(static_cast<uint32_t>(i));
    OpFacts& fact = (*facts)[i];
    if (op.refused) continue;
    const bool plain = op.kind == StepKind::kUpdate || op.kind == StepKind::kDelete ||
                       op.kind == StepKind::kLookup || op.kind == StepKind::kLookupAndDelete;
    if (plain) {
      const int rc = model.apply(model_op_of(op)).rc;
      if (rc == reference::kEINVAL || rc == reference::kEPERM) fact.static_rc = rc;
    }
    const bool exist_in_place = shape.percpu && op.flags == reference::kUpdateExist;
    fact.pops = (op.kind == StepKind::kUpdate && fact.static_rc == 0 && !exist_in_place) ||
                op.kind == StepKind::kLookupAddElseInsert;
  }
  facts_ = std::move(facts);
}

void LruSpec::append_events(uint32_t index, std::vector<Event>* events) const {
  const PreparedOp& op = context_->op(index);
  const OpFacts& fact = (*facts_)[index];
  Event event{index, EventPart::kWhole, -1, -1, op.invoked, op.returned};
  MAPSIM_ASSERT(op.kind != StepKind::kGetNextKey, "LRU histories with get_next_key are refused");
  if (fact.static_rc != 0 || op.refused) {
    events->push_back(event);
  } else if (op.kind == StepKind::kUpdate) {
    if (fact.pops) {
      event.part = EventPart::kLruPop;
      events->push_back(event);
      event.after = 0;
    }
    event.part = EventPart::kLink;
    events->push_back(event);
  } else if (op.kind == StepKind::kLookup && op.caller == Caller::kSyscall &&
             context_->shape().percpu && op.rc == 0) {
    event.part = EventPart::kSlotRead;
    for (int cpu = 0; cpu < context_->shape().possible_cpus; ++cpu) {
      event.slot = static_cast<int16_t>(cpu);
      events->push_back(event);
    }
  } else if (op.kind == StepKind::kLookupAddElseInsert) {
    event.part = EventPart::kSequenceLookup;
    events->push_back(event);
    event.part = EventPart::kLruPop;
    event.after = 0;
    events->push_back(event);
    event.part = EventPart::kSequenceFinish;
    event.after = 1;
    events->push_back(event);
  } else {
    events->push_back(event);
  }
}

std::vector<LruSpec::Resolved> LruSpec::resolve(const Bytes& key) const {
  std::vector<Resolved> resolved;
  auto it = entries_.find(key);
  if (it == entries_.end() || !it->second.maybe_evicted) {
    resolved.push_back(Resolved{*this, it != entries_.end()});
    return resolved;
  }
  Resolved kept{*this, true};
  kept.state.entries_.at(key).maybe_evicted = false;
  if (kept.state.within_capacity()) resolved.push_back(std::move(kept));
  Resolved evicted{*this, false};
  evicted.state.entries_.erase(key);
  evicted.state.pointers_.element_changed(key);
  resolved.push_back(std::move(evicted));
  return resolved;
}

bool LruSpec::within_capacity() const {
  const size_t sure = static_cast<size_t>(std::count_if(
      entries_.begin(), entries_.end(), [](const auto& entry) {
        return !entry.second.maybe_evicted;
      }));
  return sure <= context_->shape().info.max_entries;
}

Bytes LruSpec::program_view(const Bytes& value, int cpu) const {
  const MapShape& shape = context_->shape();
  if (!shape.percpu) return value;
  const auto first = value.begin() + static_cast<ptrdiff_t>(shape.slot_stride * cpu);
  return Bytes(first, first + shape.info.value_size);
}

void LruSpec::successors(const Event& event, std::vector<LruSpec>* next) const {
  const PreparedOp& op = context_->op(event.op);
  const OpFacts& fact = (*facts_)[event.op];
  if (op.refused) {
    if (op.rc == reference::kEACCES) next->push_back(*this);
    return;
  }
  if (fact.static_rc != 0) {
    if (op.rc == fact.static_rc) next->push_back(*this);
    return;
  }
  switch (event.part) {
    case EventPart::kLruPop: pop(op, next); return;
    case EventPart::kLink: link(op, op.caller, op.flags, op.value, fact.pops, next); return;
    case EventPart::kSlotRead: read(op, event.slot, next); return;
    case EventPart::kSequenceLookup: sequence_lookup(op, next); return;
    case EventPart::kSequenceFinish: sequence_finish(op, next); return;
    case EventPart::kSlotWrite: break;
    case EventPart::kWhole:
      switch (op.kind) {
        case StepKind::kLookup: read(op, -1, next); return;
        case StepKind::kDelete:
        case StepKind::kLookupAndDelete: remove(op, next); return;
        case StepKind::kLookupKeepPointer: keep_pointer(op, next); return;
        case StepKind::kAddThroughPointer: {
          LruSpec state = *this;
          std::optional<ElementPointer> pointer = state.pointers_.take_kept(op.context);
          state.add_through(op, pointer, next);
          return;
        }
        default: break;
      }
      break;
  }
  MAPSIM_ASSERT(false, "an LRU event of a kind LruSpec makes");
}

// The pop may evict any key present now: every key becomes "maybe evicted" (see the header).
// A sequence that found its key adds through the pointer and pops nothing.
void LruSpec::pop(const PreparedOp& op, std::vector<LruSpec>* next) const {
  if (op.kind == StepKind::kLookupAddElseInsert) {
    const std::optional<ElementPointer> pointer = pointers_.sequence_pointer(op.context);
    if (pointer && pointer->found) {
      next->push_back(*this);
      return;
    }
  }
  LruSpec state = *this;
  for (auto& [key, entry] : state.entries_) entry.maybe_evicted = true;
  next->push_back(std::move(state));
}

void LruSpec::link(const PreparedOp& op, Caller caller, uint64_t flags, const Bytes& value,
                   bool pops, std::vector<LruSpec>* next) const {
  for (Resolved& resolved : resolve(*op.key)) {
    int rc = 0;
    if (resolved.present && flags == reference::kUpdateNoExist) rc = reference::kEEXIST;
    if (!resolved.present && flags == reference::kUpdateExist) rc = reference::kENOENT;
    if (rc != op.rc) continue;
    if (rc == 0) {
      resolved.state.write(op, caller, value, resolved.present);
      if (!resolved.state.within_capacity()) continue;
    }
    next->push_back(std::move(resolved.state));
  }
  const bool no_node = op.rc == reference::kENOMEM && pops;
  if (no_node || is_lock_failure(op.rc)) next->push_back(*this);
}

void LruSpec::write(const PreparedOp& op, Caller caller, const Bytes& value, bool existed) {
  const MapShape& shape = context_->shape();
  Entry& entry = entries_[*op.key];
  entry.maybe_evicted = false;
  if (!shape.percpu) {
    entry.value = value;
    pointers_.element_changed(*op.key);  // LRU_HASH links a new node for every update
    return;
  }
  if (caller == Caller::kSyscall) {
    entry.value = value;
    zero_padding(shape, entry.value);
  } else {
    if (!existed) entry.value.assign(shape.syscall_value_bytes, 0);
    write_slot(shape, entry.value, op.cpu, value);
  }
  if (!existed) pointers_.element_changed(*op.key);
}

void LruSpec::read(const PreparedOp& op, int slot, std::vector<LruSpec>* next) const {
  const MapShape& shape = context_->shape();
  for (Resolved& resolved : resolve(*op.key)) {
    if (!resolved.present) {
      if (op.rc == reference::kENOENT && slot < 0) next->push_back(std::move(resolved.state));
      continue;
    }
    if (op.rc != 0) continue;
    const Bytes& value = resolved.state.entries_.at(*op.key).value;
    const bool equal = slot >= 0 ? slot_equal(shape, slot, value, op.observed)
                       : op.caller == Caller::kProgram
                           ? program_view(value, op.cpu) == op.observed
                           : value_equal(shape, Caller::kSyscall, value, op.observed);
    if (equal) next->push_back(std::move(resolved.state));
  }
}

void LruSpec::remove(const PreparedOp& op, std::vector<LruSpec>* next) const {
  for (Resolved& resolved : resolve(*op.key)) {
    if (!resolved.present) {
      if (op.rc == reference::kENOENT) next->push_back(std::move(resolved.state));
      continue;
    }
    if (op.rc != 0) continue;
    auto it = resolved.state.entries_.find(*op.key);
    if (op.kind == StepKind::kLookupAndDelete &&
        !value_equal(context_->shape(), Caller::kSyscall, it->second.value, op.observed)) {
      continue;
    }
    resolved.state.entries_.erase(it);
    resolved.state.pointers_.element_changed(*op.key);
    next->push_back(std::move(resolved.state));
  }
  if (is_lock_failure(op.rc)) next->push_back(*this);
}

void LruSpec::keep_pointer(const PreparedOp& op, std::vector<LruSpec>* next) const {
  for (Resolved& resolved : resolve(*op.key)) {
    if (resolved.present != (op.rc == 0)) continue;
    if (resolved.present &&
        program_view(resolved.state.entries_.at(*op.key).value, op.cpu) != op.observed) {
      continue;
    }
    const uint32_t generation = resolved.state.pointers_.generation(*op.key);
    resolved.state.pointers_.keep(op.context, ElementPointer{resolved.present, generation});
    next->push_back(std::move(resolved.state));
  }
}

// The program's atomic add on the key's value (its CPU's slot); returns the counter after it.
// REQUIRES: the key has an entry.
Bytes LruSpec::add_in_place(const PreparedOp& op) {
  const MapShape& shape = context_->shape();
  Bytes& value = entries_.at(*op.key).value;
  Bytes slot = program_view(value, op.cpu);
  add_to_counter(slot, shape.counter_bytes, op.addend);
  if (shape.percpu) {
    write_slot(shape, value, op.cpu, slot);
  } else {
    value = slot;
  }
  return counter_of(slot, shape.counter_bytes);
}

// add_through.h. A "maybe evicted" key keeps its doubt: the add lands on its
// node whether or not a pop took the key away, and the counter is the same either way.
void LruSpec::add_through(const PreparedOp& op, std::optional<ElementPointer> pointer,
                          std::vector<LruSpec>* next) const {
  add_through_successors(
      *this, op, pointer, entries_.count(*op.key) != 0, pointers_.generation(*op.key),
      [&op](LruSpec& added) { return std::optional<Bytes>(added.add_in_place(op)); }, next);
}

void LruSpec::sequence_lookup(const PreparedOp& op, std::vector<LruSpec>* next) const {
  for (Resolved& resolved : resolve(*op.key)) {
    if (resolved.present != op.found) continue;
    const uint32_t generation = resolved.state.pointers_.generation(*op.key);
    resolved.state.pointers_.hold_for_sequence(op.context,
                                               ElementPointer{resolved.present, generation});
    next->push_back(std::move(resolved.state));
  }
}

void LruSpec::sequence_finish(const PreparedOp& op, std::vector<LruSpec>* next) const {
  LruSpec state = *this;
  const std::optional<ElementPointer> pointer = state.pointers_.take_sequence(op.context);
  MAPSIM_ASSERT(pointer.has_value(), "the sequence's lookup came first");
  if (pointer->found) {
    state.add_through(op, pointer, next);
    return;
  }
  state.link(op, Caller::kProgram, reference::kUpdateNoExist, op.value, /*pops=*/true, next);
}

void LruSpec::free_successors(uint32_t index, std::vector<LruSpec>* next) const {
  const PreparedOp& op = context_->op(index);
  const OpFacts& fact = (*facts_)[index];
  if (fact.static_rc != 0 || op.refused) return;
  LruSpec state = *this;
  if (fact.pops) {
    for (auto& [key, entry] : state.entries_) entry.maybe_evicted = true;
    next->push_back(state);
  }
  const bool exists = state.entries_.count(*op.key) != 0;
  switch (op.kind) {
    case StepKind::kUpdate:
      state.write(op, op.caller, op.value, exists);
      break;
    case StepKind::kDelete:
    case StepKind::kLookupAndDelete:
      if (!exists) return;
      state.entries_.erase(*op.key);
      state.pointers_.element_changed(*op.key);
      break;
    case StepKind::kLookupAddElseInsert:
    case StepKind::kAddThroughPointer:
      if (exists) {
        state.add_in_place(op);
      } else if (op.kind == StepKind::kAddThroughPointer) {
        return;
      } else {
        state.write(op, Caller::kProgram, op.value, false);
      }
      break;
    default:
      return;
  }
  if (state.within_capacity()) next->push_back(std::move(state));
}

// Hashed for the search's configuration set only (never stored), so speed matters more than
// StateHasher's byte-at-a-time stability: words of bytes through std::hash, mixed.
uint64_t LruSpec::hash() const {
  auto bytes_hash = [](const Bytes& bytes) {
    return std::hash<std::string_view>{}(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  };
  uint64_t h = entries_.size();
  for (const auto& [key, entry] : entries_) {
    h = (h ^ bytes_hash(key)) * 0x9e3779b97f4a7c15ull;
    h = (h ^ bytes_hash(entry.value) ^ (entry.maybe_evicted ? 0x5bd1e995u : 0)) *
        0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
  }
  reference::StateHasher pointers;
  pointers.add(pointers_);
  return h ^ (pointers.value() * 0x94d049bb133111ebull);
}

}  // namespace mapsim::linearizability
