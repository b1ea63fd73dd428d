#include "sim/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include "impl/assert.h"
#include "sim/stack_overflow.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define MAPSIM_FIBER_ASAN 1
// The functions that run at a switch hold no frame on the fake stack: a finished fiber's
// trampoline never returns, and a frame of it there would never be freed.
#define MAPSIM_FIBER_SWITCH_CODE __attribute__((no_sanitize_address))
#else
#define MAPSIM_FIBER_ASAN 0
#define MAPSIM_FIBER_SWITCH_CODE
#endif

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define MAPSIM_FIBER_TSAN 1
#else
#define MAPSIM_FIBER_TSAN 0
#endif

namespace mapsim::sim {
namespace {

namespace context = boost::context::detail;

size_t page_bytes() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

size_t round_up_to_page(size_t bytes) {
  const size_t page = page_bytes();
  return (bytes + page - 1) / page * page;
}

}  // namespace

StackPool::StackPool(size_t stack_bytes)
    : stack_bytes_(round_up_to_page(stack_bytes < kMinimumStackBytes ? kMinimumStackBytes
                                                                     : stack_bytes)) {}

StackPool::~StackPool() {
  for (const Mapping& mapping : mappings_) {
    if (mapping.region == nullptr) continue;
    unregister_stack_guard(mapping.region);
    munmap(mapping.region, mapping.region_bytes);
  }
}

Stack StackPool::acquire(int slot) {
  MAPSIM_ASSERT(slot >= 0, "stack slots are numbered from 0");
  if (static_cast<size_t>(slot) >= mappings_.size()) mappings_.resize(slot + 1);
  Mapping& mapping = mappings_[slot];
  const size_t guard = page_bytes();
  prepare_stack_overflow_diagnosis();  // the thread that runs this stack's fibers
  if (mapping.region == nullptr) {
    mapping.region_bytes = stack_bytes_ + guard;
    void* region = mmap(nullptr, mapping.region_bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    MAPSIM_ASSERT(region != MAP_FAILED, "cannot map a fiber stack");
    // The stack grows down: an overflow runs into the guard page and faults.
    MAPSIM_ASSERT(mprotect(region, guard, PROT_NONE) == 0, "cannot protect the guard page");
    register_stack_guard(region, guard, stack_bytes_);  // an overflow says what happened
    mapping.region = region;
  }
  return Stack{static_cast<char*>(mapping.region) + guard, stack_bytes_};
}

int StackPool::slot_containing(const void* address, size_t* offset) const {
  const auto* byte = static_cast<const char*>(address);
  const size_t guard = page_bytes();
  for (size_t slot = 0; slot < mappings_.size(); ++slot) {
    const auto* base = static_cast<const char*>(mappings_[slot].region);
    if (base == nullptr) continue;
    if (byte >= base + guard && byte < base + mappings_[slot].region_bytes) {
      if (offset != nullptr) *offset = static_cast<size_t>(byte - (base + guard));
      return static_cast<int>(slot);
    }
  }
  return -1;
}

Fiber::~Fiber() {
#if MAPSIM_FIBER_ASAN
  release_fake_stack();
#endif
#if MAPSIM_FIBER_TSAN
  if (tsan_fiber_ != nullptr) __tsan_destroy_fiber(tsan_fiber_);
#endif
}

void Fiber::start(Stack stack, Entry entry, void* argument) {
  MAPSIM_ASSERT(stack.base != nullptr, "a fiber needs a stack");
  MAPSIM_ASSERT(entry != nullptr, "a fiber needs an entry function");
#if MAPSIM_FIBER_ASAN
  // An abandoned fiber may have left redzones on this memory.
  ASAN_UNPOISON_MEMORY_REGION(stack.base, stack.bytes);
#endif
#if MAPSIM_FIBER_TSAN
  // A fresh TSan fiber: the last one's shadow stack may hold an abandoned run's frames.
  if (tsan_fiber_ != nullptr) __tsan_destroy_fiber(tsan_fiber_);
  tsan_fiber_ = __tsan_create_fiber(0);
#endif
  stack_ = stack;
  entry_ = entry;
  argument_ = argument;
  finished_ = false;
  entered_ = false;
  caller_ = nullptr;
  // fake_stack_ stays: a finished fiber's fake stack is empty and serves the next run.
  void* top = static_cast<char*>(stack.base) + stack.bytes;
  context_ = context::make_fcontext(top, stack.bytes, &Fiber::trampoline);
}

void Fiber::resume() {
  MAPSIM_ASSERT(context_ != nullptr, "resume() of a fiber that was not started");
  MAPSIM_ASSERT(!finished_, "resume() of a finished fiber");
#if MAPSIM_FIBER_ASAN
  __sanitizer_start_switch_fiber(&main_fake_stack_, stack_.base, stack_.bytes);
#endif
#if MAPSIM_FIBER_TSAN
  tsan_main_ = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(tsan_fiber_, 0);
#endif
  context::transfer_t back = context::jump_fcontext(context_, this);
#if MAPSIM_FIBER_ASAN
  __sanitizer_finish_switch_fiber(main_fake_stack_, nullptr, nullptr);
#endif
  // A finished fiber's context must never be jumped to again.
  context_ = finished_ ? nullptr : back.fctx;
}

void Fiber::suspend() { leave_to_main(); }

void Fiber::abandon() {
#if MAPSIM_FIBER_ASAN
  // Suspended mid-run, its frames on the fake stack will never return.
  if (entered_ && !finished_) release_fake_stack();
#endif
  context_ = nullptr;
  caller_ = nullptr;
  finished_ = false;
  entered_ = false;
}

#if MAPSIM_FIBER_ASAN
// ASan frees a fake stack (where detect_stack_use_after_return puts frames) only when its
// fiber announces its own end, from inside. An abandoned fiber never will, and dropping the
// pointer leaked about 20 KiB per abandoned fiber: over a gigabyte in 50,000 executions. So the
// main context announces the end for it, without leaving its own stack: it lends the fiber's
// fake stack to itself for a moment and ends that, then takes its own back.
void Fiber::release_fake_stack() {
  if (fake_stack_ == nullptr) return;  // never ran, or ran without needing one
  void* main_fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&main_fake_stack, main_stack_bottom_, main_stack_bytes_);
  __sanitizer_finish_switch_fiber(fake_stack_, nullptr, nullptr);
  __sanitizer_start_switch_fiber(nullptr, main_stack_bottom_, main_stack_bytes_);
  __sanitizer_finish_switch_fiber(main_fake_stack, nullptr, nullptr);
  fake_stack_ = nullptr;
}
#endif

MAPSIM_FIBER_SWITCH_CODE void Fiber::trampoline(context::transfer_t transfer) {
  auto* fiber = static_cast<Fiber*>(transfer.data);
  fiber->caller_ = transfer.fctx;
  fiber->entered_ = true;
  fiber->enter_from_main();
  fiber->entry_(fiber->argument_);
  fiber->finished_ = true;
  fiber->leave_to_main();
  MAPSIM_ASSERT(false, "a finished fiber was resumed");
}

MAPSIM_FIBER_SWITCH_CODE void Fiber::enter_from_main() {
#if MAPSIM_FIBER_ASAN
  __sanitizer_finish_switch_fiber(fake_stack_, &main_stack_bottom_, &main_stack_bytes_);
#endif
}

MAPSIM_FIBER_SWITCH_CODE void Fiber::leave_to_main() {
#if MAPSIM_FIBER_ASAN
  // A finishing fiber keeps its fake stack too (ASan would free it on a null save slot): every
  // frame on it has returned, so the next start() reuses it. Mapping and unmapping a fake stack
  // per fiber per execution made ASan runs of the simulator 3.6 times slower.
  __sanitizer_start_switch_fiber(&fake_stack_, main_stack_bottom_, main_stack_bytes_);
#endif
#if MAPSIM_FIBER_TSAN
  __tsan_switch_to_fiber(tsan_main_, 0);
#endif
  context::transfer_t back = context::jump_fcontext(caller_, nullptr);
  caller_ = back.fctx;
  enter_from_main();
}

}  // namespace mapsim::sim
