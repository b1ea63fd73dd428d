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
  int cpu() const;

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

   private:
    static constexpr int32_t kUnowned = -1;
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

  void rcu_read_lock();
  void rcu_read_unlock();

  // Zero-filled memory of `bytes` bytes, or nullptr when the budget is exhausted.
  void* allocate(size_t bytes);
  void release(void* block);
  void release_after_grace_period(void* block);
  uint64_t bytes_in_use() const { return bytes_in_use_.load(std::memory_order_relaxed); }

  // A fresh random hash seed (the kernel's get_random_u32()).
  uint32_t random_u32();

  static void copy_racy(void* destination, const void* source, size_t bytes);
  static bool equal_racy(const void* left, const void* right, size_t bytes);

  // Path events exist for the simulator and the pictures; production pays nothing for them.
  void path_event(PathEvent, uint64_t = 0) {}

 private:
  int possible_cpus_;
  uint64_t memory_budget_bytes_;
  std::atomic<uint64_t> bytes_in_use_{0};
  std::atomic<uint64_t> deferred_frees_issued_{0};
};

static_assert(Platform<RealPlatform>, "RealPlatform must model the Platform concept");

}  // namespace mapsim
