// sim/fiber.h: fibers switch to and fro, finish, and can be abandoned and restarted on the same
// pooled stack.
#include "sim/fiber.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace mapsim::sim
