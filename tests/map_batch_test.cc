// Batch commands (impl/map_batch.h): the hash family's bucket-based lookups with the observed
// 6.18.44 examples of fact sheet 3.9 (ZERO_SEED, a known bucket layout), the generic update,
// delete and lookup batches (2.11), the ENOTSUPP matrix, flags and permissions, and the
// selftests htab_map_batch_ops and array_map_batch_ops (9.3).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "impl/jhash.h"
#include "impl/map_batch.h"
#include "tests/support/map_fixture.h"

namespace mapsim {
namespace {

using namespace bpf;
using testing::Bytes;
using testing::le_bytes;
using testing::MapFixture;

constexpr uint32_t kUntouched = 0xdeadbeef;

// The result of one lookup batch: rc, count, out_batch (a u32 token, or kUntouched) and keys.
struct Batch {
  int rc = 0;
  uint32_t count = 0;
  uint32_t out_batch = kUntouched;
  std::vector<uint64_t> keys;
  std::vector<uint64_t> values;  ///< first 8 bytes of each value (CPU 0's slot)
};

Batch lookup_batch(MapFixture& fixture, const uint32_t* in_batch, uint32_t count,
                   bool do_delete = false, BatchOptions options = {}) {
  Map& map = fixture.map();
  const size_t key_size = map.key_size(), value_size = map.syscall_value_size();
  Bytes keys(std::max<size_t>(count, 1) * key_size), values(std::max<size_t>(count, 1) *
                                                             value_size);
  Batch batch;
  batch.count = count;
  batch.rc = do_delete ? map.lookup_and_delete_batch(in_batch, &batch.out_batch, keys.data(),
                                                     values.data(), &batch.count, options)
                       : map.lookup_batch(in_batch, &batch.out_batch, keys.data(),
                                          values.data(), &batch.count, options);
  for (uint32_t index = 0; index < batch.count && index < count; ++index) {
    batch.keys.push_back(testing::le_value(
        Bytes(keys.begin() + index * key_size, keys.begin() + (index + 1) * key_size)));
    batch.values.push_back(testing::le_value(
        Bytes(values.begin() + index * value_size, values.begin() + (index + 1) * value_size)));
  }
  return batch;
}

uint32_t bucket_of(uint32_t key, uint32_t n_buckets) {
  return htab_key_hash(&key, sizeof key, 0) & (n_buckets - 1);
}

// Fact sheet 3.9's layout: 8 buckets; bucket 1 {4}, bucket 3 {30, 13, 1}, bucket 6 {6, 5}.
class HtabObservedLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(fixture_.create(kMapHash, 4, 8, 8, kFZeroSeed), 0);
    for (uint32_t key : {4u, 1u, 13u, 30u, 5u, 6u}) ASSERT_EQ(fixture_.update(key, key * 10), 0);
    ASSERT_EQ(bucket_of(4, 8), 1u);
    for (uint32_t key : {30u, 13u, 1u}) ASSERT_EQ(bucket_of(key, 8), 3u);
    for (uint32_t key : {6u, 5u}) ASSERT_EQ(bucket_of(key, 8), 6u);
    ASSERT_EQ(fixture_.keys(), (std::vector<uint64_t>{4, 30, 13, 1, 6, 5}));
  }
  MapFixture fixture_{2};
};

TEST_F(HtabObservedLayoutTest, CountOneTakesTheFirstBucketAndPointsAtTheNext) {
  Batch batch = lookup_batch(fixture_, nullptr, 1);
  EXPECT_EQ(batch.rc, 0);
  EXPECT_EQ(batch.keys, (std::vector<uint64_t>{4}));
  EXPECT_EQ(batch.values, (std::vector<uint64_t>{40}));
  EXPECT_EQ(batch.out_batch, 3u);
  batch = lookup_batch(fixture_, nullptr, 2);
  EXPECT_EQ(batch.rc, 0);
  EXPECT_EQ(batch.keys, (std::vector<uint64_t>{4})) << "bucket 3 does not fit the one left";
  EXPECT_EQ(batch.out_batch, 3u);
}

TEST_F(HtabObservedLayoutTest, ABucketBiggerThanCountIsNoSpace) {
  const uint32_t three = 3;
  Batch batch = lookup_batch(fixture_, &three, 2);
  EXPECT_EQ(batch.rc, kENOSPC);
  EXPECT_EQ(batch.count, 0u);
  EXPECT_EQ(batch.out_batch, 3u);
  batch = lookup_batch(fixture_, &three, 3);
  EXPECT_EQ(batch.rc, 0);
  EXPECT_EQ(batch.keys, (std::vector<uint64_t>{30, 13, 1}));
  EXPECT_EQ(batch.out_batch, 6u);
}

TEST_F(HtabObservedLayoutTest, RunningPastTheLastBucketIsNoEntry) {
  Batch batch = lookup_batch(fixture_, nullptr, 6);
  EXPECT_EQ(batch.rc, kENOENT);
  EXPECT_EQ(batch.keys, (std::vector<uint64_t>{4, 30, 13, 1, 6, 5}));
  EXPECT_EQ(batch.out_batch, 8u);
  const uint32_t seven = 7, eight = 8;
  batch = lookup_batch(fixture_, &seven, 6);
  EXPECT_EQ(batch.rc, kENOENT);
  EXPECT_EQ(batch.count, 0u);
  EXPECT_EQ(batch.out_batch, 8u);
  batch = lookup_batch(fixture_, &eight, 6);
  EXPECT_EQ(batch.rc, kENOENT);
  EXPECT_EQ(batch.count, 0u);
  EXPECT_EQ(batch.out_batch, kUntouched) << "an out-of-range token writes no out_batch";
}

TEST_F(HtabObservedLayoutTest, EarlyErrorsLeaveCountAndOutBatchAlone) {
  Batch batch = lookup_batch(fixture_, nullptr, 4, false, BatchOptions{0, 1});
  EXPECT_EQ(batch.rc, kEINVAL);
  EXPECT_EQ(batch.count, 4u);
  EXPECT_EQ(batch.out_batch, kUntouched);
  batch = lookup_batch(fixture_, nullptr, 4, true, BatchOptions{kFLock, 0});
  EXPECT_EQ(batch.rc, kEINVAL);
  EXPECT_EQ(batch.count, 4u);
  batch = lookup_batch(fixture_, nullptr, 0);
  EXPECT_EQ(batch.rc, 0);
  EXPECT_EQ(batch.out_batch, kUntouched) << "count 0 returns at once";
  EXPECT_EQ(fixture_.keys().size(), 6u);
}

TEST_F(HtabObservedLayoutTest, LookupAndDeleteRemovesWholeBuckets) {
  Batch batch = lookup_batch(fixture_, nullptr, 4, true);
  EXPECT_EQ(batch.rc, 0);
  EXPECT_EQ(batch.keys, (std::vector<uint64_t>{4, 30, 13, 1}));
  EXPECT_EQ(batch.out_batch, 6u);
  EXPECT_EQ(fixture_.keys(), (std::vector<uint64_t>{6, 5}));
  batch = lookup_batch(fixture_, &batch.out_batch, 4, true);
  EXPECT_EQ(batch.rc, kENOENT);
  EXPECT_EQ(batch.keys, (std::vector<uint64_t>{6, 5}));
  EXPECT_TRUE(fixture_.keys().empty());
  // Freed elements serve new keys at once (prealloc free list): the map is usable to the full.
  for (uint32_t key = 100; key < 108; ++key) EXPECT_EQ(fixture_.update(key, 1), 0) << key;
  EXPECT_EQ(fixture_.update(200, 1), kE2BIG);
}

TEST(HtabBatchTest, EmptyMapIsNoEntryWithTheBucketCountAsToken) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapLruHash, 4, 8, 5, kFZeroSeed), 0);
  Batch batch = lookup_batch(fixture, nullptr, 3);
  EXPECT_EQ(batch.rc, kENOENT);
  EXPECT_EQ(batch.count, 0u);
  EXPECT_EQ(batch.out_batch, 8u);
}

// tools/testing/selftests/bpf/map_tests/htab_map_batch_ops.c, for all four hash types.
// LRU maps get room to spare, so that no insert evicts.
void htab_selftest(uint32_t type, uint32_t flags, uint32_t capacity = 10) {
  SCOPED_TRACE(::testing::Message() << "type " << type << " flags " << flags);
  constexpr uint32_t kEntries = 10;
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(type, 4, 4, capacity, flags), 0);
  EXPECT_EQ(lookup_batch(fixture, nullptr, kEntries, true).rc, kENOENT) << "empty map";
  Bytes keys, values;
  for (uint32_t key = 1; key <= kEntries; ++key) {
    Bytes key_bytes = le_bytes(key, 4), value_bytes(fixture.map().syscall_value_size(), 0);
    std::memcpy(value_bytes.data(), &key, 4);
    keys.insert(keys.end(), key_bytes.begin(), key_bytes.end());
    values.insert(values.end(), value_bytes.begin(), value_bytes.end());
  }
  uint32_t count = kEntries;
  ASSERT_EQ(fixture.map().update_batch(keys.data(), values.data(), &count), 0);
  EXPECT_EQ(count, kEntries);
  EXPECT_EQ(lookup_batch(fixture, nullptr, 0).rc, 0);
  Batch all = lookup_batch(fixture, nullptr, kEntries);
  EXPECT_TRUE(all.rc == 0 || all.rc == kENOENT);
  EXPECT_EQ(all.count, kEntries);
  for (uint32_t step = 1; step < kEntries; ++step) {
    std::set<uint64_t> seen;
    uint32_t token = 0;
    for (bool first = true;; first = false) {
      Batch batch = lookup_batch(fixture, first ? nullptr : &token, step);
      if (batch.rc == kENOSPC) break;  // a bucket bigger than step: the selftest skips it
      ASSERT_TRUE(batch.rc == 0 || batch.rc == kENOENT) << batch.rc;
      for (size_t index = 0; index < batch.keys.size(); ++index) {
        EXPECT_EQ(batch.values[index], batch.keys[index]) << "values belong to their keys";
        EXPECT_TRUE(seen.insert(batch.keys[index]).second) << "no key twice";
      }
      token = batch.out_batch;
      if (batch.rc == kENOENT) {
        EXPECT_EQ(seen.size(), kEntries) << "step " << step;
        break;
      }
    }
  }
  count = 4;
  EXPECT_EQ(fixture.map().delete_batch(keys.data(), &count), 0);
  EXPECT_EQ(count, 4u);
  count = kEntries;
  EXPECT_EQ(fixture.map().delete_batch(keys.data(), &count), kENOENT) << "key 1 is gone";
  EXPECT_EQ(count, 0u);
  Batch rest = lookup_batch(fixture, nullptr, kEntries, true);
  EXPECT_EQ(rest.rc, kENOENT);
  EXPECT_EQ(rest.count, kEntries - 4);
  EXPECT_TRUE(fixture.keys().empty());
}

TEST(HtabBatchTest, SelftestHtabMapBatchOps) {
  htab_selftest(kMapHash, kFZeroSeed);
  htab_selftest(kMapHash, kFZeroSeed | kFNoPrealloc);
  htab_selftest(kMapPercpuHash, kFZeroSeed);
  htab_selftest(kMapPercpuHash, 0);
  htab_selftest(kMapLruHash, kFZeroSeed, 1024);
  htab_selftest(kMapLruPercpuHash, kFZeroSeed | kFNoCommonLru, 1024);
}

TEST(HtabBatchTest, PercpuValuesAreWholeSyscallBuffers) {
  MapFixture fixture(3);
  ASSERT_EQ(fixture.create(kMapPercpuHash, 4, 5, 4, kFZeroSeed), 0);
  const size_t value_size = fixture.map().syscall_value_size();
  ASSERT_EQ(value_size, 24u);
  Bytes value(value_size);
  for (size_t index = 0; index < value.size(); ++index) value[index] = index + 1;
  ASSERT_EQ(fixture.map().update_elem(fixture.key(7).data(), value.data(), kAny), 0);
  Bytes keys(4 * 4), values(4 * value_size);
  uint32_t count = 4, token = kUntouched;
  EXPECT_EQ(fixture.map().lookup_batch(nullptr, &token, keys.data(), values.data(), &count),
            kENOENT);
  ASSERT_EQ(count, 1u);
  EXPECT_EQ(Bytes(values.begin(), values.begin() + value_size), value) << "padding included";
}

// ---- generic update / delete ----

TEST(GenericBatchTest, UpdateStopsAtTheFirstErrorAndCountsWhatWasApplied) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapHash, 8, 8, 3, kFZeroSeed), 0);
  Bytes keys, values;
  for (uint64_t key = 0; key < 10; ++key) {
    Bytes key_bytes = fixture.key(key), value_bytes = fixture.value(key);
    keys.insert(keys.end(), key_bytes.begin(), key_bytes.end());
    values.insert(values.end(), value_bytes.begin(), value_bytes.end());
  }
  uint32_t count = 10;
  EXPECT_EQ(fixture.map().update_batch(keys.data(), values.data(), &count), kE2BIG);
  EXPECT_EQ(count, 3u);
  count = 10;
  EXPECT_EQ(fixture.map().update_batch(keys.data(), values.data(), &count,
                                       BatchOptions{kNoExist, 0}),
            kEINVAL)
      << "only 0 or BPF_F_LOCK";
  EXPECT_EQ(count, 10u);
  count = 2;
  EXPECT_EQ(fixture.map().update_batch(keys.data(), values.data(), &count, BatchOptions{0, 7}),
            0)
      << "batch flags are ignored";
  count = 0;
  EXPECT_EQ(fixture.map().delete_batch(keys.data(), &count), 0);
  count = 10;
  EXPECT_EQ(fixture.map().delete_batch(keys.data(), &count, BatchOptions{kFLock, 0}), kEINVAL);
  EXPECT_EQ(count, 10u);
  EXPECT_EQ(fixture.map().delete_batch(keys.data(), &count), kENOENT);
  EXPECT_EQ(count, 3u);
}

// ---- generic lookup (ARRAY, PERCPU_ARRAY) ----

class ArrayBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(fixture_.create(kMapArray, 4, 8, 5, 0), 0);
    for (uint32_t key = 0; key < 5; ++key) ASSERT_EQ(fixture_.update(key, 100 + key), 0);
  }
  MapFixture fixture_{2};
};

TEST_F(ArrayBatchTest, TokensAreKeys) {
  Batch batch = lookup_batch(fixture_, nullptr, 2);
  EXPECT_EQ(batch.rc, 0);
  EXPECT_EQ(batch.keys, (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(batch.values, (std::vector<uint64_t>{100, 101}));
  EXPECT_EQ(batch.out_batch, 1u);
  const uint32_t one = 1, four = 4, far = 99;
  batch = lookup_batch(fixture_, &one, 10);
  EXPECT_EQ(batch.rc, kENOENT);
  EXPECT_EQ(batch.keys, (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(batch.out_batch, 4u);
  batch = lookup_batch(fixture_, &four, 10);
  EXPECT_EQ(batch.rc, kENOENT);
  EXPECT_EQ(batch.count, 0u);
  EXPECT_EQ(batch.out_batch, kUntouched) << "nothing returned: out_batch not written";
  batch = lookup_batch(fixture_, &far, 2);
  EXPECT_EQ(batch.rc, 0);
  EXPECT_EQ(batch.keys, (std::vector<uint64_t>{0, 1})) << "an out-of-range key restarts";
}

TEST_F(ArrayBatchTest, FlagsAreIgnoredButElemFlagsAreChecked) {
  EXPECT_EQ(lookup_batch(fixture_, nullptr, 2, false, BatchOptions{0, 1}).rc, 0);
  Batch batch = lookup_batch(fixture_, nullptr, 2, false, BatchOptions{kFLock, 0});
  EXPECT_EQ(batch.rc, kEINVAL);
  EXPECT_EQ(batch.count, 2u);
}

TEST_F(ArrayBatchTest, LookupAndDeleteAndDeleteAreNotSupported) {
  EXPECT_EQ(lookup_batch(fixture_, nullptr, 2, true).rc, kENOTSUPP);
  Bytes keys(8);
  uint32_t count = 2;
  EXPECT_EQ(fixture_.map().delete_batch(keys.data(), &count), kENOTSUPP);
  EXPECT_EQ(count, 2u);
}

// tools/testing/selftests/bpf/map_tests/array_map_batch_ops.c.
TEST(ArrayBatchSelftest, ArrayMapBatchOps) {
  for (uint32_t type : {kMapArray, kMapPercpuArray}) {
    constexpr uint32_t kEntries = 10;
    MapFixture fixture(2);
    ASSERT_EQ(fixture.create(type, 4, 8, kEntries, 0), 0);
    Bytes keys, values;
    for (uint32_t key = 0; key < kEntries; ++key) {
      Bytes key_bytes = le_bytes(key, 4);
      Bytes value_bytes(fixture.map().syscall_value_size(), 0);
      uint64_t value = key + 1;
      std::memcpy(value_bytes.data(), &value, 8);
      keys.insert(keys.end(), key_bytes.begin(), key_bytes.end());
      values.insert(values.end(), value_bytes.begin(), value_bytes.end());
    }
    uint32_t count = kEntries;
    ASSERT_EQ(fixture.map().update_batch(keys.data(), values.data(), &count), 0);
    for (uint32_t step = 1; step < kEntries; ++step) {
      uint32_t total = 0, token = 0;
      for (bool first = true;; first = false) {
        Batch batch = lookup_batch(fixture, first ? nullptr : &token, step);
        ASSERT_TRUE(batch.rc == 0 || batch.rc == kENOENT) << batch.rc;
        for (size_t index = 0; index < batch.keys.size(); ++index) {
          EXPECT_EQ(batch.keys[index], total + index);
          EXPECT_EQ(batch.values[index], batch.keys[index] + 1);
        }
        total += batch.count;
        token = batch.out_batch;
        if (batch.rc == kENOENT) break;
      }
      EXPECT_EQ(total, kEntries) << "step " << step;
    }
  }
}

// ---- the syscall layer ----

TEST(BatchPermissionTest, ReadOnlyAndWriteOnlyFds) {
  MapFixture read_only(2);
  ASSERT_EQ(read_only.create(kMapHash, 4, 8, 4, kFZeroSeed | kFRdonly), 0);
  Bytes keys(16), values(32);
  uint32_t count = 1, token = 0;
  Map& map = read_only.map();
  EXPECT_EQ(map.lookup_batch(nullptr, &token, keys.data(), values.data(), &count), kENOENT);
  count = 1;
  EXPECT_EQ(map.lookup_and_delete_batch(nullptr, &token, keys.data(), values.data(), &count),
            kEPERM);
  EXPECT_EQ(map.update_batch(keys.data(), values.data(), &count), kEPERM);
  EXPECT_EQ(map.delete_batch(keys.data(), &count), kEPERM);
  MapFixture write_only(2);
  ASSERT_EQ(write_only.create(kMapArray, 4, 8, 4, kFWronly), 0);
  EXPECT_EQ(write_only.map().lookup_batch(nullptr, &token, keys.data(), values.data(), &count),
            kEPERM);
  EXPECT_EQ(write_only.map().delete_batch(keys.data(), &count), kENOTSUPP)
      << "permissions pass, then the type has no delete batch";
}

// The bucket lock makes each bucket's copy-and-unlink atomic against writers: a
// lookup_and_delete_batch walk racing with a thread that deletes the same keys removes every
// key exactly once between them, and returns each key's own value.
TEST(BatchRealThreadTest, LookupAndDeleteWalkRacingWithDeletesRemovesEachKeyOnce) {
  constexpr uint32_t kKeys = 400;
  for (uint32_t type : {kMapHash, kMapLruHash}) {
    MapFixture fixture(2);
    ASSERT_EQ(fixture.create(type, 4, 8, 1024, kFZeroSeed), 0);
    for (uint32_t key = 0; key < kKeys; ++key) ASSERT_EQ(fixture.update(key, key + 1), 0);
    Map& map = fixture.map();
    uint32_t deleted = 0;
    std::thread deleter([&] {
      RealPlatform::CpuBinding binding(fixture.platform(), 1);
      for (uint32_t key = kKeys; key-- > 0;) {
        deleted += map.delete_elem(le_bytes(key, 4).data()) == 0 ? 1 : 0;
      }
    });
    std::set<uint64_t> returned;
    uint32_t token = 0;
    for (bool first = true;; first = false) {
      Batch batch = lookup_batch(fixture, first ? nullptr : &token, 16, true);
      ASSERT_TRUE(batch.rc == 0 || batch.rc == kENOENT || batch.rc == kENOSPC) << batch.rc;
      for (size_t index = 0; index < batch.keys.size(); ++index) {
        EXPECT_EQ(batch.values[index], batch.keys[index] + 1);
        EXPECT_TRUE(returned.insert(batch.keys[index]).second) << "returned twice";
      }
      if (batch.rc == kENOENT) break;
      token = batch.rc == kENOSPC ? batch.out_batch + 1 : batch.out_batch;  // skip a big bucket
    }
    deleter.join();
    std::set<uint64_t> skipped_bucket_keys;
    for (uint64_t key : fixture.keys()) skipped_bucket_keys.insert(key);
    EXPECT_EQ(returned.size() + deleted + skipped_bucket_keys.size(), kKeys) << type;
  }
}

TEST(BatchTokenTest, HashFamilyUsesBucketIndexesOthersUseKeys) {
  EXPECT_EQ(batch_token_size(kMapHash, 13), 4u);
  EXPECT_EQ(batch_token_size(kMapLruPercpuHash, 2), 4u);
  EXPECT_EQ(batch_token_size(kMapArray, 4), 4u);
  EXPECT_EQ(batch_token_size(kMapLpmTrie, 8), 8u);
}

}  // namespace
}  // namespace mapsim
