// check_linearizable() on hand-made histories of HASH, PERCPU_HASH, ARRAY and PERCPU_ARRAY
// maps: each test states its ops with their step intervals and the verdict it expects
// (model/linearizability/linearizability_check.h). LRU histories: linearizability_lru_test.cc;
// random histories: linearizability_random_test.cc.
#include "model/linearizability/linearizability_check.h"

#include <gtest/gtest.h>

#include <string>

#include "model/linearizability/history_error.h"
#include "model/reference/reference_uapi.h"
#include "tests/support/history_builder.h"

namespace mapsim {
namespace {

using linearizability::check_linearizable;
using linearizability::format_verdict;
using linearizability::HistoryError;
using linearizability::LinearizabilityOptions;
using linearizability::LinearizabilityVerdict;
using scenario::StepKind;
using testing::HistoryBuilder;
using testing::key;
using testing::map_attr;
using testing::u64;
using Kind = LinearizabilityVerdict::Kind;

constexpr int kENOENT = -2;
constexpr int kEEXIST = -17;
constexpr int kE2BIG = -7;
constexpr int kEDEADLK = -35;

LinearizabilityVerdict check(HistoryBuilder& h, LinearizabilityOptions options = {}) {
  LinearizabilityVerdict verdict = check_linearizable(h.history(), options);
  // The same verdict with the whole history in one partition (partition.h).
  options.partition_per_key = false;
  EXPECT_EQ(check_linearizable(h.history(), options).kind, verdict.kind) << format_verdict(verdict);
  return verdict;
}

std::vector<std::string> part_labels(const LinearizabilityVerdict& verdict) {
  std::vector<std::string> labels;
  for (const auto& op : verdict.smallest_part) labels.push_back(op.label);
  return labels;
}

TEST(LinearizabilityCheckTest, SequentialHistoryIsLinearizable) {
  // update k1=7; lookup k1 -> 7; delete k1; lookup k1 -> ENOENT, one after another.
  HistoryBuilder h(map_attr(reference::kTypeHash), 2);
  h.update(0, {0, 1}, key(1), u64(7));
  h.lookup(1, {2, 3}, key(1)).reads(u64(7));
  h.remove(0, {4, 5}, key(1));
  h.lookup(1, {6, 7}, key(1)).returns(kENOENT);
  const LinearizabilityVerdict verdict = check(h);
  EXPECT_EQ(verdict.kind, Kind::kLinearizable) << format_verdict(verdict);
  EXPECT_EQ(verdict.partitioning, "per key");
  EXPECT_EQ(verdict.stats.ops_checked, 4u);
}

TEST(LinearizabilityCheckTest, LostUpdateIsNotLinearizable) {
  // k1=1 completes, then k1=2 completes, then a lookup reads 1 => the second update was lost.
  HistoryBuilder h(map_attr(reference::kTypeHash), 2);
  h.update(0, {0, 1}, key(1), u64(1));
  h.update(1, {2, 3}, key(1), u64(2));
  h.lookup(0, {4, 5}, key(1)).reads(u64(1));
  const LinearizabilityVerdict verdict = check(h);
  ASSERT_EQ(verdict.kind, Kind::kNotLinearizable);
  // Both updates are needed: with either one free (able to run again anywhere), 1 is readable.
  EXPECT_EQ(part_labels(verdict), (std::vector<std::string>{"op0", "op1", "op2"}));
  EXPECT_TRUE(verdict.smallest_part_minimal);
  EXPECT_EQ(verdict.reason, "no order of the ops of key 01000000 explains their results");
}

TEST(LinearizabilityCheckTest, StaleReadAfterCompletedDeleteIsNotLinearizable) {
  HistoryBuilder h(map_attr(reference::kTypeHash), 2);
  h.update(0, {0, 1}, key(1), u64(5));
  h.remove(1, {2, 3}, key(1));
  h.lookup(0, {4, 5}, key(1)).reads(u64(5));
  h.lookup(1, {6, 7}, key(2)).returns(kENOENT);  // another key, not in the part
  const LinearizabilityVerdict verdict = check(h);
  ASSERT_EQ(verdict.kind, Kind::kNotLinearizable);
  EXPECT_EQ(part_labels(verdict), (std::vector<std::string>{"op0", "op1", "op2"}));
  ASSERT_EQ(verdict.smallest_part.size(), 3u);
  EXPECT_EQ(verdict.smallest_part[1].invoked_step, 2u);
  EXPECT_EQ(verdict.smallest_part[1].returned_step, 3u);
}

TEST(LinearizabilityCheckTest, LookupSeeingAValueNeverWrittenIsItsOwnSmallestPart) {
  HistoryBuilder h(map_attr(reference::kTypeHash), 2);
  h.update(0, {0, 1}, key(1), u64(5));
  h.update(1, {0, 4}, key(1), u64(6));
  h.lookup(0, {2, 3}, key(1)).reads(u64(5));
  h.lookup(0, {5, 6}, key(1)).reads(u64(9));
  const LinearizabilityVerdict verdict = check(h);
  ASSERT_EQ(verdict.kind, Kind::kNotLinearizable);
  EXPECT_EQ(part_labels(verdict), (std::vector<std::string>{"op3"}));
  EXPECT_TRUE(verdict.smallest_part_minimal);
}

TEST(LinearizabilityCheckTest, OverlappingOpsMayTakeEffectInEitherOrder) {
  // The lookup overlaps the update: it may see the key missing or present.
  for (bool sees_update : {false, true}) {
    HistoryBuilder h(map_attr(reference::kTypeHash), 2);
    h.update(0, {0, 10}, key(1), u64(3));
    if (sees_update) {
      h.lookup(1, {2, 4}, key(1)).reads(u64(3));
    } else {
      h.lookup(1, {2, 4}, key(1)).returns(kENOENT);
    }
    EXPECT_EQ(check(h).kind, Kind::kLinearizable) << sees_update;
  }
  // But not once the update has returned.
  HistoryBuilder late(map_attr(reference::kTypeHash), 2);
  late.update(0, {0, 10}, key(1), u64(3));
  late.lookup(1, {11, 12}, key(1)).returns(kENOENT);
  EXPECT_EQ(check(late).kind, Kind::kNotLinearizable);
}

TEST(LinearizabilityCheckTest, TwoLookupsMustAgreeOnTheOrderOfTwoUpdates) {
  // Two updates overlap; one reader sees 1 then 2, the other 2 then 1: no single order.
  HistoryBuilder h(map_attr(reference::kTypeHash), 4);
  h.update(0, {0, 20}, key(1), u64(1));
  h.update(1, {0, 20}, key(1), u64(2));
  h.lookup(2, {1, 2}, key(1)).reads(u64(1));
  h.lookup(2, {3, 4}, key(1)).reads(u64(2));
  h.lookup(3, {1, 2}, key(1)).reads(u64(2));
  h.lookup(3, {3, 4}, key(1)).reads(u64(1));
  const LinearizabilityVerdict verdict = check(h);
  ASSERT_EQ(verdict.kind, Kind::kNotLinearizable);
  EXPECT_EQ(verdict.smallest_part.size(), 6u) << format_verdict(verdict);
}

TEST(LinearizabilityCheckTest, ProgramOrderHoldsWhenStepsTouch) {
  // Context 0's update and lookup have no steps of their own between them (both at step 5):
  // program order still puts the lookup after the update.
  HistoryBuilder h(map_attr(reference::kTypeHash), 2);
  h.update(0, {5, 5}, key(1), u64(1));
  h.lookup(0, {5, 5}, key(1)).returns(kENOENT);
  EXPECT_EQ(check(h).kind, Kind::kNotLinearizable);
}

TEST(LinearizabilityCheckTest, FlagsDecideExistenceErrors) {
  HistoryBuilder h(map_attr(reference::kTypeHash), 2);
  h.update(0, {0, 1}, key(1), u64(1)).flags(reference::kUpdateNoExist);
  h.update(1, {2, 3}, key(1), u64(2)).flags(reference::kUpdateNoExist).returns(kEEXIST);
  h.update(1, {4, 5}, key(2), u64(2)).flags(reference::kUpdateExist).returns(kENOENT);
  EXPECT_EQ(check(h).kind, Kind::kLinearizable);
  HistoryBuilder wrong(map_attr(reference::kTypeHash), 2);
  wrong.update(0, {0, 1}, key(1), u64(1)).flags(reference::kUpdateNoExist);
  wrong.update(1, {2, 3}, key(1), u64(2)).flags(reference::kUpdateNoExist);  // rc 0: wrong
  EXPECT_EQ(check(wrong).kind, Kind::kNotLinearizable);
}

TEST(LinearizabilityCheckTest, FullMapInsertMayFailWhileADeleteIsInFlight) {
  // max_entries 1 holding key 1. The delete unlinks key 1 (its linearization point) before
  // its element is free again, so an overlapping insert of key 2 may still find no element.
  HistoryBuilder h(map_attr(reference::kTypeHash, /*max_entries=*/1), 2);
  h.setup_update(key(1), u64(1));
  h.remove(0, {0, 10}, key(1));
  h.update(1, {2, 5}, key(2), u64(2)).returns(kE2BIG);
  h.lookup(1, {11, 12}, key(1)).returns(kENOENT);
  const LinearizabilityVerdict verdict = check(h);
  EXPECT_EQ(verdict.kind, Kind::kLinearizable) << format_verdict(verdict);
  EXPECT_EQ(verdict.partitioning, "whole history: an insert found the map full (E2BIG)");
  // Once the delete has returned, nothing is in flight: E2BIG is wrong.
  HistoryBuilder late(map_attr(reference::kTypeHash, 1), 2);
  late.setup_update(key(1), u64(1));
  late.remove(0, {0, 1}, key(1));
  late.update(1, {2, 5}, key(2), u64(2)).returns(kE2BIG);
  EXPECT_EQ(check(late).kind, Kind::kNotLinearizable);
}

TEST(LinearizabilityCheckTest, BucketLockFailureChangesNothing) {
  HistoryBuilder h(map_attr(reference::kTypeHash), 2);
  h.update(0, {0, 3}, key(1), u64(1)).via_program().returns(kEDEADLK);
  h.lookup(1, {4, 5}, key(1)).returns(kENOENT);
  EXPECT_EQ(check(h).kind, Kind::kLinearizable);
  // Array updates take no bucket lock.
  HistoryBuilder array(map_attr(reference::kTypeArray, 4), 2);
  array.update(0, {0, 3}, key(1), u64(1)).via_program().returns(kEDEADLK);
  EXPECT_EQ(check(array).kind, Kind::kNotLinearizable);
}

TEST(LinearizabilityCheckTest, ArrayIndexesAreIndependentAndNeverMissing) {
  HistoryBuilder h(map_attr(reference::kTypeArray, 4), 2);
  h.lookup(0, {0, 1}, key(2)).reads(u64(0));
  h.update(1, {0, 4}, key(2), u64(9));
  h.lookup(0, {2, 3}, key(2)).reads(u64(9));
  h.lookup(0, {5, 6}, key(7)).returns(kENOENT);  // out of range
  EXPECT_EQ(check(h).kind, Kind::kLinearizable);
  HistoryBuilder missing(map_attr(reference::kTypeArray, 4), 2);
  missing.lookup(0, {0, 1}, key(2)).returns(kENOENT);
  EXPECT_EQ(check(missing).kind, Kind::kNotLinearizable);
}

// A per-CPU syscall lookup copies the CPUs' slots one by one: it may see CPU 0's slot before
// CPU 0's program update and CPU 1's slot after CPU 1's, although CPU 0's update returned
// before CPU 1's began. Padding (value_size 4, slots of 8) is not compared.
TEST(LinearizabilityCheckTest, PercpuSyscallLookupReadsEachSlotAtItsOwnPoint) {
  for (uint32_t type : {reference::kTypePercpuHash, reference::kTypePercpuArray}) {
    HistoryBuilder h(map_attr(type, 4, /*value_size=*/4), 3);
    h.setup_update(key(1), Bytes(24, 0));
    h.update(0, {2, 3}, key(1), testing::le_bytes(1, 4)).via_program();
    h.update(1, {5, 6}, key(1), testing::le_bytes(1, 4)).via_program();
    Bytes seen(24, 0xee);  // padding bytes hold anything
    for (size_t cpu = 0; cpu < 3; ++cpu) {
      for (size_t i = 0; i < 4; ++i) seen[cpu * 8 + i] = 0;
    }
    seen[8] = 1;  // CPU 1's slot is new, CPU 0's old
    h.lookup(2, {0, 10}, key(1)).reads(seen);
    h.lookup(2, {11, 12}, key(3)).returns(type == reference::kTypePercpuHash ? kENOENT : 0)
        .reads(type == reference::kTypePercpuHash ? Bytes{} : Bytes(24, 0));
    const LinearizabilityVerdict verdict = check(h);
    EXPECT_EQ(verdict.kind, Kind::kLinearizable) << type << "\n" << format_verdict(verdict);
    // CPU 0's slot new and CPU 1's old, after both updates returned: no point explains it.
    HistoryBuilder late(map_attr(type, 4, 4), 3);
    late.setup_update(key(1), Bytes(24, 0));
    late.update(0, {2, 3}, key(1), testing::le_bytes(1, 4)).via_program();
    late.update(1, {5, 6}, key(1), testing::le_bytes(1, 4)).via_program();
    Bytes stale(24, 0);
    stale[0] = 1;
    late.lookup(2, {7, 10}, key(1)).reads(stale);
    EXPECT_EQ(check(late).kind, Kind::kNotLinearizable) << type;
  }
}

TEST(LinearizabilityCheckTest, LookupAddElseInsertMayLoseTheRaceToInsert) {
  // Both programs miss the key and insert with NOEXIST; the second gets EEXIST (the documented
  // race of the sequence; programs do not retry): linearizable piece by piece.
  HistoryBuilder h(map_attr(reference::kTypeHash), 2);
  h.add(0, {0, 10}, StepKind::kLookupAddElseInsert, key(1), u64(1)).via_program();
  h.add(1, {0, 10}, StepKind::kLookupAddElseInsert, key(1), u64(1)).via_program()
      .returns(kEEXIST);
  h.lookup(0, {11, 12}, key(1)).reads(u64(1));
  EXPECT_EQ(check(h).kind, Kind::kLinearizable);
  // A found key must show the add in the counter.
  HistoryBuilder added(map_attr(reference::kTypeHash), 2);
  added.setup_update(key(1), u64(5));
  added.add(0, {0, 10}, StepKind::kLookupAddElseInsert, key(1), u64(2)).via_program()
      .found(true).reads(u64(7));
  added.lookup(1, {11, 12}, key(1)).reads(u64(7));
  EXPECT_EQ(check(added).kind, Kind::kLinearizable);
  HistoryBuilder lost(map_attr(reference::kTypeHash), 2);
  lost.setup_update(key(1), u64(5));
  lost.add(0, {0, 10}, StepKind::kLookupAddElseInsert, key(1), u64(2)).via_program()
      .found(true).reads(u64(7));
  lost.lookup(1, {11, 12}, key(1)).reads(u64(5));
  EXPECT_EQ(check(lost).kind, Kind::kNotLinearizable);
}

TEST(LinearizabilityCheckTest, AddThroughAStalePointerIsLost) {
  // The program keeps a pointer to key 1's element; an update replaces the element (HASH
  // updates always do); the add lands in the old element and the key keeps the new value.
  HistoryBuilder h(map_attr(reference::kTypeHash), 2);
  h.setup_update(key(1), u64(5));
  h.add(0, {0, 1}, StepKind::kLookupKeepPointer, key(1)).via_program().reads(u64(5));
  h.update(1, {2, 3}, key(1), u64(100));
  h.add(0, {4, 5}, StepKind::kAddThroughPointer, std::nullopt, u64(1)).via_program()
      .reads(u64(6));
  h.lookup(1, {6, 7}, key(1)).reads(u64(100));
  EXPECT_EQ(check(h).kind, Kind::kLinearizable);
  // Without the replacement the element is live: the add must show.
  HistoryBuilder live(map_attr(reference::kTypeHash), 2);
  live.setup_update(key(1), u64(5));
  live.add(0, {0, 1}, StepKind::kLookupKeepPointer, key(1)).via_program().reads(u64(5));
  live.add(0, {4, 5}, StepKind::kAddThroughPointer, std::nullopt, u64(1)).via_program()
      .reads(u64(6));
  live.lookup(1, {6, 7}, key(1)).reads(u64(5));
  const LinearizabilityVerdict verdict = check(live);
  ASSERT_EQ(verdict.kind, Kind::kNotLinearizable);
  EXPECT_FALSE(verdict.caveats.empty());  // a preallocated map: reuse could explain it
}

TEST(LinearizabilityCheckTest, RefusedProgramsAnswerEaccesAndChangeNothing) {
  // BPF_F_RDONLY_PROG: the verifier refuses a program that updates the map.
  HistoryBuilder h(map_attr(reference::kTypeHash, 16, 8, reference::kRdonlyProg), 2);
  h.update(0, {0, 1}, key(1), u64(1)).via_program().returns(reference::kEACCES);
  h.lookup(1, {2, 3}, key(1)).via_program().returns(kENOENT);
  EXPECT_EQ(check(h).kind, Kind::kLinearizable);
  HistoryBuilder wrong(map_attr(reference::kTypeHash, 16, 8, reference::kRdonlyProg), 2);
  wrong.update(0, {0, 1}, key(1), u64(1)).via_program();
  EXPECT_EQ(check(wrong).kind, Kind::kNotLinearizable);
}

TEST(LinearizabilityCheckTest, WalksAreListedAsNotChecked) {
  HistoryBuilder h(map_attr(reference::kTypeHash), 2);
  h.update(0, {0, 1}, key(1), u64(1));
  h.add(1, {0, 9}, StepKind::kWalk, std::nullopt);
  const LinearizabilityVerdict verdict = check(h);
  EXPECT_EQ(verdict.kind, Kind::kLinearizable);
  ASSERT_EQ(verdict.unchecked.size(), 1u);
  EXPECT_EQ(verdict.unchecked[0].label, "op1");
  EXPECT_NE(format_verdict(verdict).find("not checked here (walks"), std::string::npos);
}

TEST(LinearizabilityCheckTest, NotCheckableSaysWhy) {
  HistoryBuilder bloom(map_attr(reference::kTypeBloomFilter), 2);
  LinearizabilityVerdict verdict = check_linearizable(bloom.history());
  EXPECT_EQ(verdict.kind, Kind::kNotCheckable);
  EXPECT_NE(verdict.reason.find("no linearizability specification for map type 30"),
            std::string::npos);

  HistoryBuilder lru(map_attr(reference::kTypeLruHash), 2);
  lru.add(0, {0, 1}, StepKind::kGetNextKey, std::nullopt).returns(kENOENT);
  verdict = check_linearizable(lru.history());
  EXPECT_EQ(verdict.kind, Kind::kNotCheckable);
  EXPECT_NE(verdict.reason.find("get_next_key on an LRU map"), std::string::npos);

  // A search budget too small for the history is "not checkable", never "linearizable".
  HistoryBuilder big(map_attr(reference::kTypeHash), 4);
  for (int context = 0; context < 4; ++context) {
    big.update(context, {0, 50}, key(1), u64(static_cast<uint64_t>(context)));
  }
  big.lookup(0, {60, 61}, key(1)).reads(u64(3));
  LinearizabilityOptions tiny;
  tiny.max_states = 2;
  verdict = check_linearizable(big.history(), tiny);
  EXPECT_EQ(verdict.kind, Kind::kNotCheckable);
  EXPECT_NE(verdict.reason.find("explored 2 configurations"), std::string::npos);
}

TEST(LinearizabilityCheckTest, GetNextKeyChecksTheWholeHistoryInBucketOrder) {
  HistoryBuilder h(map_attr(reference::kTypeHash, 16, 8, reference::kZeroSeed), 2);
  h.update(0, {0, 1}, key(1), u64(1));
  h.add(1, {2, 3}, StepKind::kGetNextKey, std::nullopt).reads(key(1));
  h.add(1, {4, 5}, StepKind::kGetNextKey, key(1)).returns(kENOENT);
  const LinearizabilityVerdict verdict = check(h);
  EXPECT_EQ(verdict.kind, Kind::kLinearizable) << format_verdict(verdict);
  EXPECT_EQ(verdict.partitioning, "whole history: get_next_key reads the order of all keys");
  HistoryBuilder wrong(map_attr(reference::kTypeHash, 16, 8, reference::kZeroSeed), 2);
  wrong.update(0, {0, 1}, key(1), u64(1));
  wrong.add(1, {2, 3}, StepKind::kGetNextKey, std::nullopt).returns(kENOENT);
  EXPECT_EQ(check(wrong).kind, Kind::kNotLinearizable);
}

TEST(LinearizabilityCheckTest, ReportNamesOpsIntervalsAndLabels) {
  HistoryBuilder h(map_attr(reference::kTypeHash), 2);
  h.update(0, {0, 1}, key(1), u64(5));
  h.lookup(1, {3, 4}, key(1)).reads(u64(6));
  const std::string text = format_verdict(check_linearizable(h.history()));
  EXPECT_NE(text.find("NOT linearizable"), std::string::npos) << text;
  EXPECT_NE(text.find("smallest non-linearizable part (1 ops, 1-minimal"), std::string::npos)
      << text;
  EXPECT_NE(text.find("context 1 cpu1 [3, 4] lookup key 01000000 -> rc 0 read "
                      "0600000000000000  ('op1')"),
            std::string::npos)
      << text;
}

// Bad input: an internal error with the op, the field and the problem, never a verdict.
void expect_history_error(HistoryBuilder& h, const std::string& fragment) {
  try {
    check_linearizable(h.history());
    ADD_FAILURE() << "expected HistoryError containing: " << fragment;
  } catch (const HistoryError& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

TEST(LinearizabilityCheckTest, MisshapenHistoriesAreInternalErrors) {
  HistoryBuilder wrong_key(map_attr(reference::kTypeHash), 2);
  wrong_key.lookup(0, {0, 1}, Bytes(8, 1)).returns(kENOENT);
  expect_history_error(wrong_key,
                       "history op 0 ('op0'): key: 8 bytes, the map's key_size is 4");

  HistoryBuilder wrong_value(map_attr(reference::kTypeHash), 2);
  wrong_value.update(0, {0, 1}, key(1), Bytes(3, 0));
  expect_history_error(wrong_value, "value: 3 bytes, expected 8 (the syscall value size)");

  HistoryBuilder wrong_read(map_attr(reference::kTypeHash), 2);
  wrong_read.lookup(0, {0, 1}, key(1)).reads(Bytes(2, 0));
  expect_history_error(wrong_read, "value: 2 bytes recorded, expected 8 for rc 0");

  HistoryBuilder unknown(map_attr(reference::kTypeHash), 2);
  unknown.add(0, {0, 1}, static_cast<StepKind>(42), key(1));
  expect_history_error(unknown, "kind: unknown step kind");

  HistoryBuilder cpu(map_attr(reference::kTypeHash), 2);
  cpu.lookup(0, {0, 1}, key(1)).returns(kENOENT).on_cpu(5);
  expect_history_error(cpu, "cpu: 5, the map has 2 possible CPUs");

  HistoryBuilder overlapping(map_attr(reference::kTypeHash), 2);
  overlapping.lookup(0, {0, 5}, key(1)).returns(kENOENT);
  overlapping.lookup(0, {3, 8}, key(1)).returns(kENOENT);
  expect_history_error(overlapping, "context 0 runs one op at a time");

  HistoryBuilder program_command(map_attr(reference::kTypeHash), 2);
  program_command.add(0, {0, 1}, StepKind::kGetNextKey, std::nullopt).via_program();
  expect_history_error(program_command, "via: get_next_key is a bpf(2) command");

  HistoryBuilder lone_add(map_attr(reference::kTypeHash), 2);
  lone_add.add(0, {0, 1}, StepKind::kAddThroughPointer, std::nullopt, u64(1)).via_program()
      .returns(kENOENT);
  expect_history_error(lone_add, "add_through_pointer without a lookup_keep_pointer");

  HistoryBuilder backwards(map_attr(reference::kTypeHash), 2);
  backwards.lookup(0, {5, 1}, key(1)).returns(kENOENT);
  expect_history_error(backwards, "invoked_step 5 is after returned_step 1");

  HistoryBuilder no_map(map_attr(reference::kTypeHash, /*max_entries=*/0), 2);
  expect_history_error(no_map, "the reference model cannot create this map");
}

}  // namespace
}  // namespace mapsim
