#include "sim/sim_platform.h"

#include <algorithm>

#include "impl/assert.h"
#include "impl/uapi.h"

namespace mapsim {
namespace sim::detail {
namespace {

bool acquires(std::memory_order order) {
  return order == std::memory_order_acquire || order == std::memory_order_acq_rel ||
         order == std::memory_order_seq_cst || order == std::memory_order_consume;
}

bool releases(std::memory_order order) {
  return order == std::memory_order_release || order == std::memory_order_acq_rel ||
         order == std::memory_order_seq_cst;
}

// The lock word of a lock taken in direct mode (setup): owned by nobody that can run.
constexpr uint32_t kDirectOwner = 0xffffu;

}  // namespace

Execution& execution() {
  Execution* current = Execution::current();
  MAPSIM_ASSERT(current != nullptr,
                "SimPlatform used outside an Explorer (no execution on this thread)");
  return *current;
}

Execution* announce(SimObjectHeader& header, VisibleOpKind kind) {
  Execution& current = execution();
  const ObjectKey key = current.object_key(header);
  if (current.direct()) return nullptr;
  current.schedule(VisibleOp{kind, key});
  return &current;
}

void after_load(Execution& execution, const SimObjectHeader& header, std::memory_order order) {
  if (acquires(order)) execution.races().acquire(execution.current_context(), header.index);
}

void after_store(Execution& execution, const SimObjectHeader& header, std::memory_order order) {
  if (releases(order)) {
    execution.races().release(execution.current_context(), header.index);
  } else {
    execution.races().release_clear(header.index);
  }
}

void after_rmw(Execution& execution, const SimObjectHeader& header, std::memory_order order) {
  const int context = execution.current_context();
  if (acquires(order)) execution.races().acquire(context, header.index);
  // A relaxed RMW continues the release sequence: the object's clock stays.
  if (releases(order)) execution.races().release_join(context, header.index);
}

void plain_access(SimObjectHeader& header, bool write, const std::source_location& where) {
  Execution& current = execution();
  current.object_key(header);
  if (current.direct() || !current.options().detect_races) return;
  RaceDetector::Access access;
  access.context = current.current_context();
  access.step = current.step();
  access.file = where.file_name();
  access.line = where.line();
  access.write = write;
  RaceDetector::Race race;
  if (current.races().on_plain_access(header.index, access, &race)) current.report_race(race);
}

}  // namespace sim::detail

using sim::Execution;
using sim::VisibleOp;
using sim::VisibleOpKind;

SimPlatform::SimPlatform(int possible_cpus, uint64_t memory_budget_bytes)
    : possible_cpus_(possible_cpus), memory_budget_bytes_(memory_budget_bytes) {
  MAPSIM_ASSERT(possible_cpus >= 1, "at least one CPU");
  MAPSIM_ASSERT(possible_cpus <= kMaxPossibleCpus, "at most 4096 CPUs");
}

int SimPlatform::cpu() const { return sim::detail::execution().current_cpu(); }

void SimPlatform::SpinLock::lock() {
  Execution& execution = sim::detail::execution();
  const sim::ObjectKey key = execution.object_key(header_);
  if (execution.direct()) {
    MAPSIM_ASSERT(!word_.held(), "a spin lock taken twice during setup");
    word_ = sim::LockWord{sim::detail::kDirectOwner, 1};
    return;
  }
  const int me = execution.current_context();
  if (word_.owner_context_plus_one == static_cast<uint32_t>(me) + 1) {
    std::string message = execution.context_name(me) + " takes spin lock " +
                          sim::object_key_name(key) + " that it already holds (AA deadlock)";
    execution.fail(sim::FailureKind::kDeadlock, std::move(message));
  }
  execution.schedule(VisibleOp{VisibleOpKind::kSpinLock, key}, &word_);
  MAPSIM_ASSERT(!word_.held(), "a context was scheduled onto a held spin lock");
  word_ = sim::LockWord{static_cast<uint32_t>(me) + 1,
                        static_cast<uint32_t>(execution.current_cpu()) + 1};
  execution.note_lock_acquired(key, true);
  execution.races().acquire(me, header_.index);
}

void SimPlatform::SpinLock::unlock() {
  Execution& execution = sim::detail::execution();
  const sim::ObjectKey key = execution.object_key(header_);
  if (execution.direct()) {
    word_ = sim::LockWord{};
    return;
  }
  execution.schedule(VisibleOp{VisibleOpKind::kSpinUnlock, key});
  const int me = execution.current_context();
  execution.note_lock_released(key, true);
  execution.races().release(me, header_.index);
  word_ = sim::LockWord{};
}

int SimPlatform::BucketLock::lock() {
  Execution& execution = sim::detail::execution();
  const sim::ObjectKey key = execution.object_key(header_);
  if (execution.direct()) {
    if (word_.held()) return bpf::kEDEADLK;
    word_ = sim::LockWord{sim::detail::kDirectOwner, 1};
    return 0;
  }
  execution.schedule(VisibleOp{VisibleOpKind::kBucketLock, key}, &word_);
  if (const int forced = execution.take_forced_lock_error(); forced != 0) {
    execution.set_step_value(static_cast<uint64_t>(static_cast<int64_t>(forced)));
    return forced;
  }
  if (word_.held()) {
    // Enabledness lets a context through to a held bucket lock only on the holder's CPU.
    execution.set_step_value(static_cast<uint64_t>(static_cast<int64_t>(bpf::kEDEADLK)));
    return bpf::kEDEADLK;
  }
  const int me = execution.current_context();
  word_ = sim::LockWord{static_cast<uint32_t>(me) + 1,
                        static_cast<uint32_t>(execution.current_cpu()) + 1};
  execution.note_lock_acquired(key, false);
  execution.races().acquire(me, header_.index);
  return 0;
}

void SimPlatform::BucketLock::unlock() {
  Execution& execution = sim::detail::execution();
  const sim::ObjectKey key = execution.object_key(header_);
  if (execution.direct()) {
    word_ = sim::LockWord{};
    return;
  }
  execution.schedule(VisibleOp{VisibleOpKind::kBucketUnlock, key});
  const int me = execution.current_context();
  execution.note_lock_released(key, false);
  execution.races().release(me, header_.index);
  word_ = sim::LockWord{};
}

bool SimPlatform::BucketLock::is_held_by_current_cpu() const {
  const Execution& execution = sim::detail::execution();
  return word_.held() &&
         word_.owner_cpu_plus_one == static_cast<uint32_t>(execution.current_cpu()) + 1;
}

void SimPlatform::rcu_read_lock() { sim::detail::execution().rcu_read_lock(); }
void SimPlatform::rcu_read_unlock() { sim::detail::execution().rcu_read_unlock(); }

void* SimPlatform::allocate(size_t bytes) { return sim::detail::execution().allocate(bytes); }
void SimPlatform::release(void* block) { sim::detail::execution().release(block); }
void SimPlatform::release_after_grace_period(void* block) {
  sim::detail::execution().release_after_grace_period(block);
}
uint64_t SimPlatform::bytes_in_use() const { return sim::detail::execution().bytes_in_use(); }
uint32_t SimPlatform::random_u32() { return sim::detail::execution().random_u32(); }

// The kernel copies map values and keys with plain memcpy (copy_map_value, the per-CPU loops of
// bpf_percpu_*_copy), so a reader racing a writer can see some words old and some new. The
// simulator makes each 8-byte word of a racy copy or compare its own visible step: a lookup
// interleaved with an update in the middle of a 16-byte value reads a torn value, as on the
// kernel. (Eight bytes is the widest a memcpy on the machines we model moves at once; a copy
// of at most one word stays a single step.)
constexpr size_t kRacyWordBytes = 8;

void SimPlatform::copy_racy(void* destination, const void* source, size_t bytes) {
  Execution& execution = sim::detail::execution();
  if (execution.direct()) {
    std::memmove(destination, source, bytes);
    return;
  }
  auto* to = static_cast<char*>(destination);
  const auto* from = static_cast<const char*>(source);
  // Word-by-word copying is only a copy when the two ranges are disjoint (map code never copies
  // a buffer onto itself).
  MAPSIM_ASSERT(bytes == 0 || to + bytes <= from || from + bytes <= to,
                "copy_racy ranges overlap");
  size_t offset = 0;
  do {
    const size_t chunk = std::min(kRacyWordBytes, bytes - offset);
    VisibleOp op{VisibleOpKind::kCopy};
    op.object = execution.memory_key(to + offset, chunk, &op.span);
    op.object2 = execution.memory_key(from + offset, chunk, &op.span2);
    execution.schedule(op);
    execution.check_memory_live(from + offset, chunk, "reads");
    execution.check_memory_live(to + offset, chunk, "writes");
    execution.set_step_value(chunk);
    std::memcpy(to + offset, from + offset, chunk);
    offset += chunk;
  } while (offset < bytes);
}

bool SimPlatform::equal_racy(const void* left, const void* right, size_t bytes) {
  Execution& execution = sim::detail::execution();
  if (execution.direct()) return std::memcmp(left, right, bytes) == 0;
  const auto* a = static_cast<const char*>(left);
  const auto* b = static_cast<const char*>(right);
  // Like memcmp, the comparison stops at the first word that differs.
  size_t offset = 0;
  do {
    const size_t chunk = std::min(kRacyWordBytes, bytes - offset);
    VisibleOp op{VisibleOpKind::kCompare};
    op.object = execution.memory_key(a + offset, chunk, &op.span);
    op.object2 = execution.memory_key(b + offset, chunk, &op.span2);
    execution.schedule(op);
    execution.check_memory_live(a + offset, chunk, "compares");
    execution.check_memory_live(b + offset, chunk, "compares");
    const bool equal = std::memcmp(a + offset, b + offset, chunk) == 0;
    execution.set_step_value(equal ? 1 : 0);
    if (!equal) return false;
    offset += chunk;
  } while (offset < bytes);
  return true;
}

void SimPlatform::path_event(PathEvent event, uint64_t argument) {
  sim::detail::execution().path_event(static_cast<uint16_t>(event), argument);
}

bool SimPlatform::mutant(Mutant mutant) {
  const Execution* execution = Execution::current();
  return execution != nullptr && execution->options().mutants.contains(mutant);
}

}  // namespace mapsim
