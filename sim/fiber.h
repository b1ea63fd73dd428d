// Fibers: the mechanism under the simulator, and nothing else (STYLE G3).
//
// Every simulated CPU context (a CPU's program, or a program nested on a CPU as an interrupt)
// runs on its own fiber; all fibers of an execution share one OS thread, so there is never real
// parallelism and the simulator needs no synchronisation of its own. Only the main context (the
// explorer) resumes fibers, and a fiber only ever suspends back to the main context: a star, not
// symmetric transfers. Choosing *which* fiber to resume is the strategy's business (sim/strategy).
//
// Design:
// - Boost.Context's fcontext primitives (make_fcontext / jump_fcontext) switch stacks in a few
//   nanoseconds. We use them directly rather than boost::context::fiber because an execution
//   that ends early (a deadlock, a violation) must be able to *abandon* its suspended fibers
//   without unwinding them: unwinding would run destructors that perform visible operations
//   (unlocking a lock through an RAII guard) in a world that no longer exists.
// - Stacks come from a StackPool: one mmap'd stack per context slot, with a PROT_NONE guard
//   page below it, reused by every execution. Reuse keeps memory flat across millions of
//   executions and gives a context the same stack addresses each time (deterministic traces).
//   A context that overflows its stack faults on the guard page; sim/stack_overflow.h turns
//   that into a message naming the stack size before the process dies.
// - AddressSanitizer: each switch is announced with __sanitizer_start_switch_fiber /
//   __sanitizer_finish_switch_fiber, a reused stack is unpoisoned first (an abandoned fiber
//   leaves poisoned redzones behind). A fiber keeps its fake stack from run to run (an
//   abandoned fiber's is freed, as its frames never return).
// - ThreadSanitizer: each fiber is a TSan fiber (__tsan_create_fiber), and every switch is
//   announced with __tsan_switch_to_fiber. Unannounced, TSan sees one thread whose call stack
//   pushes frames that are never popped (an abandoned fiber's frames stay on the shadow stack),
//   and a long run exhausts memory. A switch synchronises (flags 0), as the simulator's
//   fibers never run in parallel. A restarted fiber gets a fresh TSan fiber, so an abandoned
//   one's shadow stack goes with it.
//
// Objects on an abandoned fiber's stack are never destroyed. Operations that own heap memory on
// their stack leak it when an execution is cut short; map code keeps its memory in the
// simulator's arena, which is reset between executions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/context/detail/fcontext.hpp>

namespace mapsim::sim {

// One fiber stack: [base, base + bytes) is usable, the page below base is a guard.
struct Stack {
  void* base = nullptr;  ///< lowest usable address
  size_t bytes = 0;      ///< usable size in bytes
};

// Stacks for context slots 0, 1, 2, ...; slot i always gets the same memory.
class StackPool {
 public:
  static constexpr size_t kMinimumStackBytes = size_t{16} << 10;
  // The most a scenario file, the command line or a trace file may ask for (64 MiB): far more
  // than any map operation needs; the bound keeps a typo from mapping gigabytes per context.
  static constexpr size_t kMaximumStackBytes = size_t{64} << 20;
  explicit StackPool(size_t stack_bytes);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  size_t stack_bytes() const { return stack_bytes_; }
  // The stack of `slot`, mapped on first use.
  Stack acquire(int slot);
  // The slot whose stack contains `address`, or -1; *offset (if given) receives the distance
  // from the stack's base.
  int slot_containing(const void* address, size_t* offset = nullptr) const;

 private:
  struct Mapping {
    void* region = nullptr;  // guard page + stack
    size_t region_bytes = 0;
  };
  size_t stack_bytes_;
  std::vector<Mapping> mappings_;
};

class Fiber {
 public:
  using Entry = void (*)(void* argument);

  Fiber() = default;
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Prepares the fiber to run entry(argument) on `stack` at the next resume().
  // REQUIRES: the fiber is not started, or it finished, or it was abandoned.
  void start(Stack stack, Entry entry, void* argument);
  // From the main context: runs the fiber until it suspends or its entry returns.
  void resume();
  // From inside this fiber: returns to the main context, until the next resume().
  void suspend();
  // Forgets a suspended fiber without unwinding its stack.
  void abandon();

  bool started() const { return context_ != nullptr; }
  bool finished() const { return finished_; }

 private:
  static void trampoline(boost::context::detail::transfer_t transfer);
  void enter_from_main();
  void leave_to_main();
  void release_fake_stack();  // AddressSanitizer builds only

  void* context_ = nullptr;  // fcontext of the suspended fiber
  void* caller_ = nullptr;   // fcontext of the main context while the fiber runs
  Stack stack_;
  Entry entry_ = nullptr;
  void* argument_ = nullptr;
  bool finished_ = false;
  bool entered_ = false;  // the entry has begun since the last start()
  // AddressSanitizer bookkeeping (unused in other builds).
  void* fake_stack_ = nullptr;
  void* main_fake_stack_ = nullptr;
  const void* main_stack_bottom_ = nullptr;
  size_t main_stack_bytes_ = 0;
  // ThreadSanitizer bookkeeping (unused in other builds): this fiber's and the main context's.
  void* tsan_fiber_ = nullptr;
  void* tsan_main_ = nullptr;
};

}  // namespace mapsim::sim
