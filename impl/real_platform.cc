#include "impl/real_platform.h"

// liburcu's read-side fast paths as inline code (a thread-local nesting counter) instead of
// calls through the PLT and the dynamic TLS model: they were a quarter of a lookup's time.
// Not under ThreadSanitizer: the inline code's volatile-based atomics would be instrumented
// here, while the library's copies are left alone (see the suppressions below).
#if !defined(MAPSIM_SANITIZER_THREAD)
#define _LGPL_SOURCE
#endif
#include <urcu/urcu-memb.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>

#include "impl/assert.h"
#include "impl/uapi.h"

// ThreadSanitizer cannot see liburcu's synchronisation (membarrier, futexes, its own threads),
// so the guarantees RCU gives are stated to it by hand: every read section's end
// happens-before every callback that runs later, the call_rcu() happens-before its callback,
// and a callback happens-before the urcu_memb_barrier() that waited for it. liburcu's own
// allocations are not instrumented and are suppressed.
#if defined(MAPSIM_SANITIZER_THREAD)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
extern "C" const char* __tsan_default_suppressions() {
  return "called_from_lib:liburcu-memb.so\ncalled_from_lib:liburcu-common.so\n";
}
#define MAPSIM_TSAN_ACQUIRE(address) __tsan_acquire(address)
#define MAPSIM_TSAN_RELEASE(address) __tsan_release(address)
#else
#define MAPSIM_TSAN_ACQUIRE(address) static_cast<void>(address)
#define MAPSIM_TSAN_RELEASE(address) static_cast<void>(address)
#endif

namespace mapsim {

namespace {

// Stands for "every RCU read section that has ended" in the ThreadSanitizer annotations.
char rcu_readers_token;

thread_local int binding_depth = 0;

inline void cpu_relax() { __builtin_ia32_pause(); }

// Every allocate()d block starts with this header: the owning platform and the byte count for
// the budget, and the rcu_head that call_rcu needs for a deferred free.
struct alignas(16) BlockHeader {
  RealPlatform* owner;
  uint64_t bytes;
  struct rcu_head rcu;
};
static_assert(sizeof(BlockHeader) % 16 == 0,
              "the payload after the header must stay 16-byte aligned");

void free_block_after_grace_period(struct rcu_head* head) {
  auto* header = reinterpret_cast<BlockHeader*>(reinterpret_cast<char*>(head) -
                                                offsetof(BlockHeader, rcu));
  MAPSIM_TSAN_ACQUIRE(&rcu_readers_token);
  MAPSIM_TSAN_ACQUIRE(header);
  RealPlatform* owner = header->owner;
  owner->release(header + 1);
  MAPSIM_TSAN_RELEASE(owner);
}

}  // namespace

RealPlatform::RealPlatform(int possible_cpus, uint64_t memory_budget_bytes)
    : possible_cpus_(possible_cpus), memory_budget_bytes_(memory_budget_bytes) {
  MAPSIM_ASSERT(possible_cpus >= 1, "at least one CPU");
  MAPSIM_ASSERT(possible_cpus <= kMaxPossibleCpus, "at most 4096 CPUs");
}

RealPlatform::~RealPlatform() {
  // Deferred frees charge this platform's budget when they run: wait for them.
  if (deferred_frees_issued_.load() != 0) {
    urcu_memb_barrier();
    MAPSIM_TSAN_ACQUIRE(this);
  }
}


RealPlatform::CpuBinding::CpuBinding(const RealPlatform& platform, int cpu)
    : previous_cpu_(RealPlatform::bound_cpu_) {
  MAPSIM_ASSERT(cpu >= 0, "CPU numbers start at 0");
  MAPSIM_ASSERT(cpu < platform.possible_cpus(), "CPU beyond the possible CPUs");
  if (binding_depth++ == 0) urcu_memb_register_thread();
  RealPlatform::bound_cpu_ = cpu;
}

RealPlatform::CpuBinding::~CpuBinding() {
  RealPlatform::bound_cpu_ = previous_cpu_;
  if (--binding_depth == 0) urcu_memb_unregister_thread();
}

void RealPlatform::SpinLock::lock() {
  for (;;) {
    if (!locked_.exchange(true, std::memory_order_acquire)) return;
    while (locked_.load(std::memory_order_relaxed)) cpu_relax();
  }
}

int RealPlatform::BucketLock::lock() {
  const int32_t me = RealPlatform::bound_cpu_;
  MAPSIM_ASSERT(me >= 0, "bucket locks are taken on a CPU slot");
  // AA: this CPU already holds the lock (a program nested on the same CPU).
  if (owner_cpu_.load(std::memory_order_relaxed) == me) return bpf::kEDEADLK;
  int32_t expected = kUnowned;
  if (owner_cpu_.compare_exchange_strong(expected, me, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
    return 0;  // uncontended: no clock read
  }
  return lock_contended(me);
}

int RealPlatform::BucketLock::lock_contended(int32_t me) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::nanoseconds(kTimeoutNanoseconds);
  for (uint32_t spins = 0;; ++spins) {
    int32_t expected = kUnowned;
    if (owner_cpu_.load(std::memory_order_relaxed) == kUnowned &&
        owner_cpu_.compare_exchange_weak(expected, me, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
      return 0;
    }
    cpu_relax();
    if (spins % 1024 == 1023 && Clock::now() > deadline) return bpf::kETIMEDOUT;
  }
}

void RealPlatform::BucketLock::unlock() {
  MAPSIM_ASSERT(owner_cpu_.load(std::memory_order_relaxed) == RealPlatform::bound_cpu_,
                "a bucket lock is released by the CPU that holds it");
  owner_cpu_.store(kUnowned, std::memory_order_release);
}

bool RealPlatform::BucketLock::is_held_by_current_cpu() const {
  const int32_t me = RealPlatform::bound_cpu_;
  return me >= 0 && owner_cpu_.load(std::memory_order_relaxed) == me;
}

uint32_t RealPlatform::random_u32() {
  static thread_local std::random_device device;
  return device();
}

void RealPlatform::rcu_read_lock() { urcu_memb_read_lock(); }
void RealPlatform::rcu_read_unlock() {
  MAPSIM_TSAN_RELEASE(&rcu_readers_token);
  urcu_memb_read_unlock();
}

void* RealPlatform::allocate(size_t bytes) {
  const uint64_t charged = bytes + sizeof(BlockHeader);
  if (bytes > memory_budget_bytes_) return nullptr;
  uint64_t in_use = bytes_in_use_.fetch_add(charged, std::memory_order_relaxed);
  if (in_use + charged > memory_budget_bytes_) {
    bytes_in_use_.fetch_sub(charged, std::memory_order_relaxed);
    return nullptr;
  }
  void* raw = std::calloc(1, charged);
  if (raw == nullptr) {
    bytes_in_use_.fetch_sub(charged, std::memory_order_relaxed);
    return nullptr;
  }
  auto* header = new (raw) BlockHeader{this, charged, {}};
  return header + 1;
}

void RealPlatform::release(void* block) {
  if (block == nullptr) return;
  auto* header = static_cast<BlockHeader*>(block) - 1;
  MAPSIM_ASSERT(header->owner == this, "a block is released to the platform that made it");
  bytes_in_use_.fetch_sub(header->bytes, std::memory_order_relaxed);
  std::free(header);
}

void RealPlatform::release_after_grace_period(void* block) {
  if (block == nullptr) return;
  auto* header = static_cast<BlockHeader*>(block) - 1;
  deferred_frees_issued_.fetch_add(1, std::memory_order_relaxed);
  MAPSIM_TSAN_RELEASE(header);
  urcu_memb_call_rcu(&header->rcu, &free_block_after_grace_period);
}

// Relaxed atomics of the natural width: the same instructions as memcpy on x86, but a declared
// race, so ThreadSanitizer accepts the kernel's lock-free value copies.
void RealPlatform::copy_racy_slow(void* destination, const void* source, size_t bytes) {
  auto* target = static_cast<unsigned char*>(destination);
  const auto* origin = static_cast<const unsigned char*>(source);
  size_t index = 0;
  if (reinterpret_cast<uintptr_t>(target) % 8 == 0 && reinterpret_cast<uintptr_t>(origin) % 8 == 0) {
    for (; index + 8 <= bytes; index += 8) {
      __atomic_store_n(reinterpret_cast<uint64_t*>(target + index),
                       __atomic_load_n(reinterpret_cast<const uint64_t*>(origin + index),
                                       __ATOMIC_RELAXED),
                       __ATOMIC_RELAXED);
    }
  }
  for (; index < bytes; ++index) {
    __atomic_store_n(target + index, __atomic_load_n(origin + index, __ATOMIC_RELAXED),
                     __ATOMIC_RELAXED);
  }
}

bool RealPlatform::equal_racy_slow(const void* left, const void* right, size_t bytes) {
  const auto* a = static_cast<const unsigned char*>(left);
  const auto* b = static_cast<const unsigned char*>(right);
  size_t index = 0;
  if (reinterpret_cast<uintptr_t>(a) % 8 == 0 && reinterpret_cast<uintptr_t>(b) % 8 == 0) {
    for (; index + 8 <= bytes; index += 8) {
      if (__atomic_load_n(reinterpret_cast<const uint64_t*>(a + index), __ATOMIC_RELAXED) !=
          __atomic_load_n(reinterpret_cast<const uint64_t*>(b + index), __ATOMIC_RELAXED)) {
        return false;
      }
    }
  }
  for (; index < bytes; ++index) {
    if (__atomic_load_n(a + index, __ATOMIC_RELAXED) !=
        __atomic_load_n(b + index, __ATOMIC_RELAXED)) {
      return false;
    }
  }
  return true;
}

}  // namespace mapsim
