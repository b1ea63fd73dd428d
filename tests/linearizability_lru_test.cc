// check_linearizable() on hand-made LRU_HASH / LRU_PERCPU_HASH histories: evictions a
// concurrent 6.18 kernel may make are legal, keys lost without a pop that could evict them are
// not (model/linearizability/lru_spec.h).
#include <gtest/gtest.h>

#include "model/linearizability/linearizability_check.h"
#include "model/reference/reference_uapi.h"
#include "tests/support/history_builder.h"

namespace mapsim {
namespace {

using linearizability::check_linearizable;
using linearizability::format_verdict;
using linearizability::LinearizabilityVerdict;
using scenario::StepKind;
using testing::HistoryBuilder;
using testing::key;
using testing::map_attr;
using testing::u64;
using Kind = LinearizabilityVerdict::Kind;

constexpr int kENOENT = -2;
constexpr int kEEXIST = -17;
constexpr int kENOMEM = -12;

// A full 4-entry LRU map holding keys 1..4 with values 10..40.
HistoryBuilder full_lru(uint32_t type = reference::kTypeLruHash) {
  HistoryBuilder h(map_attr(type, /*max_entries=*/4), 2);
  const size_t value_bytes = type == reference::kTypeLruPercpuHash ? 16 : 8;
  for (uint32_t k = 1; k <= 4; ++k) h.setup_update(key(k), testing::le_bytes(k * 10, value_bytes));
  return h;
}

Kind verdict_of(HistoryBuilder& h) {
  const LinearizabilityVerdict verdict = check_linearizable(h.history());
  EXPECT_EQ(verdict.partitioning, "whole history: an LRU insert may evict any key");
  return verdict.kind;
}

TEST(LinearizabilityLruTest, InsertIntoFullMapMayEvictAnyKey) {
  for (uint32_t victim = 1; victim <= 4; ++victim) {
    HistoryBuilder h = full_lru();
    h.update(0, {0, 1}, key(5), u64(50));
    h.lookup(1, {2, 3}, key(victim)).returns(kENOENT);
    h.lookup(1, {4, 5}, key(5)).reads(u64(50));
    EXPECT_EQ(verdict_of(h), Kind::kLinearizable) << victim;
  }
}

TEST(LinearizabilityLruTest, FiveKeysFoundInAFourEntryMapIsAViolation) {
  // After the insert of key 5 every key is found: the node pool holds four. The lookup of
  // key 5 is not needed to show it (the update's link put key 5 in for sure).
  HistoryBuilder h = full_lru();
  h.update(0, {0, 1}, key(5), u64(50));
  for (uint32_t k = 1; k <= 5; ++k) {
    h.lookup(1, {2 * k, 2 * k + 1}, key(k)).reads(u64(k * 10));
  }
  const LinearizabilityVerdict verdict = check_linearizable(h.history());
  ASSERT_EQ(verdict.kind, Kind::kNotLinearizable);
  ASSERT_EQ(verdict.smallest_part.size(), 5u) << format_verdict(verdict);
  EXPECT_EQ(verdict.smallest_part[0].label, "op0");
  EXPECT_EQ(verdict.smallest_part[4].label, "op4");
}

TEST(LinearizabilityLruTest, KeyLostWithoutAnyPopIsAViolation) {
  HistoryBuilder h = full_lru();
  h.remove(0, {0, 1}, key(2));       // a delete pops nothing
  h.lookup(1, {2, 3}, key(1)).returns(kENOENT);
  const LinearizabilityVerdict verdict = check_linearizable(h.history());
  ASSERT_EQ(verdict.kind, Kind::kNotLinearizable);
  ASSERT_EQ(verdict.smallest_part.size(), 1u) << format_verdict(verdict);
  EXPECT_EQ(verdict.smallest_part[0].label, "op1");
}

TEST(LinearizabilityLruTest, FailedUpdateStillPopsAndMayEvict) {
  // An LRU_HASH update pops its node before the existence check, so even one that fails with
  // EEXIST may have evicted key 1.
  HistoryBuilder h = full_lru();
  h.update(0, {0, 1}, key(2), u64(7)).flags(reference::kUpdateNoExist).returns(kEEXIST);
  h.lookup(1, {2, 3}, key(1)).returns(kENOENT);
  EXPECT_EQ(verdict_of(h), Kind::kLinearizable);
}

TEST(LinearizabilityLruTest, UpdateMayEvictItsOwnKeyBeforeTheExistenceCheck) {
  HistoryBuilder h = full_lru();
  h.update(0, {0, 1}, key(1), u64(7)).flags(reference::kUpdateExist).returns(kENOENT);
  EXPECT_EQ(verdict_of(h), Kind::kLinearizable);
  // LRU_PERCPU_HASH updates with BPF_EXIST write in place and pop nothing.
  HistoryBuilder percpu = full_lru(reference::kTypeLruPercpuHash);
  percpu.update(0, {0, 1}, key(1), Bytes(16, 7)).flags(reference::kUpdateExist)
      .returns(kENOENT);
  EXPECT_EQ(verdict_of(percpu), Kind::kNotLinearizable);
}

TEST(LinearizabilityLruTest, PopComesBeforeTheLinkInsideTheUpdate) {
  // The update of key 5 pops (evicting key 2) early in its interval and links late: a reader
  // can see key 2 gone and then key 5 not yet there. One point for the whole update could not
  // explain both.
  HistoryBuilder h = full_lru();
  h.update(0, {0, 10}, key(5), u64(50));
  h.lookup(1, {1, 2}, key(2)).returns(kENOENT);
  h.lookup(1, {3, 4}, key(5)).returns(kENOENT);
  h.lookup(1, {11, 12}, key(5)).reads(u64(50));
  EXPECT_EQ(verdict_of(h), Kind::kLinearizable);
}

TEST(LinearizabilityLruTest, EvictedKeyDoesNotComeBack) {
  HistoryBuilder h = full_lru();
  h.update(0, {0, 1}, key(5), u64(50));
  h.lookup(1, {2, 3}, key(1)).returns(kENOENT);
  h.lookup(1, {4, 5}, key(1)).reads(u64(10));
  EXPECT_EQ(verdict_of(h), Kind::kNotLinearizable);
}

TEST(LinearizabilityLruTest, StaleValueIsAViolationEvictionsOrNot) {
  HistoryBuilder h = full_lru();
  h.update(0, {0, 1}, key(1), u64(11));
  h.update(0, {2, 3}, key(1), u64(12));
  h.lookup(1, {4, 5}, key(1)).reads(u64(11));
  EXPECT_EQ(verdict_of(h), Kind::kNotLinearizable);
}

TEST(LinearizabilityLruTest, NoNodeForAnInsertIsEnomem) {
  HistoryBuilder h = full_lru();
  h.update(0, {0, 5}, key(5), u64(50)).returns(kENOMEM);
  h.lookup(1, {6, 7}, key(5)).returns(kENOENT);
  EXPECT_EQ(verdict_of(h), Kind::kLinearizable);
}

TEST(LinearizabilityLruTest, SequenceInsertPopsButAFoundKeyOnlyAdds) {
  // lookup_add_else_insert of a present key adds through the pointer and pops nothing: key 1
  // cannot vanish because of it.
  HistoryBuilder h = full_lru();
  h.add(0, {0, 1}, StepKind::kLookupAddElseInsert, key(2), u64(1)).via_program().found(true)
      .reads(u64(21));
  h.lookup(1, {2, 3}, key(1)).returns(kENOENT);
  EXPECT_EQ(verdict_of(h), Kind::kNotLinearizable);
  // Inserting a missing key pops, and may evict key 1.
  HistoryBuilder insert = full_lru();
  insert.add(0, {0, 1}, StepKind::kLookupAddElseInsert, key(5), u64(1)).via_program();
  insert.lookup(1, {2, 3}, key(1)).returns(kENOENT);
  insert.lookup(1, {4, 5}, key(5)).reads(u64(1));
  EXPECT_EQ(verdict_of(insert), Kind::kLinearizable);
}

TEST(LinearizabilityLruTest, PercpuProgramInsertZeroesOtherSlots) {
  HistoryBuilder h(map_attr(reference::kTypeLruPercpuHash, 4), 2);
  h.update(1, {0, 1}, key(1), u64(9)).via_program();
  Bytes area(16, 0);
  area[8] = 9;  // CPU 1's slot
  h.lookup(0, {2, 3}, key(1)).reads(area);
  h.lookup(0, {4, 5}, key(1)).via_program().reads(u64(0));  // CPU 0's slot
  EXPECT_EQ(verdict_of(h), Kind::kLinearizable);
}

}  // namespace
}  // namespace mapsim
