// Execution: the services SimPlatform's primitives use (object keys, memory, RCU, lock
// bookkeeping, race reports). See execution.h for the model.
#include <algorithm>
#include <climits>
#include <cstdio>

#include "impl/assert.h"
#include "sim/execution.h"
#include "sim/hashing.h"

namespace mapsim::sim {
namespace {

constexpr uint32_t kPoisonEpoch = 0xdbdbdbdb;
constexpr uint64_t kKeyBits = (uint64_t{1} << 56) - 1;

// Domains keep keys of different origins apart.
enum class KeyDomain : uint64_t { kArena = 1, kStack = 2, kSetup = 3, kContext = 4 };

ObjectKey derived_key(KeyDomain domain, uint64_t a, uint64_t b) {
  const uint64_t hash = hash_mix(hash_mix(static_cast<uint64_t>(domain), a), b);
  return make_object_key(ObjectTag::kSimObject, hash & kKeyBits);
}

std::string address_text(const void* address) {
  char text[32];
  std::snprintf(text, sizeof text, "%p", address);
  return text;
}

}  // namespace

ObjectKey Execution::stable_key_for(const void* address) {
  if (const Arena::Block* block = arena_.find(address)) {
    const uint64_t offset = static_cast<const char*>(address) - block->payload;
    return derived_key(KeyDomain::kArena, block->key_id, offset);
  }
  size_t offset = 0;
  const int slot = stacks_.slot_containing(address, &offset);
  if (slot >= 0) {
    // From the top of the stack, where frames start: independent of the stack size.
    return derived_key(KeyDomain::kStack, static_cast<uint64_t>(slot),
                       stacks_.stack_bytes() - offset);
  }
  if (mode_ == Mode::kDirect || current_ < 0) {
    return derived_key(KeyDomain::kSetup, 0, setup_objects_++);
  }
  Context& context = contexts_[current_];
  return derived_key(KeyDomain::kContext, static_cast<uint64_t>(context.id),
                     context.constructed++);
}

SimObjectHeader::SimObjectHeader() {
  if (Execution* execution = Execution::current()) execution->object_key(*this);
}

ObjectKey Execution::object_key(SimObjectHeader& header) {
  if (checking_ && ++check_operations_ > options_.max_steps) throw CheckDidNotFinish{};
  if (header.epoch == epoch_) return object_keys_[header.index];
  if (header.epoch == kPoisonEpoch) {
    // Built in one expression: fail() abandons this fiber's stack, so no other string may
    // still be alive on it then (only `message`, which fail() takes).
    std::string message = [&] {
      const Arena::Block* block = arena_.find(&header);
      if (block == nullptr) {
        return "a SimPlatform object at " + address_text(&header) +
               " is used after its memory was freed";
      }
      const std::string what =
          "a SimPlatform object at offset " +
          std::to_string(reinterpret_cast<const char*>(&header) - block->payload) + " of block#" +
          std::to_string(block->key_id);
      return describe_use_after_free(arena_.block_index(*block),
                                     context_name(current_) + " uses " + what +
                                         " after it was freed",
                                     step_);
    }();
    if (checking_) throw CheckTouchedFreedMemory{std::move(message)};
    MAPSIM_ASSERT(mode_ == Mode::kRunning, message.c_str());
    fail(FailureKind::kUseAfterFree, std::move(message));
  }
  header.epoch = epoch_;
  header.index = static_cast<uint32_t>(object_keys_.size());
  object_keys_.push_back(stable_key_for(&header));
  return object_keys_.back();
}

int Execution::take_forced_lock_error() {
  Context& context = contexts_[current_];
  const int error = context.forced_lock_error;
  context.forced_lock_error = 0;
  return error;
}

void Execution::note_lock_acquired(ObjectKey lock, bool spin) {
  if (mode_ != Mode::kRunning) return;
  Context& context = contexts_[current_];
  if (context.held_count == kMaxHeldLocks) {
    std::string message =
        context_name(current_) + " holds more than " + std::to_string(kMaxHeldLocks) + " locks";
    fail(FailureKind::kProgramError, std::move(message));
  }
  context.held_locks[context.held_count++] = lock;
  if (spin) cpus_[context.cpu].spin_locks_held += 1;
}

void Execution::note_lock_released(ObjectKey lock, bool spin) {
  if (mode_ != Mode::kRunning) return;
  Context& context = contexts_[current_];
  for (int i = context.held_count - 1; i >= 0; --i) {
    if (context.held_locks[i] != lock) continue;
    context.held_locks[i] = context.held_locks[--context.held_count];
    if (spin) cpus_[context.cpu].spin_locks_held -= 1;
    return;
  }
  std::string message =
      context_name(current_) + " releases " + object_key_name(lock) + " that it does not hold";
  fail(FailureKind::kProgramError, std::move(message));
}

void Execution::report_race(const RaceDetector::Race& race) {
  std::string message = RaceDetector::describe(race, context_name(race.earlier.context),
                                               context_name(race.later.context));
  fail(FailureKind::kDataRace, std::move(message));
}

void* Execution::allocate(size_t bytes) {
  if (mode_ == Mode::kDirect) return arena_.allocate(bytes, 0);
  schedule(VisibleOp{VisibleOpKind::kAllocate});
  Context& context = contexts_[current_];
  if (choose_allocation_failure(context)) {
    set_step_value(0);
    return nullptr;
  }
  void* block = arena_.allocate(bytes, static_cast<uint32_t>(context.id) + 1);
  if (block != nullptr) {
    trace_.back().op.object = make_object_key(ObjectTag::kArenaBlock,
                                              arena_.block(arena_.index_of(block)).key_id);
  }
  set_step_value(block != nullptr ? 1 : 0);
  return block;
}

void Execution::release(void* pointer) {
  if (pointer == nullptr) return;
  const uint32_t index = arena_.index_of(pointer);
  Arena::Block& block = arena_.block(index);
  if (mode_ == Mode::kRunning) {
    schedule(VisibleOp{VisibleOpKind::kRelease,
                       make_object_key(ObjectTag::kArenaBlock, block.key_id)});
    if (block.state != Arena::BlockState::kLive) {
      std::string message =
          block.state == Arena::BlockState::kFreed
              ? describe_use_after_free(index,
                                        context_name(current_) + " releases block#" +
                                            std::to_string(block.key_id) +
                                            ", which is already free",
                                        last_step())
              : context_name(current_) + " releases block#" + std::to_string(block.key_id) +
                    ", which waits for a grace period\n" + describe_free(index);
      fail(FailureKind::kUseAfterFree, std::move(message));
    }
  }
  if (block.state == Arena::BlockState::kLive) free_block(index);
}

void Execution::release_after_grace_period(void* pointer) {
  if (pointer == nullptr) return;
  const uint32_t index = arena_.index_of(pointer);
  Arena::Block& block = arena_.block(index);
  if (mode_ == Mode::kDirect) {
    if (block.state != Arena::BlockState::kFreed) free_block(index);
    return;
  }
  schedule(VisibleOp{VisibleOpKind::kRcuDeferFree, make_object_key(ObjectTag::kRcu, 0),
                     make_object_key(ObjectTag::kArenaBlock, block.key_id)});
  if (block.state != Arena::BlockState::kLive) {
    std::string message = describe_use_after_free(
        index, context_name(current_) + " retires block#" + std::to_string(block.key_id) +
                   (block.state == Arena::BlockState::kFreed ? ", which is already free"
                                                             : " twice"),
        last_step());
    fail(FailureKind::kUseAfterFree, std::move(message));
  }
  block.state = Arena::BlockState::kRetired;
  FreeEvent& event = free_events_[index];
  event.deferred = true;
  event.retired_by = current_;
  event.retired_step = last_step();
  event.retired_trace_end = trace_.size();
  reclaim_scratch_.clear();
  rcu_.retire(index, &reclaim_scratch_);
  reclaim(reclaim_scratch_);
}

void Execution::rcu_read_lock() {
  if (mode_ == Mode::kDirect) return;
  schedule(VisibleOp{VisibleOpKind::kRcuReadLock, make_object_key(ObjectTag::kRcu, 0)});
  rcu_.read_lock(current_);
}

void Execution::rcu_read_unlock() {
  if (mode_ == Mode::kDirect) return;
  schedule(VisibleOp{VisibleOpKind::kRcuReadUnlock, make_object_key(ObjectTag::kRcu, 0)});
  if (rcu_.depth(current_) == 0) {
    std::string message =
        context_name(current_) + " calls rcu_read_unlock() outside a read-side section";
    fail(FailureKind::kProgramError, std::move(message));
  }
  reclaim_scratch_.clear();
  rcu_.read_unlock(current_, &reclaim_scratch_);
  reclaim(reclaim_scratch_);
}

void Execution::reclaim(const std::vector<uint32_t>& blocks) {
  for (uint32_t index : blocks) {
    if (arena_.block(index).state != Arena::BlockState::kFreed) free_block(index);
  }
}

void Execution::free_block(uint32_t index) {
  FreeEvent& event = free_events_[index];
  const bool stepping = mode_ == Mode::kRunning && current_ >= 0;
  event.freed_by = stepping ? current_ : -1;
  event.freed_step = stepping ? last_step() : step_;
  event.freed_trace_end = trace_.size();
  arena_.poison(arena_.block(index));
}

ObjectKey Execution::memory_key(const void* address, size_t bytes, Span* span) const {
  *span = Span{};
  if (const Arena::Block* block = arena_.find(address)) {
    const uint64_t offset = static_cast<const char*>(address) - block->payload;
    *span = Span{static_cast<uint32_t>(offset),
                 static_cast<uint32_t>(bytes == 0 ? 1 : std::min<uint64_t>(bytes, UINT32_MAX))};
    return make_object_key(ObjectTag::kArenaBlock, block->key_id);
  }
  const int slot = stacks_.slot_containing(address);
  if (slot >= 0) return make_object_key(ObjectTag::kStack, static_cast<uint64_t>(slot));
  return make_object_key(ObjectTag::kExternal, 0);
}

void Execution::check_memory_live(const void* address, size_t bytes, const char* what) {
  if (bytes == 0) return;
  const char* first = static_cast<const char*>(address);
  for (const char* byte : {first, first + bytes - 1}) {
    const Arena::Block* block = arena_.find(byte);
    if (block == nullptr || block->state != Arena::BlockState::kFreed) continue;
    std::string message = describe_use_after_free(
        arena_.block_index(*block), context_name(current_) + " " + what + " " +
                                        std::to_string(bytes) + " bytes of block#" +
                                        std::to_string(block->key_id) + " after it was freed",
        last_step());
    fail(FailureKind::kUseAfterFree, std::move(message));
  }
}

uint64_t Execution::stable_pointer_value(const void* address) const {
  if (address == nullptr) return 0;
  if (const Arena::Block* block = arena_.find(address)) {
    const uint64_t offset = static_cast<const char*>(address) - block->payload;
    return hash_mix(block->key_id, offset);
  }
  size_t offset = 0;
  const int slot = stacks_.slot_containing(address, &offset);
  if (slot >= 0) {
    return hash_mix(0x5354 + static_cast<uint64_t>(slot), stacks_.stack_bytes() - offset);
  }
  return 1;  // outside the simulator's memory: only "not null" is stable
}

uint64_t Execution::stable_word(uint64_t bits) const {
  if ((bits >> 32) == 0) return bits;  // small numbers are not addresses
  const auto* address = reinterpret_cast<const void*>(static_cast<uintptr_t>(bits));
  if (arena_.find(address) != nullptr || stacks_.slot_containing(address) >= 0) {
    return stable_pointer_value(address);
  }
  return bits;
}

uint32_t Execution::random_u32() { return static_cast<uint32_t>(random_.next() >> 32); }

void Execution::path_event(uint16_t event, uint64_t argument) {
  if (mode_ != Mode::kRunning) return;
  const Context& context = contexts_[current_];
  trace_.push(TraceRecord{TraceKind::kPathEvent, static_cast<uint8_t>(context.id),
                          static_cast<uint16_t>(context.cpu), step_,
                          VisibleOp{VisibleOpKind::kAllocate, event}, argument});
}

}  // namespace mapsim::sim
