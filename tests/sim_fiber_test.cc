// sim/fiber.h: fibers switch to and fro, finish, and can be abandoned and restarted on the same
// pooled stack; a fiber that overflows its stack dies with a message naming the stack size
// (sim/stack_overflow.h).
#include "sim/fiber.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

namespace mapsim::sim {
namespace {

struct PingPong {
  Fiber* fiber = nullptr;
  std::string log;
  int rounds = 0;
};

void ping_pong_entry(void* argument) {
  auto* state = static_cast<PingPong*>(argument);
  for (int round = 0; round < state->rounds; ++round) {
    state->log += 'f';
    state->log += std::to_string(round);
    state->fiber->suspend();
  }
  state->log += "end";
}

TEST(FiberTest, SwitchesBackAndForthUntilTheEntryReturns) {
  StackPool stacks(64 << 10);
  Fiber fiber;
  PingPong state{&fiber, "", 3};
  fiber.start(stacks.acquire(0), &ping_pong_entry, &state);
  while (!fiber.finished()) {
    state.log += "m";
    fiber.resume();
  }
  EXPECT_EQ(state.log, "mf0mf1mf2mend");
}

TEST(FiberTest, AbandonedFiberCanBeRestartedOnTheSameStack) {
  StackPool stacks(64 << 10);
  Fiber fiber;
  PingPong first{&fiber, "", 5};
  fiber.start(stacks.acquire(1), &ping_pong_entry, &first);
  fiber.resume();
  fiber.resume();
  fiber.abandon();
  EXPECT_EQ(first.log, "f0f1");
  PingPong second{&fiber, "", 1};
  fiber.start(stacks.acquire(1), &ping_pong_entry, &second);
  fiber.resume();
  fiber.resume();
  EXPECT_TRUE(fiber.finished());
  EXPECT_EQ(second.log, "f0end");
}

TEST(FiberTest, StackPoolGivesEachSlotItsOwnStableStack) {
  StackPool stacks(20 << 10);
  const Stack a = stacks.acquire(0);
  const Stack b = stacks.acquire(3);
  EXPECT_NE(a.base, b.base);
  EXPECT_EQ(stacks.acquire(0).base, a.base);
  EXPECT_GE(a.bytes, size_t{20} << 10);
  size_t offset = 0;
  EXPECT_EQ(stacks.slot_containing(static_cast<char*>(b.base) + 100, &offset), 3);
  EXPECT_EQ(offset, 100u);
  int local = 0;
  EXPECT_EQ(stacks.slot_containing(&local), -1);
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
// Recursion with a 1 KiB frame that the compiler cannot drop.
int deep(int depth) {
  volatile char frame[1024];
  std::memset(const_cast<char*>(frame), depth & 0x7f, sizeof frame);
  return depth == 0 ? frame[0] : deep(depth - 1) + frame[depth % sizeof frame];
}

void overflowing_entry(void* argument) { *static_cast<int*>(argument) = deep(1000); }

void overflow_a_small_stack() {
  StackPool stacks(16 << 10);
  Fiber fiber;
  int result = 0;
  fiber.start(stacks.acquire(0), &overflowing_entry, &result);
  fiber.resume();
}
#endif

TEST(FiberTest, StackOverflowDiesNamingTheStackSize) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizer reports stack overflows itself";
#else
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(overflow_a_small_stack(),
               "mapsim: a simulated context overflowed its fiber stack of 16 KiB");
  // A fault elsewhere still gets the default action (not our message).
  EXPECT_DEATH(
      [] {
        StackPool stacks(16 << 10);
        stacks.acquire(0);
        *static_cast<volatile int*>(nullptr) = 1;
      }(),
      "^$");
#endif
}

#if defined(__SANITIZE_ADDRESS__)
// What a fiber saw of AddressSanitizer's fake stack (detect_stack_use_after_return).
struct FakeStackProbe {
  void* fake_stack = nullptr;
  bool read_a_dead_frame = false;
  char first_byte = 1;
};

__attribute__((noinline)) volatile int* address_of_a_dead_local() {
  volatile int local[4] = {1, 2, 3, 4};  // addressable, so it lives on the fake stack
  volatile int* address = &local[1];
  asm volatile("" : "+r"(address));  // the dangling pointer is the point: hide it from -Wall
  return address;
}

void fake_stack_entry(void* argument) {
  auto* probe = static_cast<FakeStackProbe*>(argument);
  volatile char addressable[64] = {};  // addressable, so this frame is on the fake stack
  probe->fake_stack = __asan_get_current_fake_stack();
  probe->first_byte = addressable[0];
  if (probe->read_a_dead_frame) (void)*address_of_a_dead_local();
}

void run_to_the_end(StackPool& stacks, Fiber& fiber, FakeStackProbe& probe) {
  fiber.start(stacks.acquire(0), &fake_stack_entry, &probe);
  while (!fiber.finished()) fiber.resume();
}

void read_a_dead_frame_in_a_run(StackPool& stacks, Fiber& fiber) {
  FakeStackProbe reader;
  reader.read_a_dead_frame = true;
  run_to_the_end(stacks, fiber, reader);
}
#endif

// A finished fiber keeps its fake stack for its next run (mapping one per run made ASan runs
// of the simulator 3.6 times slower), and the reused fake stack still catches a read of a frame
// that has returned.
TEST(FiberTest, FinishedFiberReusesItsFakeStackWhichStillCatchesUseAfterReturn) {
#if !defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "fake stacks exist only under AddressSanitizer";
#else
  StackPool stacks(64 << 10);
  Fiber fiber;
  FakeStackProbe first;
  run_to_the_end(stacks, fiber, first);
  if (first.fake_stack == nullptr) GTEST_SKIP() << "detect_stack_use_after_return is off";
  FakeStackProbe second;
  run_to_the_end(stacks, fiber, second);
  EXPECT_EQ(second.fake_stack, first.fake_stack);
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(read_a_dead_frame_in_a_run(stacks, fiber), "stack-use-after-return");
#endif
}

}  // namespace
}  // namespace mapsim::sim
