// sim/strategy/wakeup_tree.h: insertion keeps one branch per class of sequences and explores
// branches in insertion order; an only branch moves down without a copy; a tree that lives long
// while branches come and go holds memory for its live branches only.
#include "sim/strategy/wakeup_tree.h"

#include <gtest/gtest.h>

#include <vector>

namespace mapsim::sim {
namespace {

Transition store(int context, ObjectKey object) {
  return Transition{static_cast<uint16_t>(context), static_cast<uint16_t>(context),
                    VisibleOp(VisibleOpKind::kRacyStore, object)};
}

TEST(WakeupTreeTest, EquivalentSequencesShareABranch) {
  WakeupTree tree;
  EXPECT_TRUE(tree.empty());
  // Context 1 then 2 on different objects: independent, so 2-then-1 is the same class.
  EXPECT_TRUE(tree.insert({store(1, 10), store(2, 20)}));
  EXPECT_FALSE(tree.insert({store(1, 10), store(2, 20)}));
  EXPECT_FALSE(tree.insert({store(2, 20), store(1, 10)}));
  EXPECT_EQ(tree.size(), 2u);
  // Context 3 writing what context 1 writes: a new, last branch.
  EXPECT_TRUE(tree.insert({store(3, 10)}));
  EXPECT_EQ(tree.size(), 3u);
  EXPECT_EQ(tree.first().context, 1);
  WakeupTree below = tree.take_first_subtree();
  EXPECT_EQ(below.size(), 1u);
  EXPECT_EQ(below.first().context, 2);
  EXPECT_EQ(tree.first().context, 3);
  tree.drop_first();
  EXPECT_TRUE(tree.empty());
  EXPECT_EQ(tree.capacity(), 1u);
}

// A single branch moves down whole (no copy) and leaves an empty tree with its pool given back.
TEST(WakeupTreeTest, OnlyBranchMovesToTheSubtree) {
  WakeupTree tree;
  ASSERT_TRUE(tree.insert({store(1, 10), store(2, 10), store(3, 10)}));
  WakeupTree below = tree.take_first_subtree();
  EXPECT_TRUE(tree.empty());
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(tree.capacity(), 1u);
  ASSERT_EQ(below.size(), 2u);
  EXPECT_EQ(below.first().context, 2);
  // The moved tree goes on working: equivalent sequences are known, new ones are added last.
  EXPECT_FALSE(below.insert({store(2, 10), store(3, 10)}));
  EXPECT_TRUE(below.insert({store(3, 10)}));
  WakeupTree deeper = below.take_first_subtree();
  EXPECT_EQ(deeper.first().context, 3);
  EXPECT_EQ(below.first().context, 3);
  EXPECT_EQ(below.size(), 1u);
}

// The pattern of a wakeup tree near the root of a long DPOR exploration: its first branch is
// explored and dropped while races insert new branches behind the others, and the tree never
// empties. Memory must follow the live branches, and the order of exploration must survive
// the compaction.
TEST(WakeupTreeTest, LongLivedTreeKeepsMemoryForLiveBranchesOnly) {
  constexpr int kBranchLength = 10;
  auto branch = [](int context, int round) {
    std::vector<Transition> sequence{store(context, 1)};  // all first steps conflict
    for (int i = 1; i < kBranchLength; ++i) sequence.push_back(store(context, 1000 + round));
    return sequence;
  };
  WakeupTree tree;
  ASSERT_TRUE(tree.insert(branch(1, 0)));
  ASSERT_TRUE(tree.insert(branch(2, 0)));
  size_t largest = 0;
  for (int round = 1; round <= 10'000; ++round) {
    const int explored = tree.first().context;
    WakeupTree below = tree.take_first_subtree();
    ASSERT_EQ(below.size(), static_cast<size_t>(kBranchLength - 1)) << round;
    ASSERT_FALSE(tree.empty());
    ASSERT_NE(tree.first().context, explored) << round;  // the older branch comes next
    ASSERT_TRUE(tree.insert(branch(explored, round))) << round;
    ASSERT_EQ(tree.size(), static_cast<size_t>(2 * kBranchLength)) << round;
    if (tree.capacity() > largest) largest = tree.capacity();
  }
  EXPECT_LE(largest, 2 * (2 * kBranchLength + 1) + 64 + kBranchLength);
}

}  // namespace
}  // namespace mapsim::sim
