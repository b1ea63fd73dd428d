// RealPlatform: the production instantiation of the platform seam (impl/platform.h).
//
// Each OS thread that calls into a map is bound to one CPU slot with a CpuBinding; the slot is
// what the kernel's smp_processor_id() would return, and per-CPU state (free lists, extra
// elements, LRU local lists, per-CPU values) is indexed by it. Two threads must not share a slot
// at the same time (the kernel's per-CPU data assumes one runner per CPU).
//
// Locks: SpinLock is a test-and-test-and-set lock; BucketLock reproduces the 6.18 rqspinlock
// results: -EDEADLK when the calling CPU slot already holds it (AA re-entry), -ETIMEDOUT after
// 250 ms of spinning (NSEC_PER_SEC / 4, the kernel's default).
// RCU: liburcu's memory-barrier flavour; a bound thread is a registered RCU reader.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <source_location>
#include <type_traits>

#include "impl/assert.h"
#include "impl/mutant.h"
#include "impl/platform.h"

namespace mapsim {

class RealPlatform {
 public:
  // Default allocation budget: 8 GiB, far above any map the tests create and far below what
  // would push the machine into the OOM killer.
  static constexpr uint64_t kDefaultMemoryBudgetBytes = uint64_t{8} << 30;
  static constexpr int kMaxPossibleCpus = 4096;

  explicit RealPlatform(int possible_cpus,
                        uint64_t memory_budget_bytes = kDefaultMemoryBudgetBytes);
  ~RealPlatform();
  RealPlatform(const RealPlatform&) = delete;
  RealPlatform& operator=(const RealPlatform&) = delete;

  int possible_cpus() const { return possible_cpus_; }
  // The calling thread's CPU slot. REQUIRES: a CpuBinding is active on this thread.
  int cpu() const {
    MAPSIM_ASSERT(bound_cpu_ >= 0, "the calling thread has no CPU slot: use a CpuBinding");
    MAPSIM_ASSERT(bound_cpu_ < possible_cpus_, "CPU slot outside this platform's CPUs");
    return bound_cpu_;
  }

  // Binds the calling thread to `cpu` until destroyed (nests; the innermost binding wins).
  class CpuBinding {
   public:
    CpuBinding(const RealPlatform& platform, int cpu);
    ~CpuBinding();
    CpuBinding(const CpuBinding&) = delete;
    CpuBinding& operator=(const CpuBinding&) = delete;

   private:
    int previous_cpu_;
  };

  class SpinLock {
   public:
    void lock();
    void unlock() { locked_.store(false, std::memory_order_release); }
    bool is_locked() const { return locked_.load(std::memory_order_relaxed); }

   private:
    std::atomic<bool> locked_{false};
  };

  class BucketLock {
   public:
    static constexpr int64_t kTimeoutNanoseconds = 250'000'000;
    // 0 on success, -EDEADLK if this CPU holds it already, -ETIMEDOUT.
    [[nodiscard]] int lock();
    void unlock();
    bool is_held_by_current_cpu() const;
    // Held by any CPU slot (inspection of a quiescent map).
    bool is_locked() const { return owner_cpu_.load(std::memory_order_relaxed) != kUnowned; }

   private:
    static constexpr int32_t kUnowned = -1;
    int lock_contended(int32_t me);
    std::atomic<int32_t> owner_cpu_{kUnowned};
  };

  template <class T>
  using Atomic = std::atomic<T>;

  // A READ_ONCE/WRITE_ONCE field: relaxed atomic, racing is intended.
  template <class T>
  class Racy {
   public:
    Racy() = default;
    explicit Racy(T value) : value_(value) {}
    T load() const { return value_.load(std::memory_order_relaxed); }
    void store(T value) { value_.store(value, std::memory_order_relaxed); }

   private:
    std::atomic<T> value_{};
  };

  // A plain shared field: the bare value (the simulator checks these accesses for races and
  // names their source lines; here the location is ignored and costs nothing).
  template <class T>
  class Plain {
   public:
    Plain() = default;
    explicit Plain(T value) : value_(value) {}
    T read(std::source_location = {}) const { return value_; }
    void write(T value, std::source_location = {}) { value_ = value; }

   private:
    T value_{};
  };

  void rcu_read_lock();
  void rcu_read_unlock();

  // Zero-filled memory of `bytes` bytes, or nullptr when the budget is exhausted.
  void* allocate(size_t bytes);
  void release(void* block);
  void release_after_grace_period(void* block);
  uint64_t bytes_in_use() const { return bytes_in_use_.load(std::memory_order_relaxed); }

  // A fresh random hash seed (the kernel's get_random_u32()).
  uint32_t random_u32();

  // Keys and values are mostly 4 or 8 bytes: those take one relaxed access inline.
  static void copy_racy(void* destination, const void* source, size_t bytes) {
    if (bytes == 8 && aligned(destination, 8) && aligned(source, 8)) {
      store_relaxed<uint64_t>(destination, load_relaxed<uint64_t>(source));
    } else if (bytes == 4 && aligned(destination, 4) && aligned(source, 4)) {
      store_relaxed<uint32_t>(destination, load_relaxed<uint32_t>(source));
    } else {
      copy_racy_slow(destination, source, bytes);
    }
  }
  static bool equal_racy(const void* left, const void* right, size_t bytes) {
    if (bytes == 8 && aligned(left, 8) && aligned(right, 8)) {
      return load_relaxed<uint64_t>(left) == load_relaxed<uint64_t>(right);
    }
    if (bytes == 4 && aligned(left, 4) && aligned(right, 4)) {
      return load_relaxed<uint32_t>(left) == load_relaxed<uint32_t>(right);
    }
    return equal_racy_slow(left, right, bytes);
  }

  // Path events exist for the simulator and the pictures; production pays nothing for them.
  void path_event(PathEvent, uint64_t = 0) {}

 private:
  friend class CpuBinding;
  friend class BucketLock;

  static bool aligned(const void* pointer, uintptr_t alignment) {
    return reinterpret_cast<uintptr_t>(pointer) % alignment == 0;
  }
  template <class Word>
  static Word load_relaxed(const void* pointer) {
    return __atomic_load_n(static_cast<const Word*>(pointer), __ATOMIC_RELAXED);
  }
  template <class Word>
  static void store_relaxed(void* pointer, Word value) {
    __atomic_store_n(static_cast<Word*>(pointer), value, __ATOMIC_RELAXED);
  }
  static void copy_racy_slow(void* destination, const void* source, size_t bytes);
  static bool equal_racy_slow(const void* left, const void* right, size_t bytes);

  // The CPU slot the calling thread is bound to, or -1.
  // Defined inline here (constant-initialised) so other translation units read it directly,
  // without the TLS wrapper call that UBSan's null check trips on.
  static inline thread_local int bound_cpu_ = -1;

  int possible_cpus_;
  uint64_t memory_budget_bytes_;
  std::atomic<uint64_t> bytes_in_use_{0};
  std::atomic<uint64_t> deferred_frees_issued_{0};
};

static_assert(Platform<RealPlatform>, "RealPlatform must model the Platform concept");
static_assert(!kPlatformHasMutants<RealPlatform>,
              "mutants (impl/mutant.h) exist only under the simulator: production code never "
              "runs a mutated branch");
static_assert(sizeof(RealPlatform::Plain<uint64_t>) == sizeof(uint64_t) &&
                  std::is_trivially_copyable_v<RealPlatform::Plain<uint64_t>>,
              "plain fields cost nothing in production: the bare value");

}  // namespace mapsim
