#include "scenarios/run/step_runner.h"

#include <algorithm>
#include <cstring>

#include "impl/assert.h"
#include "impl/program_access.h"
#include "impl/uapi.h"
#include "scenarios/run/step_text.h"
#include "scenarios/run/value_atomic_add.h"

namespace mapsim::scenario {
namespace {

const unsigned char* bytes_at(const void* pointer) {
  return static_cast<const unsigned char*>(pointer);
}

void record_bytes(const void* source, size_t bytes, Bytes* out) {
  out->assign(bytes_at(source), bytes_at(source) + bytes);
}

}  // namespace

StepBuffers StepRunner::prepare(const StepSpec& step) {
  const MapFacts& facts = compiled_.map;
  const size_t key_bytes = std::max<size_t>(facts.info.key_size, 1);
  const size_t value_bytes =
      bpf::round_up(std::max<size_t>({facts.syscall_value_size, facts.info.value_size,
                                      step.value.size(), 8}),
                    8);
  auto allocate = [this](size_t bytes) {
    void* block = platform_.allocate(bytes);
    MAPSIM_ASSERT(block != nullptr, "the arena holds a scenario's step buffers");
    return block;
  };
  StepBuffers buffers;
  // An empty key is the NULL pointer userspace passes for maps without keys (key_size 0).
  if (step.key && !step.key->empty()) {
    buffers.key = allocate(key_bytes);
    std::memcpy(buffers.key, step.key->data(), step.key->size());
  }
  buffers.value_in = allocate(value_bytes);
  if (!step.value.empty()) std::memcpy(buffers.value_in, step.value.data(), step.value.size());
  buffers.value_out = allocate(value_bytes);
  // A bloom filter's lookup tests the bytes the caller put in the value buffer.
  if (step.kind == StepKind::kLookup && !step.value.empty()) {
    std::memcpy(buffers.value_out, step.value.data(), step.value.size());
  }
  if (step.kind == StepKind::kWalk || step.kind == StepKind::kGetNextKey) {
    buffers.cursor = allocate(key_bytes);
    buffers.next = allocate(key_bytes);
  }
  if (step_kind_is_batch_walk(step.kind)) {
    // Room for walk_key_limit entries at most: a call that could return more ends the walk
    // with -ELOOP whether it is cut there or not (see batch_walk).
    const size_t token_bytes = std::max<size_t>(map_.batch_token_size(), 1);
    buffers.batch_entries =
        std::max<uint32_t>(std::min(batch_size(step), compiled_.walk_key_limit), 1);
    buffers.cursor = allocate(token_bytes);
    buffers.next = allocate(token_bytes);
    buffers.batch_keys = allocate(size_t{buffers.batch_entries} * key_bytes);
    buffers.batch_values = allocate(size_t{buffers.batch_entries} *
                                    std::max<size_t>(facts.syscall_value_size, 1));
  }
  return buffers;
}

int64_t StepRunner::run(const StepSpec& step, StepBuffers& buffers, StepBuffers* previous,
                        Observation& observation) {
  observation.started = true;
  const bool program = step.via == Via::kProgram || step_kind_is_program_sequence(step.kind);
  const int64_t rc = program ? run_program(step, buffers, previous, observation)
                             : run_syscall(step, buffers, observation);
  observation.rc = rc;
  observation.finished = true;
  return rc;
}

int64_t StepRunner::run_syscall(const StepSpec& step, StepBuffers& buffers,
                                Observation& observation) {
  const MapFacts& facts = compiled_.map;
  switch (step.kind) {
    case StepKind::kUpdate:
      return map_.update_elem(buffers.key, buffers.value_in, step.flags);
    case StepKind::kLookup: {
      const int rc = map_.lookup_elem(buffers.key, buffers.value_out, step.flags);
      // A bloom filter's lookup writes nothing: there is no value to record.
      if (rc == 0 && facts.keys != KeySpace::kNone) {
        record_bytes(buffers.value_out, facts.syscall_value_size, &observation.value);
      }
      return rc;
    }
    case StepKind::kDelete:
      return map_.delete_elem(buffers.key);
    case StepKind::kLookupAndDelete: {
      const int rc = map_.lookup_and_delete_elem(buffers.key, buffers.value_out, step.flags);
      if (rc == 0) record_bytes(buffers.value_out, facts.syscall_value_size, &observation.value);
      return rc;
    }
    case StepKind::kGetNextKey: {
      const int rc = map_.get_next_key(buffers.key, buffers.next);
      if (rc == 0) record_bytes(buffers.next, facts.info.key_size, &observation.value);
      return rc;
    }
    case StepKind::kWalk:
      return walk(buffers, observation);
    case StepKind::kBatchWalk:
    case StepKind::kBatchWalkAndDelete:
      return batch_walk(step, buffers, observation);
    case StepKind::kLookupAddElseInsert:
    case StepKind::kLookupKeepPointer:
    case StepKind::kAddThroughPointer:
      break;
  }
  MAPSIM_ASSERT(false, "program sequences run as programs");
  return bpf::kEINVAL;
}

int64_t StepRunner::walk(StepBuffers& buffers, Observation& observation) {
  const uint32_t key_size = compiled_.map.info.key_size;
  const void* cursor = nullptr;
  for (;;) {
    const int rc = map_.get_next_key(cursor, buffers.next);
    if (rc == bpf::kENOENT) return 0;
    if (rc != 0) return rc;
    // A walk that keeps restarting never ends: stop it the way a careful tool would.
    if (observation.walk_keys.size() >= compiled_.walk_key_limit) return bpf::kELOOP;
    observation.walk_keys.emplace_back(bytes_at(buffers.next), bytes_at(buffers.next) + key_size);
    observation.walk_lookup_rcs.push_back(map_.lookup_elem(buffers.next, buffers.value_out));
    std::memcpy(buffers.cursor, buffers.next, key_size);
    cursor = buffers.cursor;
  }
}

uint32_t StepRunner::batch_size(const StepSpec& step) const {
  return step.batch_size != 0 ? step.batch_size : compiled_.map.info.max_entries;
}

// The loop a userspace dumper writes around BPF_MAP_LOOKUP_BATCH (libbpf's
// bpf_map_lookup_batch): the first call with a NULL in_batch, every later one with the token
// the previous call left in out_batch, until ENOENT says the map is done. For the hash family
// the token is a bucket index that only grows (impl/internal/htab_batch.h), so the loop ends;
// for the generic lookup (arrays, LPM trie) it is a key, and get_next_key of a deleted key
// restarts, so the loop is bounded by walk_key_limit like a get_next_key walk.
int64_t StepRunner::batch_walk(const StepSpec& step, StepBuffers& buffers,
                               Observation& observation) {
  const uint32_t key_size = compiled_.map.info.key_size;
  const uint32_t token_size = map_.batch_token_size();
  const bool do_delete = step.kind == StepKind::kBatchWalkAndDelete;
  const void* in_batch = nullptr;
  for (;;) {
    // The count is the batch size, cut to walk_key_limit: a call that would return more than
    // that many keys makes the walk -ELOOP either way, so the cut changes no finished walk.
    uint32_t count = std::min(batch_size(step), buffers.batch_entries);
    const int rc =
        do_delete ? map_.lookup_and_delete_batch(in_batch, buffers.next, buffers.batch_keys,
                                                 buffers.batch_values, &count)
                  : map_.lookup_batch(in_batch, buffers.next, buffers.batch_keys,
                                      buffers.batch_values, &count);
    // 0 and ENOENT both return elements (ENOENT: the last ones); other errors return none.
    if (rc == 0 || rc == bpf::kENOENT) {
      MAPSIM_ASSERT(count <= buffers.batch_entries, "a batch call fills at most its count");
      for (uint32_t entry = 0; entry < count; ++entry) {
        const unsigned char* key = bytes_at(buffers.batch_keys) + size_t{entry} * key_size;
        observation.walk_keys.emplace_back(key, key + key_size);
      }
    }
    if (rc == bpf::kENOENT) return 0;
    if (rc != 0) return rc;
    // A call that returns nothing without ENOENT would make the loop spin: stop it like a walk
    // that keeps restarting.
    if (count == 0 || observation.walk_keys.size() > compiled_.walk_key_limit) {
      return bpf::kELOOP;
    }
    std::memcpy(buffers.cursor, buffers.next, token_size);
    in_batch = buffers.cursor;
  }
}

// BPF_PROG_LOAD's answer for the program a step stands for: 0 when the verifier loads it, or
// -EACCES when the map's access flags forbid one of its helpers (impl/program_access.h). The
// sequences read and write the value (the add is a fetch-and-add through the pointer), so
// either flag refuses them.
int StepRunner::load_refusal(const StepSpec& step) const {
  const MapInfo& info = compiled_.map.info;
  switch (step.kind) {
    case StepKind::kUpdate:
      return verifier_refusal(info, ProgramHelper::kUpdate);
    case StepKind::kDelete:
      return verifier_refusal(info, ProgramHelper::kDelete);
    case StepKind::kLookup:
      return verifier_refusal(info, ProgramHelper::kLookup);
    case StepKind::kLookupAddElseInsert:
    case StepKind::kLookupKeepPointer:
    case StepKind::kAddThroughPointer:
      if (int refused = verifier_refusal(info, ProgramHelper::kLookup)) return refused;
      return verifier_refusal(info, ProgramHelper::kUpdate);
    case StepKind::kLookupAndDelete:
    case StepKind::kGetNextKey:
    case StepKind::kWalk:
    case StepKind::kBatchWalk:
    case StepKind::kBatchWalkAndDelete:
      break;
  }
  return 0;
}

int64_t StepRunner::run_program(const StepSpec& step, StepBuffers& buffers,
                                StepBuffers* previous, Observation& observation) {
  const uint32_t value_size = compiled_.map.info.value_size;
  if (const int refused = load_refusal(step)) {
    // The program never runs. A refused pair still balances the RCU section the runner expects
    // lookup_keep_pointer to open and add_through_pointer to close.
    if (step.kind == StepKind::kLookupKeepPointer) {
      platform_.rcu_read_lock();
      buffers.kept = nullptr;
    }
    if (step.kind == StepKind::kAddThroughPointer) platform_.rcu_read_unlock();
    return refused;
  }
  switch (step.kind) {
    case StepKind::kUpdate: {
      RcuReadGuard<SimPlatform> rcu(platform_);
      return map_.prog_update(buffers.key, buffers.value_in, step.flags);
    }
    case StepKind::kDelete: {
      RcuReadGuard<SimPlatform> rcu(platform_);
      return map_.prog_delete(buffers.key);
    }
    case StepKind::kLookup: {
      RcuReadGuard<SimPlatform> rcu(platform_);
      void* live = map_.prog_lookup(buffers.key);
      if (live == nullptr) return bpf::kENOENT;
      SimPlatform::copy_racy(buffers.value_out, live, value_size);
      record_bytes(buffers.value_out, value_size, &observation.value);
      return 0;
    }
    case StepKind::kLookupAddElseInsert: {
      RcuReadGuard<SimPlatform> rcu(platform_);
      void* live = map_.prog_lookup(buffers.key);
      if (live != nullptr) {
        observation.found = true;
        record_add(value_atomic_add(live, add_width(), addend(step)), observation);
        return 0;
      }
      // Another CPU may insert between the lookup and this update: then this is -EEXIST, and
      // the program does not retry.
      return map_.prog_update(buffers.key, buffers.value_in, bpf::kNoExist);
    }
    case StepKind::kLookupKeepPointer: {
      platform_.rcu_read_lock();  // closed by the add_through_pointer that follows
      buffers.kept = map_.prog_lookup(buffers.key);
      if (buffers.kept == nullptr) return bpf::kENOENT;
      SimPlatform::copy_racy(buffers.value_out, buffers.kept, value_size);
      record_bytes(buffers.value_out, value_size, &observation.value);
      return 0;
    }
    case StepKind::kAddThroughPointer: {
      MAPSIM_ASSERT(previous != nullptr, "the validator pairs the add with a kept pointer");
      int64_t rc = bpf::kENOENT;
      if (previous->kept != nullptr) {
        record_add(value_atomic_add(previous->kept, add_width(), addend(step)), observation);
        rc = 0;
      }
      platform_.rcu_read_unlock();  // opened by lookup_keep_pointer
      return rc;
    }
    case StepKind::kLookupAndDelete:
    case StepKind::kGetNextKey:
    case StepKind::kWalk:
    case StepKind::kBatchWalk:
    case StepKind::kBatchWalkAndDelete:
      break;
  }
  MAPSIM_ASSERT(false, "the validator keeps syscall-only steps out of programs");
  return bpf::kEINVAL;
}

unsigned StepRunner::add_width() const { return compiled_.map.info.value_size >= 8 ? 8 : 4; }

uint64_t StepRunner::addend(const StepSpec& step) const {
  uint64_t value = 0;
  std::memcpy(&value, step.value.data(), std::min<size_t>(step.value.size(), 8));
  return value;
}

void StepRunner::record_add(uint64_t counter, Observation& observation) const {
  observation.value.assign(add_width(), 0);
  std::memcpy(observation.value.data(), &counter, add_width());
}

}  // namespace mapsim::scenario
