// Unit tests of the LRU lists (impl/internal/lru_list.h) and the node pool built on them
// (impl/internal/lru_pool.h): one test per list operation, each with hand-computed list
// contents in the kernel's order, plus the path events every pop and push reports.
//
// Setup: RealPlatform, one thread; CpuBinding switches the CPU the pool sees. The hash table is
// stood in for by TestTable: a set of "linked" nodes whose delete callback unlinks a node when
// it is linked and not marked as refused (a refused node is what a failing bucket lock gives).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "impl/assert.h"
#include "impl/internal/lru_list.h"
#include "impl/internal/lru_pool.h"
#include "impl/lru_path_event.h"
#include "impl/real_platform.h"
#include "tests/support/recording_platform.h"

namespace mapsim {

// Reaches the LRU locks, so that a test can hold one the way a program nested on that CPU
// (interrupting a locked section) would.
struct LruPoolTestOnlyAccess {
  template <class P>
  static typename P::BucketLock& local_lock(LruPool<P>& pool, int cpu) {
    return pool.local_lists_[cpu].lock;
  }
  template <class P>
  static typename P::BucketLock& global_lock(LruPool<P>& pool) {
    return pool.global_list_.lock;
  }
  template <class P>
  static typename P::BucketLock& percpu_lock(LruPool<P>& pool, int cpu) {
    return pool.percpu_lists_[cpu].lock;
  }
};

namespace {

using Node = LruNode<RealPlatform>;
using testing::RecordingPlatform;
using Event = RecordingPlatform::Event;

template <class P>
struct TestTable {
  std::set<const LruNode<P>*> linked;
  std::set<const LruNode<P>*> refused;
  int calls = 0;

  static bool delete_from_table(void* table, LruNode<P>* node) {
    auto* self = static_cast<TestTable*>(table);
    ++self->calls;
    if (self->refused.count(node) != 0) return false;
    return self->linked.erase(node) == 1;
  }
  LruEvictor<P> evictor() { return LruEvictor<P>{&TestTable::delete_from_table, this}; }
};

// Takes an rqspinlock for the scope; the calling thread's CPU must not hold it yet.
template <class Lock>
class Hold {
 public:
  explicit Hold(Lock& lock) : lock_(lock) { EXPECT_EQ(lock_.lock(), 0); }
  ~Hold() { lock_.unlock(); }
  Hold(const Hold&) = delete;
  Hold& operator=(const Hold&) = delete;

 private:
  Lock& lock_;
};

// ---------------------------------------------------------------------------------------------
// List operations on hand-built lists.

class LruListTest : public ::testing::Test {
 protected:
  static constexpr int kNodes = 8;

  // Puts nodes[indexes...] on `type` of list_, each at the head, so the last one is the newest.
  void fill(LruListType type, std::initializer_list<int> indexes) {
    for (int index : indexes) {
      nodes_[index].set_type(type);
      lru_link_add_to_head(&nodes_[index], list_.head(type));
      list_.count_add(type);
    }
  }
  // Node indexes on `head`'s list, newest first.
  std::vector<int> indexes(const LruLink<RealPlatform>* head) const {
    std::vector<int> result;
    for (const LruLink<RealPlatform>* link = head->next(); link != head; link = link->next()) {
      result.push_back(static_cast<int>(static_cast<const Node*>(link) - nodes_));
    }
    return result;
  }
  std::vector<int> on(LruListType type) const { return indexes(list_.head(type)); }
  void set_ref(int index) { lru_node_set_ref(&nodes_[index]); }

  // LRU locks are rqspinlocks, taken on a CPU.
  RealPlatform platform_{1};
  RealPlatform::CpuBinding binding_{platform_, 0};
  LruList<RealPlatform> list_;
  Node nodes_[kNodes];
  TestTable<RealPlatform> table_;
};

TEST_F(LruListTest, NodeMoveAdjustsCountersAndClearsRef) {
  fill(LruListType::kActive, {0, 1});
  set_ref(0);
  Hold guard(list_.lock);
  lru_node_move_locked(list_, &nodes_[0], LruListType::kInactive);
  EXPECT_EQ(on(LruListType::kActive), (std::vector<int>{1}));
  EXPECT_EQ(on(LruListType::kInactive), (std::vector<int>{0}));
  EXPECT_EQ(list_.count(LruListType::kActive), 1u);
  EXPECT_EQ(list_.count(LruListType::kInactive), 1u);
  EXPECT_FALSE(nodes_[0].is_referenced());
  EXPECT_EQ(nodes_[0].type(), LruListType::kInactive);
  // FREE is not counted.
  lru_node_move_locked(list_, &nodes_[1], LruListType::kFree);
  EXPECT_EQ(list_.count(LruListType::kActive), 0u);
  EXPECT_EQ(on(LruListType::kFree), (std::vector<int>{1}));
}

TEST_F(LruListTest, NodeMoveWithinTheSameListGoesToItsHead) {
  fill(LruListType::kActive, {0, 1, 2});  // newest first: 2 1 0
  set_ref(0);
  Hold guard(list_.lock);
  lru_node_move_locked(list_, &nodes_[0], LruListType::kActive);
  EXPECT_EQ(on(LruListType::kActive), (std::vector<int>{0, 2, 1}));
  EXPECT_EQ(list_.count(LruListType::kActive), 3u);
  EXPECT_FALSE(nodes_[0].is_referenced());
}

TEST_F(LruListTest, NodeMoveStepsTheRotationCursorBack) {
  fill(LruListType::kInactive, {0, 1, 2});  // 2 1 0: node 1's predecessor is node 2
  list_.next_inactive_rotation.write(&nodes_[1]);
  Hold guard(list_.lock);
  lru_node_move_locked(list_, &nodes_[1], LruListType::kActive);
  EXPECT_EQ(list_.next_inactive_rotation.read(), &nodes_[2]);
}

TEST_F(LruListTest, NodeMoveToFreeKeepsRefAndFixesCursor) {
  fill(LruListType::kInactive, {0, 1});  // 1 0
  set_ref(0);
  list_.next_inactive_rotation.write(&nodes_[0]);
  LruLink<RealPlatform> local_free;
  lru_link_init_head(&local_free);
  Hold guard(list_.lock);
  lru_node_move_to_free_locked(list_, &nodes_[0], &local_free, LruListType::kLocalFree);
  EXPECT_EQ(indexes(&local_free), (std::vector<int>{0}));
  EXPECT_EQ(nodes_[0].type(), LruListType::kLocalFree);
  EXPECT_TRUE(nodes_[0].is_referenced()) << "move-to-free does not touch the ref bit";
  EXPECT_EQ(list_.count(LruListType::kInactive), 1u);
  EXPECT_EQ(list_.next_inactive_rotation.read(), &nodes_[1]);
}

TEST_F(LruListTest, NodeMoveInCountsAndClearsRef) {
  LruLocalList<RealPlatform> local;
  Hold local_guard(local.lock);
  local_list_add_pending_locked(local, 0, &nodes_[3], 0x33);
  set_ref(3);
  Hold guard(list_.lock);
  lru_node_move_in_locked(list_, &nodes_[3], LruListType::kActive);
  EXPECT_EQ(on(LruListType::kActive), (std::vector<int>{3}));
  EXPECT_EQ(list_.count(LruListType::kActive), 1u);
  EXPECT_FALSE(nodes_[3].is_referenced());
  EXPECT_TRUE(lru_link_list_is_empty(&local.pending_list));
}

TEST_F(LruListTest, RotateActiveSendsUnreferencedToInactiveAndRequeuesReferenced) {
  fill(LruListType::kActive, {0, 1, 2, 3});  // 3 2 1 0, tail is 0
  set_ref(1);
  Hold guard(list_.lock);
  // Scans 0 (to INACTIVE), 1 (back to ACTIVE head), 2, 3 (the head when it began): all 4.
  EXPECT_EQ(lru_list_rotate_active_locked(list_, 128), 4u);
  EXPECT_EQ(on(LruListType::kActive), (std::vector<int>{1}));
  EXPECT_EQ(on(LruListType::kInactive), (std::vector<int>{3, 2, 0}));
  EXPECT_FALSE(nodes_[1].is_referenced());
}

TEST_F(LruListTest, RotateActiveStopsAfterTheScanLimit) {
  fill(LruListType::kActive, {0, 1, 2, 3, 4, 5});
  Hold guard(list_.lock);
  EXPECT_EQ(lru_list_rotate_active_locked(list_, 4), 4u);
  EXPECT_EQ(on(LruListType::kActive), (std::vector<int>{5, 4}));
  EXPECT_EQ(on(LruListType::kInactive), (std::vector<int>{3, 2, 1, 0}));
}

TEST_F(LruListTest, RotateInactiveMovesReferencedAndRemembersWhereItStopped) {
  fill(LruListType::kInactive, {0, 1, 2, 3, 4, 5});  // 5 4 3 2 1 0
  set_ref(1);
  Hold guard(list_.lock);
  // Cursor at the head: starts at the tail (0), examines 0, 1 (to ACTIVE), 2, 3.
  EXPECT_EQ(lru_list_rotate_inactive_locked(list_, 4), 4u);
  EXPECT_EQ(on(LruListType::kActive), (std::vector<int>{1}));
  EXPECT_EQ(on(LruListType::kInactive), (std::vector<int>{5, 4, 3, 2, 0}));
  EXPECT_EQ(list_.next_inactive_rotation.read(), &nodes_[4]) << "predecessor of the last examined";
  // Next rotation continues at 4, 5, wraps past the head to 0, 2 and stops at 3 (the node that
  // followed the cursor: one full circle); the cursor is then 3's newer neighbour, 4.
  set_ref(5);
  EXPECT_EQ(lru_list_rotate_inactive_locked(list_, 128), 5u);
  EXPECT_EQ(on(LruListType::kActive), (std::vector<int>{5, 1}));
  EXPECT_EQ(on(LruListType::kInactive), (std::vector<int>{4, 3, 2, 0}));
  EXPECT_EQ(list_.next_inactive_rotation.read(), &nodes_[4]);
}

TEST_F(LruListTest, RotateInactiveOnAnEmptyListDoesNothing) {
  Hold guard(list_.lock);
  EXPECT_EQ(lru_list_rotate_inactive_locked(list_, 128), 0u);
  EXPECT_EQ(list_.next_inactive_rotation.read(), list_.head(LruListType::kInactive));
}

TEST_F(LruListTest, ShrinkInactiveEvictsOldestUnreferencedUpToTheTarget) {
  fill(LruListType::kInactive, {0, 1, 2, 3, 4});  // 4 3 2 1 0
  for (int index : {0, 1, 2, 3, 4}) table_.linked.insert(&nodes_[index]);
  set_ref(1);
  table_.refused.insert(&nodes_[2]);
  LruLink<RealPlatform> free_list;
  lru_link_init_head(&free_list);
  Hold guard(list_.lock);
  const uint32_t evicted = lru_list_shrink_inactive_locked(list_, table_.evictor(), 2, 128,
                                                           &free_list, LruListType::kFree);
  EXPECT_EQ(evicted, 2u);
  EXPECT_EQ(indexes(&free_list), (std::vector<int>{3, 0}));   // 0 first, 2 refused, then 3
  EXPECT_EQ(on(LruListType::kActive), (std::vector<int>{1}));  // referenced: second chance
  EXPECT_EQ(on(LruListType::kInactive), (std::vector<int>{4, 2}));
  EXPECT_EQ(table_.linked.count(&nodes_[0]), 0u);
  EXPECT_EQ(table_.linked.count(&nodes_[4]), 1u) << "stopped at the target";
}

TEST_F(LruListTest, ShrinkInactiveCountsEveryExaminedNodeAgainstTheScanLimit) {
  fill(LruListType::kInactive, {0, 1, 2, 3});
  for (int index : {0, 1, 2, 3}) table_.linked.insert(&nodes_[index]);
  set_ref(0);
  set_ref(1);
  LruLink<RealPlatform> free_list;
  lru_link_init_head(&free_list);
  Hold guard(list_.lock);
  EXPECT_EQ(lru_list_shrink_inactive_locked(list_, table_.evictor(), 4, 3, &free_list,
                                            LruListType::kFree),
            1u);  // 0 and 1 referenced, 2 evicted, then the scan limit of 3
  EXPECT_EQ(indexes(&free_list), (std::vector<int>{2}));
}

TEST_F(LruListTest, ForceShrinkIgnoresRefAndPrefersInactive) {
  fill(LruListType::kActive, {0});
  fill(LruListType::kInactive, {1, 2});  // 2 1
  for (int index : {0, 1, 2}) table_.linked.insert(&nodes_[index]);
  set_ref(1);
  LruLink<RealPlatform> free_list;
  lru_link_init_head(&free_list);
  Hold guard(list_.lock);
  EXPECT_EQ(lru_list_force_shrink_locked(list_, table_.evictor(), &free_list, LruListType::kFree),
            1u);
  EXPECT_EQ(indexes(&free_list), (std::vector<int>{1}));
  EXPECT_TRUE(nodes_[1].is_referenced());
}

TEST_F(LruListTest, ForceShrinkFallsBackToActiveAndSkipsRefusedNodes) {
  fill(LruListType::kActive, {0, 1});  // 1 0
  table_.linked.insert(&nodes_[1]);    // 0 is not in the table
  LruLink<RealPlatform> free_list;
  lru_link_init_head(&free_list);
  Hold guard(list_.lock);
  EXPECT_EQ(lru_list_force_shrink_locked(list_, table_.evictor(), &free_list, LruListType::kFree),
            1u);
  EXPECT_EQ(indexes(&free_list), (std::vector<int>{1}));
  table_.refused.insert(&nodes_[0]);
  EXPECT_EQ(lru_list_force_shrink_locked(list_, table_.evictor(), &free_list, LruListType::kFree),
            0u);
}

TEST_F(LruListTest, LocalListFlushMovesPendingOldestFirstByRefBit) {
  LruLocalList<RealPlatform> local;
  Hold local_guard(local.lock);
  for (int index : {0, 1, 2}) local_list_add_pending_locked(local, 0, &nodes_[index], 0);
  set_ref(1);
  Hold guard(list_.lock);
  EXPECT_EQ(local_list_flush_locked(list_, local).moved, 3u);
  EXPECT_EQ(on(LruListType::kInactive), (std::vector<int>{2, 0}));
  EXPECT_EQ(on(LruListType::kActive), (std::vector<int>{1}));
  EXPECT_EQ(list_.count(LruListType::kInactive), 2u);
  EXPECT_TRUE(lru_link_list_is_empty(&local.pending_list));
}

TEST_F(LruListTest, LocalListAddPendingRecordsOwnerHashAndClearsRef) {
  LruLocalList<RealPlatform> local;
  Hold local_guard(local.lock);
  set_ref(5);
  local_list_add_pending_locked(local, 7, &nodes_[5], 0xabcd);
  EXPECT_EQ(nodes_[5].cpu.read(), 7);
  EXPECT_EQ(nodes_[5].hash.read(), 0xabcdu);
  EXPECT_EQ(nodes_[5].type(), LruListType::kLocalPending);
  EXPECT_FALSE(nodes_[5].is_referenced());
  EXPECT_EQ(indexes(&local.pending_list), (std::vector<int>{5}));
}

TEST_F(LruListTest, LocalListFreeLlistIsLastInFirstOut) {
  LruLocalList<RealPlatform> local;
  Hold local_guard(local.lock);
  EXPECT_EQ(local_list_pop_free_locked(local), nullptr);
  for (int index : {0, 1}) {
    nodes_[index].set_type(LruListType::kLocalFree);
    local_list_push_free(local, &nodes_[index]);
  }
  EXPECT_EQ(local_list_pop_free_locked(local), &nodes_[1]);
  EXPECT_EQ(local_list_pop_free_locked(local), &nodes_[0]);
  EXPECT_EQ(local_list_pop_free_locked(local), nullptr);
}

TEST_F(LruListTest, LocalListFlushSendsPendingFreeNodesToFree) {
  LruLocalList<RealPlatform> local;
  Hold local_guard(local.lock);
  for (int index : {0, 1}) local_list_add_pending_locked(local, 0, &nodes_[index], 0);
  set_ref(0);
  nodes_[0].set_pending_free(true);  // pushed while a lock failed: ref does not matter
  Hold guard(list_.lock);
  const LruFlushCount count = local_list_flush_locked(list_, local);
  EXPECT_EQ(count.moved, 2u);
  EXPECT_EQ(count.freed, 1u);
  EXPECT_EQ(on(LruListType::kFree), (std::vector<int>{0}));
  EXPECT_FALSE(nodes_[0].is_pending_free());
  EXPECT_EQ(on(LruListType::kInactive), (std::vector<int>{1}));
}

TEST_F(LruListTest, ShrinkReclaimsPendingFreeNodesWithoutTheTable) {
  fill(LruListType::kInactive, {0, 1, 2});  // 2 1 0
  table_.linked.insert(&nodes_[2]);
  set_ref(0);
  nodes_[0].set_pending_free(true);  // referenced, but already out of the table
  nodes_[1].set_pending_free(true);
  LruLink<RealPlatform> free_list;
  lru_link_init_head(&free_list);
  Hold guard(list_.lock);
  EXPECT_EQ(lru_list_shrink_inactive_locked(list_, table_.evictor(), 2, 128, &free_list,
                                            LruListType::kFree),
            2u);
  EXPECT_EQ(indexes(&free_list), (std::vector<int>{1, 0}));
  EXPECT_EQ(table_.calls, 0) << "pending_free nodes are not offered to the table";
  nodes_[2].set_pending_free(true);
  set_ref(2);
  EXPECT_EQ(lru_list_force_shrink_locked(list_, table_.evictor(), &free_list,
                                         LruListType::kFree),
            1u);
  EXPECT_EQ(table_.calls, 0);
}

TEST_F(LruListTest, LocalListPopPendingPrefersOldUnreferencedThenIgnoresRef) {
  LruLocalList<RealPlatform> local;
  Hold local_guard(local.lock);
  for (int index : {0, 1, 2}) {
    local_list_add_pending_locked(local, 0, &nodes_[index], 0);
    table_.linked.insert(&nodes_[index]);
  }
  set_ref(0);
  LruPendingSteal pass = LruPendingSteal::kNone;
  EXPECT_EQ(local_list_pop_pending_locked(local, table_.evictor(), &pass), &nodes_[1]);
  EXPECT_EQ(pass, LruPendingSteal::kUnreferenced);
  set_ref(2);
  EXPECT_EQ(local_list_pop_pending_locked(local, table_.evictor(), &pass), &nodes_[0]);
  EXPECT_EQ(pass, LruPendingSteal::kIgnoringRef);
  table_.refused.insert(&nodes_[2]);
  EXPECT_EQ(local_list_pop_pending_locked(local, table_.evictor(), &pass), nullptr);
  EXPECT_EQ(pass, LruPendingSteal::kNone);
  EXPECT_EQ(indexes(&local.pending_list), (std::vector<int>{2}));
  nodes_[2].set_pending_free(true);  // referenced pending_free: the second pass takes it
  const int calls = table_.calls;
  EXPECT_EQ(local_list_pop_pending_locked(local, table_.evictor(), &pass), &nodes_[2]);
  EXPECT_EQ(pass, LruPendingSteal::kIgnoringRef);
  EXPECT_EQ(table_.calls, calls);
}

TEST_F(LruListTest, SetRefReportsOnlyTheFirstSet) {
  EXPECT_TRUE(lru_node_set_ref(&nodes_[0]));
  EXPECT_FALSE(lru_node_set_ref(&nodes_[0]));
  EXPECT_TRUE(nodes_[0].is_referenced());
}

TEST(LruTargetFreeTest, IsHalfTheShareClampedToOneAnd128) {
  EXPECT_EQ(lru_target_free_count(1000, 2), 128u);
  EXPECT_EQ(lru_target_free_count(300, 2), 75u);
  EXPECT_EQ(lru_target_free_count(2, 2), 1u);
  EXPECT_EQ(lru_target_free_count(1, 4), 1u);
  EXPECT_EQ(lru_target_free_count(1u << 20, 512), 128u);
  EXPECT_EQ(lru_target_free_count(1000, 64), 7u);
}

// ---------------------------------------------------------------------------------------------
// Path event ids: stable, unique, named, documented.

TEST(PathEventTest, NamesAreUniqueDottedAndRoundTrip) {
  std::set<std::string> names;
  uint16_t previous = 0;
  for (PathEvent event : all_path_events()) {
    EXPECT_GT(static_cast<uint16_t>(event), previous) << "ascending ids";
    previous = static_cast<uint16_t>(event);
    const char* name = path_event_name(event);
    ASSERT_NE(name, nullptr);
    EXPECT_EQ(std::string(name).rfind("lru.", 0), 0u) << name;
    EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
    EXPECT_EQ(path_event_from_name(name), event);
    EXPECT_NE(path_event_summary(event), nullptr);
  }
  EXPECT_EQ(path_event_name(static_cast<PathEvent>(1)), nullptr);
  EXPECT_FALSE(path_event_from_name("lru.no.such_event").has_value());
  // A few pinned ids: renumbering one breaks recorded traces and flowcharts.
  EXPECT_EQ(static_cast<uint16_t>(PathEvent::kUpdateBegin), 100);
  EXPECT_STREQ(path_event_name(PathEvent::kPopLocalFreeHit), "lru.pop.local_free_hit");
  EXPECT_EQ(static_cast<uint16_t>(PathEvent::kStealPendingIgnoringRef), 403);
  EXPECT_EQ(static_cast<uint16_t>(PathEvent::kLookupSetRef), 800);
}

TEST(PathEventTest, EveryEventIsDocumented) {
  const std::filesystem::path doc =
      std::filesystem::path(MAPSIM_SOURCE_DIR) / "docs" /
      "lru-path-events.md";
  std::ifstream file(doc);
  ASSERT_TRUE(file.good()) << doc;
  std::stringstream text;
  text << file.rdbuf();
  for (PathEvent event : all_path_events()) {
    const std::string row = "| " + std::to_string(static_cast<uint16_t>(event)) + " | `" +
                            path_event_name(event) + "` |";
    EXPECT_NE(text.str().find(row), std::string::npos) << "docs lack the row " << row;
  }
}

// ---------------------------------------------------------------------------------------------
// The pool: populate, pop (common and per-CPU), steal, push, and the path events of each step.

struct alignas(8) NodeSlot {
  unsigned char bytes[40];  ///< a node inside a larger "element", as in the hash table
};
static_assert(sizeof(LruNode<RecordingPlatform>) <= sizeof(NodeSlot), "a node fits its slot");

class PoolHarness {
 public:
  PoolHarness(int cpus, uint32_t nodes, bool percpu_lists)
      : platform_(cpus),
        slots_(std::make_unique<NodeSlot[]>(nodes)),
        pool_(platform_, percpu_lists, table_.evictor()) {
    EXPECT_EQ(pool_.init(), 0);
    pool_.populate(reinterpret_cast<unsigned char*>(slots_.get()), sizeof(NodeSlot), nodes);
  }

  RecordingPlatform& platform() { return platform_; }
  LruPool<RecordingPlatform>& pool() { return pool_; }
  TestTable<RecordingPlatform>& table() { return table_; }
  LruNode<RecordingPlatform>* node(uint32_t index) { return pool_.node_at(index); }

  // An update on `cpu`: pop a node and, when there is one, link its "key" in the table.
  // Returns the node's index or -1. Path events of earlier steps are dropped.
  int pop(int cpu, uint32_t hash = 0) {
    platform_.take_events();
    RecordingPlatform::CpuBinding binding(platform_, cpu);
    LruNode<RecordingPlatform>* popped = pool_.pop_free(hash);
    if (popped == nullptr) return -1;
    table_.linked.insert(popped);
    return static_cast<int>(pool_.index_of(popped));
  }
  // A delete on `cpu`: unlink the node's key, then push the node back.
  void push(int cpu, uint32_t index) {
    platform_.take_events();
    table_.linked.erase(node(index));
    RecordingPlatform::CpuBinding binding(platform_, cpu);
    pool_.push_free(node(index));
  }
  std::vector<int> on(LruListType type, int cpu = 0) const {
    std::vector<int> indexes;
    for (const auto* listed : pool_.list_nodes(type, cpu)) {
      indexes.push_back(static_cast<int>(pool_.index_of(listed)));
    }
    return indexes;
  }
  std::vector<Event> events() { return platform_.take_events(); }
  void expect_invariants() {
    std::string failure;
    EXPECT_TRUE(pool_.check_invariants(&failure)) << failure;
  }

 private:
  RecordingPlatform platform_;
  TestTable<RecordingPlatform> table_;
  std::unique_ptr<NodeSlot[]> slots_;
  LruPool<RecordingPlatform> pool_;
};

using Events = std::vector<Event>;
constexpr LruListType kActive = LruListType::kActive;
constexpr LruListType kInactive = LruListType::kInactive;
constexpr LruListType kFree = LruListType::kFree;
constexpr LruListType kLocalFree = LruListType::kLocalFree;
constexpr LruListType kLocalPending = LruListType::kLocalPending;

TEST(LruPoolTest, PopulateCommonPutsEveryNodeOnTheGlobalFreeList) {
  PoolHarness harness(2, 8, false);
  EXPECT_EQ(harness.on(kFree), (std::vector<int>{7, 6, 5, 4, 3, 2, 1, 0}));
  EXPECT_EQ(harness.pool().target_free(), 2u);  // (8 / 2) / 2
  EXPECT_EQ(harness.pool().scan_count_max(), 128u);
  EXPECT_EQ(harness.pool().next_steal(0), 0);
  EXPECT_EQ(harness.pool().next_steal(1), 1);
  EXPECT_EQ(harness.pool().rotation_cursor(), -1);
  harness.expect_invariants();
}

TEST(LruPoolTest, PopulatePercpuPartitionsTheNodesByCpu) {
  PoolHarness harness(2, 6, true);
  EXPECT_EQ(harness.on(kFree, 0), (std::vector<int>{2, 1, 0}));
  EXPECT_EQ(harness.on(kFree, 1), (std::vector<int>{5, 4, 3}));
  EXPECT_EQ(harness.node(4)->cpu.read(), 1);
  EXPECT_EQ(harness.pool().scan_count_max(), 4u);
  harness.expect_invariants();
}

// 6.18.44 gathers a refill on a temporary list and pushes it onto the LOCAL_FREE llist, so the
// first node taken from the global FREE list (7, its head) is the first handed out.
TEST(LruPoolTest, CommonPopRefillsTargetFreeNodesThenUsesThem) {
  PoolHarness harness(2, 8, false);
  EXPECT_EQ(harness.pop(0, 0x1234), 7);
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kRefillFlushPending, 0},
                                      {PathEvent::kRefillRotateInactive, 0},
                                      {PathEvent::kRefillMoveFromGlobalFree, 2},
                                      {PathEvent::kPopRefillHit, 0},
                                      {PathEvent::kPopNodeMadePending, 0}}));
  EXPECT_EQ(harness.on(kLocalFree, 0), (std::vector<int>{6}));
  EXPECT_EQ(harness.on(kLocalPending, 0), (std::vector<int>{7}));
  EXPECT_EQ(harness.node(7)->hash.read(), 0x1234u);
  EXPECT_EQ(harness.pop(0), 6);
  EXPECT_EQ(harness.events(),
            (Events{{PathEvent::kPopLocalFreeHit, 0}, {PathEvent::kPopNodeMadePending, 0}}));
  // Third pop: the pending nodes are flushed into INACTIVE, two more come from FREE.
  EXPECT_EQ(harness.pop(0), 5);
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kRefillFlushPending, 2},
                                      {PathEvent::kRefillRotateInactive, 2},
                                      {PathEvent::kRefillMoveFromGlobalFree, 2},
                                      {PathEvent::kPopRefillHit, 0},
                                      {PathEvent::kPopNodeMadePending, 0}}));
  EXPECT_EQ(harness.on(kInactive), (std::vector<int>{6, 7}));
  EXPECT_EQ(harness.pool().list_counter(kInactive), 2u);
  EXPECT_EQ(harness.on(kFree), (std::vector<int>{3, 2, 1, 0}));
  harness.expect_invariants();
}

TEST(LruPoolTest, CommonRefillShrinksInactiveWhenGlobalFreeRunsOut) {
  PoolHarness harness(1, 4, false);  // target_free 2
  for (int expected : {3, 2, 1, 0}) EXPECT_EQ(harness.pop(0), expected);
  EXPECT_EQ(harness.pop(0), 3);  // the oldest two keys (nodes 3, 2) are evicted
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kRefillFlushPending, 2},
                                      {PathEvent::kRefillRotateInactive, 4},
                                      {PathEvent::kRefillMoveFromGlobalFree, 0},
                                      {PathEvent::kRefillShrinkInactive, 2},
                                      {PathEvent::kPopRefillHit, 0},
                                      {PathEvent::kPopNodeMadePending, 0}}));
  EXPECT_EQ(harness.table().linked.count(harness.node(2)), 0u) << "evicted";
  EXPECT_EQ(harness.on(kLocalFree), (std::vector<int>{2}));
  EXPECT_EQ(harness.on(kInactive), (std::vector<int>{0, 1}));
  harness.expect_invariants();
}

TEST(LruPoolTest, CommonRefillForceShrinksWhenEveryKeyIsReferenced) {
  PoolHarness harness(1, 4, false);
  for (int expected : {3, 2, 1, 0}) EXPECT_EQ(harness.pop(0), expected);
  for (uint32_t index = 0; index < 4; ++index) lru_node_set_ref(harness.node(index));
  // Flush and rotation move everything to ACTIVE (clearing refs); the force shrink takes the
  // oldest ACTIVE node.
  EXPECT_EQ(harness.pop(0), 1);
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kRefillFlushPending, 2},
                                      {PathEvent::kRefillRotateInactive, 2},
                                      {PathEvent::kRefillMoveFromGlobalFree, 0},
                                      {PathEvent::kRefillShrinkInactive, 0},
                                      {PathEvent::kRefillForceShrink, 1},
                                      {PathEvent::kPopRefillHit, 0},
                                      {PathEvent::kPopNodeMadePending, 0}}));
  EXPECT_EQ(harness.on(kActive), (std::vector<int>{2, 3, 0}));
  harness.expect_invariants();
}

TEST(LruPoolTest, CommonPopStealsAnotherCpusLocalFreeNode) {
  PoolHarness harness(3, 3, false);  // target_free 1
  EXPECT_EQ(harness.pop(0), 2);
  EXPECT_EQ(harness.pop(1), 1);
  EXPECT_EQ(harness.pop(2), 0);
  harness.push(1, 1);
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kPushPendingToLocalFree, 1}}));
  harness.table().refused.insert(harness.node(2));  // CPU 0's own key cannot be evicted
  EXPECT_EQ(harness.pop(0), 1);
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kRefillFlushPending, 1},
                                      {PathEvent::kRefillRotateInactive, 1},
                                      {PathEvent::kRefillMoveFromGlobalFree, 0},
                                      {PathEvent::kRefillShrinkInactive, 0},
                                      {PathEvent::kRefillForceShrink, 0},
                                      {PathEvent::kPopRefillMiss, 0},
                                      {PathEvent::kStealBegin, 0},
                                      {PathEvent::kStealLocalFree, 1},
                                      {PathEvent::kPopNodeMadePending, 0}}));
  EXPECT_EQ(harness.pool().next_steal(0), 2) << "the CPU after the last victim tried";
  EXPECT_EQ(harness.on(kLocalPending, 0), (std::vector<int>{1}));
  harness.expect_invariants();
}

TEST(LruPoolTest, CommonStealEvictsPendingKeysUnreferencedFirst) {
  PoolHarness harness(3, 3, false);
  EXPECT_EQ(harness.pop(0), 2);
  EXPECT_EQ(harness.pop(1), 1);
  EXPECT_EQ(harness.pop(2), 0);
  harness.table().refused.insert(harness.node(2));
  EXPECT_EQ(harness.pop(0), 1);
  Events events = harness.events();
  EXPECT_EQ(events[events.size() - 2], (Event{PathEvent::kStealPendingUnreferenced, 1}));
  EXPECT_EQ(harness.pool().next_steal(0), 2);
  // Next: CPU 2's pending key is referenced; only the pass that ignores ref takes it.
  harness.table().refused.insert(harness.node(1));
  lru_node_set_ref(harness.node(0));
  EXPECT_EQ(harness.pop(0), 0);
  events = harness.events();
  EXPECT_EQ(events[events.size() - 3], (Event{PathEvent::kStealBegin, 2}));
  EXPECT_EQ(events[events.size() - 2], (Event{PathEvent::kStealPendingIgnoringRef, 2}));
  EXPECT_EQ(harness.pool().next_steal(0), 0);
  harness.expect_invariants();
}

TEST(LruPoolTest, CommonPopReturnsNullWhenNothingCanBeEvicted) {
  PoolHarness harness(3, 3, false);
  for (int cpu : {0, 1, 2}) ASSERT_GE(harness.pop(cpu), 0);
  for (uint32_t index = 0; index < 3; ++index) harness.table().refused.insert(harness.node(index));
  EXPECT_EQ(harness.pop(1), -1);
  Events events = harness.events();
  EXPECT_EQ(events.back(), (Event{PathEvent::kStealNothing, 3}));
  EXPECT_EQ(harness.pool().next_steal(1), 1) << "back to where it started";
  harness.expect_invariants();
}

TEST(LruPoolTest, PushReturnsAPendingNodeToItsOwnersLocalFreeList) {
  PoolHarness harness(2, 8, false);
  EXPECT_EQ(harness.pop(0), 7);
  lru_node_set_ref(harness.node(7));
  harness.push(1, 7);  // pushed from another CPU: still goes to the owner, CPU 0
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kPushPendingToLocalFree, 0}}));
  EXPECT_EQ(harness.on(kLocalFree, 0), (std::vector<int>{7, 6}));
  EXPECT_FALSE(harness.node(7)->is_referenced());
  harness.expect_invariants();
}

TEST(LruPoolTest, PushReturnsAFlushedNodeToTheGlobalFreeList) {
  PoolHarness harness(2, 8, false);
  for (int expected : {7, 6, 5}) EXPECT_EQ(harness.pop(0), expected);
  harness.push(0, 6);  // flushed into INACTIVE by the third pop
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kPushToGlobalFree, 0}}));
  EXPECT_EQ(harness.on(kFree), (std::vector<int>{6, 3, 2, 1, 0}));
  EXPECT_EQ(harness.pool().list_counter(kInactive), 1u);
  harness.expect_invariants();
}

void throw_on_assert(const char* condition, const char*, const char*, int) {
  throw std::logic_error(condition);
}

TEST(LruPoolTest, PushingAFreeNodeIsAProgrammerError) {
  PoolHarness harness(2, 8, false);
  EXPECT_EQ(harness.pop(0), 7);
  harness.push(0, 7);
  AssertHandler previous = set_assert_handler(&throw_on_assert);
  EXPECT_THROW(harness.push(0, 7), std::logic_error);
  set_assert_handler(previous);
}

TEST(LruPoolTest, PercpuPopHandsOutTheFreeHeadAsInactive) {
  PoolHarness harness(2, 4, true);
  EXPECT_EQ(harness.pop(0, 0x77), 1);
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kPercpuRotateInactive, 0},
                                      {PathEvent::kPercpuFreeHit, 0},
                                      {PathEvent::kPercpuNodeToInactive, 0}}));
  EXPECT_EQ(harness.on(kInactive, 0), (std::vector<int>{1}));
  EXPECT_EQ(harness.pool().list_counter(kInactive, 0), 1u);
  EXPECT_EQ(harness.node(1)->hash.read(), 0x77u);
  EXPECT_EQ(harness.pop(1), 3);
  harness.expect_invariants();
}

TEST(LruPoolTest, PercpuPopShrinksTheCpusOwnListWhenFreeIsEmpty) {
  PoolHarness harness(2, 4, true);
  EXPECT_EQ(harness.pop(0), 1);
  EXPECT_EQ(harness.pop(0), 0);
  EXPECT_EQ(harness.pop(0), 0);
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kPercpuRotateInactive, 2},
                                      {PathEvent::kPercpuShrinkInactive, 2},
                                      {PathEvent::kPercpuNodeToInactive, 0}}));
  EXPECT_EQ(harness.on(kFree, 0), (std::vector<int>{1}));
  EXPECT_EQ(harness.on(kFree, 1), (std::vector<int>{3, 2})) << "CPU 1's nodes are untouched";
  harness.expect_invariants();
}

TEST(LruPoolTest, PercpuPopForceShrinksWhenEveryKeyIsReferenced) {
  PoolHarness harness(2, 4, true);
  EXPECT_EQ(harness.pop(0), 1);
  EXPECT_EQ(harness.pop(0), 0);
  lru_node_set_ref(harness.node(0));
  lru_node_set_ref(harness.node(1));
  EXPECT_EQ(harness.pop(0), 1);
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kPercpuRotateInactive, 2},
                                      {PathEvent::kPercpuShrinkInactive, 0},
                                      {PathEvent::kPercpuForceShrink, 1},
                                      {PathEvent::kPercpuNodeToInactive, 0}}));
  EXPECT_EQ(harness.on(kActive, 0), (std::vector<int>{0}));
  harness.expect_invariants();
}

TEST(LruPoolTest, PercpuPopReturnsNullWhenNothingCanBeEvicted) {
  PoolHarness harness(2, 4, true);
  EXPECT_EQ(harness.pop(0), 1);
  EXPECT_EQ(harness.pop(0), 0);
  harness.table().refused = {harness.node(0), harness.node(1)};
  EXPECT_EQ(harness.pop(0), -1);
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kPercpuRotateInactive, 2},
                                      {PathEvent::kPercpuShrinkInactive, 0},
                                      {PathEvent::kPercpuForceShrink, 0}}));
  EXPECT_EQ(harness.pop(1), 3) << "CPU 1 still has nodes of its own";
}

TEST(LruPoolTest, PercpuPushReturnsTheNodeToItsOwnersFreeList) {
  PoolHarness harness(2, 4, true);
  EXPECT_EQ(harness.pop(0), 1);
  harness.push(1, 1);
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kPushPercpuToFree, 0}}));
  EXPECT_EQ(harness.on(kFree, 0), (std::vector<int>{1, 0}));
  EXPECT_TRUE(harness.on(kFree, 1) == (std::vector<int>{3, 2}));
  harness.expect_invariants();
}

// ---------------------------------------------------------------------------------------------
// rqspinlock failures (6.18.44): a lock held by the same CPU gives -EDEADLK (35).

using Access = LruPoolTestOnlyAccess;

TEST(LruPoolLockTest, CommonPopFailsWhenThisCpusLocalLockIsHeld) {
  PoolHarness harness(2, 8, false);
  RecordingPlatform::CpuBinding on_cpu0(harness.platform(), 0);
  {
    Hold hold(Access::local_lock(harness.pool(), 0));
    EXPECT_EQ(harness.pop(0), -1);
    EXPECT_EQ(harness.events(), (Events{{PathEvent::kPopLocalLockFailed, 35}}));
  }
  EXPECT_EQ(harness.pop(0), 7);
  harness.expect_invariants();
}

TEST(LruPoolLockTest, RefillIsSkippedWhenTheGlobalLockFails) {
  PoolHarness harness(2, 8, false);
  RecordingPlatform::CpuBinding on_cpu0(harness.platform(), 0);
  {
    Hold hold(Access::global_lock(harness.pool()));
    EXPECT_EQ(harness.pop(0), -1);
    EXPECT_EQ(harness.events(), (Events{{PathEvent::kRefillGlobalLockFailed, 35},
                                        {PathEvent::kPopRefillMiss, 0},
                                        {PathEvent::kStealBegin, 0},
                                        {PathEvent::kStealNothing, 2}}));
  }
  harness.expect_invariants();
}

TEST(LruPoolLockTest, StealSkipsAVictimWhoseLockFails) {
  PoolHarness harness(3, 3, false);
  EXPECT_EQ(harness.pop(0), 2);
  EXPECT_EQ(harness.pop(1), 1);
  EXPECT_EQ(harness.pop(2), 0);
  harness.push(1, 1);  // CPU 1 now has a LOCAL_FREE node
  harness.table().refused.insert(harness.node(2));
  RecordingPlatform::CpuBinding on_cpu0(harness.platform(), 0);
  {
    Hold hold(Access::local_lock(harness.pool(), 1));  // held by CPU 0 itself
    EXPECT_EQ(harness.pop(0), 0) << "CPU 1 skipped, CPU 2's pending key evicted";
    const Events events = harness.events();
    EXPECT_NE(std::find(events.begin(), events.end(),
                        Event{PathEvent::kStealVictimLockFailed, 1}),
              events.end());
    EXPECT_EQ(events[events.size() - 2], (Event{PathEvent::kStealPendingUnreferenced, 2}));
  }
  harness.expect_invariants();
}

TEST(LruPoolLockTest, PendingNodePushedWhileItsOwnersLockFailsIsFlushedToFree) {
  PoolHarness harness(2, 8, false);
  EXPECT_EQ(harness.pop(0), 7);
  {
    RecordingPlatform::CpuBinding on_cpu0(harness.platform(), 0);
    Hold hold(Access::local_lock(harness.pool(), 0));
    harness.push(0, 7);
    EXPECT_EQ(harness.events(), (Events{{PathEvent::kPushMarkedPendingFree, 35}}));
  }
  EXPECT_TRUE(harness.node(7)->is_pending_free());
  EXPECT_EQ(harness.on(kLocalPending, 0), (std::vector<int>{7}));
  harness.expect_invariants();
  EXPECT_EQ(harness.pop(0), 6);
  // The next refill flushes node 7 to the head of FREE; it is the first node refilled.
  EXPECT_EQ(harness.pop(0), 7);
  EXPECT_EQ(harness.events(), (Events{{PathEvent::kRefillFlushPending, 2},
                                      {PathEvent::kRefillFlushPendingFree, 1},
                                      {PathEvent::kRefillRotateInactive, 1},
                                      {PathEvent::kRefillMoveFromGlobalFree, 2},
                                      {PathEvent::kPopRefillHit, 0},
                                      {PathEvent::kPopNodeMadePending, 0}}));
  EXPECT_FALSE(harness.node(7)->is_pending_free());
  harness.expect_invariants();
}

TEST(LruPoolLockTest, NodePushedWhileTheGlobalLockFailsIsReclaimedByShrink) {
  PoolHarness harness(1, 4, false);
  for (int expected : {3, 2, 1}) EXPECT_EQ(harness.pop(0), expected);
  {
    RecordingPlatform::CpuBinding on_cpu0(harness.platform(), 0);
    Hold hold(Access::global_lock(harness.pool()));
    harness.push(0, 3);  // node 3 is INACTIVE: its push needs the global lock
    EXPECT_EQ(harness.events(), (Events{{PathEvent::kPushMarkedPendingFree, 35}}));
  }
  harness.expect_invariants();
  EXPECT_EQ(harness.pop(0), 0);
  const int calls = harness.table().calls;
  EXPECT_EQ(harness.pop(0), 3) << "3 reclaimed without the table, 2 evicted";
  EXPECT_EQ(harness.table().calls, calls + 1);
  harness.expect_invariants();
}

TEST(LruPoolLockTest, PercpuListLockFailures) {
  PoolHarness harness(2, 4, true);
  EXPECT_EQ(harness.pop(0), 1);
  EXPECT_EQ(harness.pop(0), 0);
  {
    RecordingPlatform::CpuBinding on_cpu0(harness.platform(), 0);
    Hold hold(Access::percpu_lock(harness.pool(), 0));
    EXPECT_EQ(harness.pop(0), -1);
    EXPECT_EQ(harness.events(), (Events{{PathEvent::kPercpuLockFailed, 35}}));
    harness.push(0, 1);
    EXPECT_EQ(harness.events(), (Events{{PathEvent::kPushMarkedPendingFree, 35}}));
  }
  const int calls = harness.table().calls;
  EXPECT_EQ(harness.pop(0), 0) << "1 reclaimed without the table, 0 evicted";
  EXPECT_EQ(harness.table().calls, calls + 1);
  EXPECT_EQ(harness.on(kFree, 0), (std::vector<int>{1}));
  harness.expect_invariants();
}

// Canary: the invariant check must notice a node that left every list, and a wrong type.
TEST(LruPoolTest, CheckInvariantsCatchesALostNodeAndAWrongType) {
  PoolHarness harness(2, 8, false);
  harness.node(3)->set_type(LruListType::kActive);
  std::string failure;
  EXPECT_FALSE(harness.pool().check_invariants(&failure));
  EXPECT_NE(failure.find("has type"), std::string::npos) << failure;
  harness.node(3)->set_type(LruListType::kFree);
  lru_link_unlink(harness.node(3));
  EXPECT_FALSE(harness.pool().check_invariants(&failure));
  EXPECT_NE(failure.find("on no list"), std::string::npos) << failure;
}

TEST(LruPoolTest, WorksWith1024PossibleCpus) {
  for (bool percpu_lists : {false, true}) {
    PoolHarness harness(1024, 2048, percpu_lists);
    EXPECT_GE(harness.pop(1023), 0);
    EXPECT_GE(harness.pop(512), 0);
    harness.expect_invariants();
  }
}

}  // namespace
}  // namespace mapsim
