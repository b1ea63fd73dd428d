// The platform seam (DESIGN.md "The platform seam"; STYLE G2).
//
// Map code is written once, as templates over a Platform, and instantiated explicitly twice:
// RealPlatform (impl/real_platform.h: std::atomic, spin locks, liburcu, the calling thread's CPU
// slot) and SimPlatform (sim/: every operation below is a scheduling point of the simulator).
// The platform is the only code that knows threads from fibers; map code never branches on it.
//
// What a Platform P provides, and the kernel primitive each one stands for:
//
//   p.possible_cpus()         num_possible_cpus(); CPUs are numbered 0 .. possible_cpus()-1
//   p.cpu()                   smp_processor_id() of the caller (asserts it has one)
//   P::SpinLock               raw_spinlock_t (LRU lists): lock() / unlock(); never fails
//   P::BucketLock             rqspinlock_t (6.18 hash buckets): int lock() returns 0, or
//                             -EDEADLK when this CPU already holds it (a nested program on the
//                             same CPU), or -ETIMEDOUT; unlock()
//   P::Atomic<T>              atomic_t and friends: the std::atomic<T> interface
//   P::Racy<T>                a READ_ONCE/WRITE_ONCE field (LRU ref bit, node type): load() /
//                             store(v); racing on it is intended and never a data race
//   P::Plain<T>               a plain shared field (list links, counters, owners): read() /
//                             write(v); every access must be ordered by a lock or by
//                             release/acquire, and the simulator reports one that is not as a
//                             data race (RealPlatform: the bare value, no cost)
//   p.rcu_read_lock()/unlock  rcu_read_lock(); readers of RCU-freed memory stay inside
//   p.allocate(bytes)         kmalloc/bpf_mem_alloc: nullptr means -ENOMEM (budget or fault
//                             injection); memory is zero-filled
//   p.release(ptr)            immediate free (nothing can still see ptr)
//   p.release_after_grace_period(ptr)   kfree_rcu / call_rcu
//   P::copy_racy(dst, src, n) a value or key copy that may race with a writer (the kernel's
//                             plain memcpy of map values), done so sanitizers accept it
//   P::equal_racy(a, b, n)    memcmp of a key that may be concurrently rewritten
//   p.random_u32()            get_random_u32(): a map's hash seed (hashrnd) when it is not
//                             created with BPF_F_ZERO_SEED (the simulator derives it from the
//                             scenario's seed, so runs stay deterministic)
//   p.path_event(event, arg)  one step of an algorithm (LRU update path) reports itself; a
//                             no-op that compiles away on RealPlatform
//
// Memory handed out by allocate() comes from a per-platform budget (bytes), so that absurd map
// sizes fail with -ENOMEM instead of exhausting the machine.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

namespace mapsim {

enum class PathEvent : uint16_t;  // impl/lru_path_event.h

template <class P>
concept Platform = requires(P& platform, const P& const_platform, void* pointer,
                            const void* const_pointer, size_t bytes) {
  { const_platform.possible_cpus() } -> std::convertible_to<int>;
  { const_platform.cpu() } -> std::convertible_to<int>;
  typename P::SpinLock;
  typename P::BucketLock;
  typename P::template Atomic<uint32_t>;
  typename P::template Racy<uint8_t>;
  typename P::template Plain<uint32_t>;
  platform.rcu_read_lock();
  platform.rcu_read_unlock();
  { platform.allocate(bytes) } -> std::same_as<void*>;
  { platform.random_u32() } -> std::same_as<uint32_t>;
  platform.release(pointer);
  platform.release_after_grace_period(pointer);
  P::copy_racy(pointer, const_pointer, bytes);
  { P::equal_racy(const_pointer, const_pointer, bytes) } -> std::same_as<bool>;
};

// RAII guards used by map code, the same for every platform.
template <class Lock>
class SpinLockGuard {
 public:
  explicit SpinLockGuard(Lock& lock) : lock_(lock) { lock_.lock(); }
  ~SpinLockGuard() { lock_.unlock(); }
  SpinLockGuard(const SpinLockGuard&) = delete;
  SpinLockGuard& operator=(const SpinLockGuard&) = delete;

 private:
  Lock& lock_;
};

template <class P>
class RcuReadGuard {
 public:
  explicit RcuReadGuard(P& platform) : platform_(platform) { platform_.rcu_read_lock(); }
  ~RcuReadGuard() { platform_.rcu_read_unlock(); }
  RcuReadGuard(const RcuReadGuard&) = delete;
  RcuReadGuard& operator=(const RcuReadGuard&) = delete;

 private:
  P& platform_;
};

}  // namespace mapsim
