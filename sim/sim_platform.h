// SimPlatform: the simulator's instantiation of the platform seam (impl/platform.h, STYLE G2).
//
// Same shape as RealPlatform, so map code compiles unchanged against either; every primitive
// here is a scheduling point of the execution running on this OS thread (Execution::current(),
// a thread-local: all fibers of an execution share the thread). Before touching shared state a
// primitive announces a VisibleOp (kind, object) and waits until the strategy lets its context
// run; then it performs the operation and records the result in the trace.
//
//   primitive                    visible op           blocks / fails                  hb edge
//   SpinLock::lock / unlock      spin_lock/_unlock    while another context holds it  yes
//   BucketLock::lock / unlock    bucket_lock/_unlock  -EDEADLK if this CPU holds it;  yes
//                                                     waits if another CPU does
//   Atomic<T> ops                atomic_load/store/rmw                                per order
//   Racy<T> load / store         read_once/write_once                                 no
//   rcu_read_lock / unlock       rcu_read_(un)lock                                    no
//   allocate                     allocate             nullptr by fault injection      -
//   release                      release              use after free is reported      -
//   release_after_grace_period   free_after_grace_period (reclaimed after readers)    -
//   copy_racy / equal_racy       copy / compare,      freed memory is reported        no
//                                one per 8-byte word (torn reads as on the kernel)
//   Plain<T> read / write        (not a scheduling point; race-checked)               -
//   mutant(m)                    (not a scheduling point) whether the execution's options plant
//                                mutant m in the map code (impl/mutant.h)
//
// Outside an execution's steps (Scenario::build, the checks, teardown) the same calls take
// effect immediately ("direct mode"). Every type is valid when zero-filled, like kernel memory
// from a zeroing allocator: map code may treat allocate()d bytes as constructed objects.
// Plain<T> is the map code's plain shared fields (list links, counters, owners; RealPlatform:
// the bare value) and the tracked plain memory of test programs and canaries.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <source_location>
#include <type_traits>

#include "impl/mutant.h"
#include "impl/platform.h"
#include "sim/execution.h"

namespace mapsim {

namespace sim::detail {
// The running execution. REQUIRES: one exists on this thread.
Execution& execution();
// Announces `kind` on the object; returns the execution when running, nullptr in direct mode.
Execution* announce(SimObjectHeader& header, VisibleOpKind kind);
void after_load(Execution& execution, const SimObjectHeader& header, std::memory_order order);
void after_store(Execution& execution, const SimObjectHeader& header, std::memory_order order);
void after_rmw(Execution& execution, const SimObjectHeader& header, std::memory_order order);
void plain_access(SimObjectHeader& header, bool write, const std::source_location& where);

template <class T>
uint64_t value_bits(Execution& execution, const T& value) {
  if constexpr (std::is_pointer_v<T>) {
    return execution.stable_pointer_value(value);
  } else {
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T) < sizeof bits ? sizeof(T) : sizeof bits);
    // uintptr_t links hold addresses, which differ from process to process.
    return sizeof(T) == sizeof(uint64_t) ? execution.stable_word(bits) : bits;
  }
}
}  // namespace sim::detail

class SimPlatform {
 public:
  static constexpr uint64_t kDefaultMemoryBudgetBytes = uint64_t{1} << 30;
  static constexpr int kMaxPossibleCpus = 4096;

  explicit SimPlatform(int possible_cpus,
                       uint64_t memory_budget_bytes = kDefaultMemoryBudgetBytes);
  SimPlatform(const SimPlatform&) = delete;
  SimPlatform& operator=(const SimPlatform&) = delete;

  int possible_cpus() const { return possible_cpus_; }
  uint64_t memory_budget_bytes() const { return memory_budget_bytes_; }
  // The CPU of the running context; 0 in direct mode.
  int cpu() const;

  class SpinLock {
   public:
    void lock();
    void unlock();
    bool is_locked() const { return word_.held(); }

   private:
    sim::SimObjectHeader header_;
    sim::LockWord word_;
  };

  class BucketLock {
   public:
    // 0, -EDEADLK (this CPU holds it, or an ABBA wait), or -ETIMEDOUT (a wait that can never
    // end otherwise).
    [[nodiscard]] int lock();
    void unlock();
    bool is_held_by_current_cpu() const;
    // Held by anyone (inspection; not a scheduling point).
    bool is_locked() const { return word_.held(); }

   private:
    sim::SimObjectHeader header_;
    sim::LockWord word_;
  };

  template <class T>
  class Atomic;
  template <class T>
  class Racy;
  template <class T>
  class Plain;

  void rcu_read_lock();
  void rcu_read_unlock();

  // Zero-filled memory of `bytes` bytes, or nullptr (budget exhausted or an injected failure).
  void* allocate(size_t bytes);
  void release(void* block);
  void release_after_grace_period(void* block);
  uint64_t bytes_in_use() const;
  // get_random_u32(): deterministic, from the scenario's seed (a fresh stream per execution).
  uint32_t random_u32();

  static void copy_racy(void* destination, const void* source, size_t bytes);
  static bool equal_racy(const void* left, const void* right, size_t bytes);

  void path_event(PathEvent event, uint64_t argument = 0);

  // Whether map code runs with `mutant` planted (impl/mutant.h): the options of the execution
  // on this OS thread decide; false outside an execution.
  static bool mutant(Mutant mutant);

 private:
  int possible_cpus_;
  uint64_t memory_budget_bytes_;
};

// atomic_t and friends. Every operation is one visible step; orders decide the
// happens-before edges the race detector sees (the interleaving itself is sequentially
// consistent: weak-memory reorderings are not explored).
template <class T>
class SimPlatform::Atomic {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 8,
                "simulated atomics hold at most 8 bytes");

 public:
  Atomic() = default;
  constexpr explicit Atomic(T value) : value_(value) {}
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  T load(std::memory_order order = std::memory_order_seq_cst) const {
    auto& header = const_cast<sim::SimObjectHeader&>(header_);
    sim::Execution* execution = sim::detail::announce(header, sim::VisibleOpKind::kAtomicLoad);
    const T value = value_;
    if (execution != nullptr) {
      execution->set_step_value(sim::detail::value_bits(*execution, value));
      sim::detail::after_load(*execution, header_, order);
    }
    return value;
  }
  void store(T value, std::memory_order order = std::memory_order_seq_cst) {
    sim::Execution* execution = sim::detail::announce(header_, sim::VisibleOpKind::kAtomicStore);
    value_ = value;
    if (execution != nullptr) {
      execution->set_step_value(sim::detail::value_bits(*execution, value));
      sim::detail::after_store(*execution, header_, order);
    }
  }
  T exchange(T value, std::memory_order order = std::memory_order_seq_cst) {
    return read_modify_write([&](T) { return value; }, order);
  }
  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst) {
    return compare_exchange_strong(expected, desired, order, failure_order(order));
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                               std::memory_order failure) {
    sim::Execution* execution = sim::detail::announce(header_, sim::VisibleOpKind::kAtomicRmw);
    const bool equal = std::memcmp(&value_, &expected, sizeof(T)) == 0;
    if (equal) {
      value_ = desired;
    } else {
      expected = value_;
    }
    if (execution != nullptr) {
      execution->set_step_value(equal ? 1 : 0);
      if (equal) {
        sim::detail::after_rmw(*execution, header_, success);
      } else {
        sim::detail::after_load(*execution, header_, failure);
      }
    }
    return equal;
  }
  // No spurious failures are simulated: weak behaves as strong.
  bool compare_exchange_weak(T& expected, T desired,
                             std::memory_order order = std::memory_order_seq_cst) {
    return compare_exchange_strong(expected, desired, order);
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure) {
    return compare_exchange_strong(expected, desired, success, failure);
  }
  template <class U = T>
  T fetch_add(U delta, std::memory_order order = std::memory_order_seq_cst) {
    return read_modify_write([&](T old) { return static_cast<T>(old + delta); }, order);
  }
  template <class U = T>
  T fetch_sub(U delta, std::memory_order order = std::memory_order_seq_cst) {
    return read_modify_write([&](T old) { return static_cast<T>(old - delta); }, order);
  }
  T fetch_and(T bits, std::memory_order order = std::memory_order_seq_cst) {
    return read_modify_write([&](T old) { return static_cast<T>(old & bits); }, order);
  }
  T fetch_or(T bits, std::memory_order order = std::memory_order_seq_cst) {
    return read_modify_write([&](T old) { return static_cast<T>(old | bits); }, order);
  }
  T fetch_xor(T bits, std::memory_order order = std::memory_order_seq_cst) {
    return read_modify_write([&](T old) { return static_cast<T>(old ^ bits); }, order);
  }
  operator T() const { return load(); }
  T operator=(T value) {
    store(value);
    return value;
  }
  T operator++() { return fetch_add(1) + 1; }
  T operator--() { return fetch_sub(1) - 1; }
  T operator++(int) { return fetch_add(1); }
  T operator--(int) { return fetch_sub(1); }

 private:
  static constexpr std::memory_order failure_order(std::memory_order order) {
    if (order == std::memory_order_acq_rel) return std::memory_order_acquire;
    if (order == std::memory_order_release) return std::memory_order_relaxed;
    return order;
  }
  template <class Update>
  T read_modify_write(Update update, std::memory_order order) {
    sim::Execution* execution = sim::detail::announce(header_, sim::VisibleOpKind::kAtomicRmw);
    const T old = value_;
    value_ = update(old);
    if (execution != nullptr) {
      execution->set_step_value(sim::detail::value_bits(*execution, value_));
      sim::detail::after_rmw(*execution, header_, order);
    }
    return old;
  }

  sim::SimObjectHeader header_;
  T value_{};
};

// A READ_ONCE / WRITE_ONCE field: a visible step, never a data race, no ordering.
template <class T>
class SimPlatform::Racy {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 8,
                "racy cells hold at most 8 bytes");

 public:
  Racy() = default;
  explicit Racy(T value) : value_(value) {}

  T load() const {
    auto& header = const_cast<sim::SimObjectHeader&>(header_);
    sim::Execution* execution = sim::detail::announce(header, sim::VisibleOpKind::kRacyLoad);
    const T value = value_;
    if (execution != nullptr) {
      execution->set_step_value(sim::detail::value_bits(*execution, value));
    }
    return value;
  }
  void store(T value) {
    sim::Execution* execution = sim::detail::announce(header_, sim::VisibleOpKind::kRacyStore);
    value_ = value;
    if (execution != nullptr) {
      execution->set_step_value(sim::detail::value_bits(*execution, value));
    }
  }

 private:
  sim::SimObjectHeader header_;
  T value_{};
};

// Tracked plain memory (SimPlatform only): accesses are not scheduling points, but two
// accesses from different contexts, one a write, unordered by happens-before, are reported as
// a data race with both source lines.
template <class T>
class SimPlatform::Plain {
 public:
  Plain() = default;
  explicit Plain(T value) : value_(value) {}

  T read(std::source_location where = std::source_location::current()) const {
    sim::detail::plain_access(const_cast<sim::SimObjectHeader&>(header_), false, where);
    return value_;
  }
  void write(T value, std::source_location where = std::source_location::current()) {
    sim::detail::plain_access(header_, true, where);
    value_ = value;
  }

 private:
  sim::SimObjectHeader header_;
  T value_{};
};

static_assert(Platform<SimPlatform>, "SimPlatform must model the Platform concept");
static_assert(kPlatformHasMutants<SimPlatform>, "the simulator can plant mutants");

}  // namespace mapsim
