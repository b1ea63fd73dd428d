// sim/fiber.h under load: an explorer abandons a suspended fiber at the end of almost every
// execution and restarts it on the same pooled stack, millions of times in a long run. Memory
// must stay flat across that, in every build. Under ThreadSanitizer this needs the fiber
// switches announced to TSan: unannounced, each abandoned fiber left its frames on the one
// thread's shadow call stack and `mapsim run` under TSan grew to tens of GiB (the test's name
// holds Stress, so scripts/test.sh runs it under TSan too).
#include "sim/fiber.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>

namespace mapsim::sim {
namespace {

struct DeepSuspend {
  Fiber* fiber = nullptr;
  int depth = 0;
};

// Recurses `depth` frames, then suspends from the deepest one; never resumed again.
__attribute__((noinline)) int descend_then_suspend(DeepSuspend* state, int level) {
  volatile int frame_local = level;  // keeps every frame real
  if (level == state->depth) {
    state->fiber->suspend();
    return frame_local;
  }
  return descend_then_suspend(state, level + 1) + frame_local;
}

void deep_suspend_entry(void* argument) {
  auto* state = static_cast<DeepSuspend*>(argument);
  descend_then_suspend(state, 0);
}

uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size_pages = 0;
  uint64_t resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

void abandon_deep_fibers(StackPool& stacks, Fiber& fiber, int rounds) {
  for (int round = 0; round < rounds; ++round) {
    DeepSuspend state{&fiber, 64};
    fiber.start(stacks.acquire(0), &deep_suspend_entry, &state);
    fiber.resume();
    ASSERT_FALSE(fiber.finished());
    fiber.abandon();
  }
}

TEST(FiberStressTest, AbandoningDeepFibersAgainAndAgainKeepsMemoryFlat) {
  StackPool stacks(256 << 10);
  Fiber fiber;
  abandon_deep_fibers(stacks, fiber, 2'000);  // warm-up: stacks mapped, allocators primed
  const uint64_t before = resident_bytes();
  abandon_deep_fibers(stacks, fiber, 50'000);
  const uint64_t after = resident_bytes();
  // 50,000 abandoned fibers of 64 frames each: a leak of even one frame's worth per fiber
  // (TSan's shadow stack, an ASan fake frame) would pass this bound many times over.
  EXPECT_LT(after, before + (uint64_t{32} << 20))
      << "resident memory grew from " << before << " to " << after << " bytes";
}

}  // namespace
}  // namespace mapsim::sim
