// HASH and PERCPU_HASH: the test_maps.c behaviours (fact sheet 9.2) and the facts of 3.2-3.12.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <vector>

#include "impl/jhash.h"
#include "tests/support/map_fixture.h"

namespace mapsim {
namespace {

using namespace bpf;
using testing::Bytes;
using testing::le_bytes;
using testing::MapFixture;

class HashMapTest : public ::testing::TestWithParam<uint32_t> {};

// test_hashmap, run with and without preallocation as test_maps does.
TEST_P(HashMapTest, SelftestHashmap) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapHash, 8, 8, 2, GetParam()), 0);
  EXPECT_EQ(fixture.update(1, 1234, kAny), 0);
  EXPECT_EQ(fixture.update(1, 1234, kNoExist), kEEXIST);
  EXPECT_EQ(fixture.update(1, 1234, ~uint64_t{0}), kEINVAL);
  uint64_t value = 0;
  EXPECT_EQ(fixture.lookup(1, &value), 0);
  EXPECT_EQ(value, 1234u);
  EXPECT_EQ(fixture.update(2, 1234, kAny), 0);
  Bytes out(8);
  EXPECT_EQ(fixture.map().lookup_and_delete_elem(fixture.key(2).data(), out.data()), 0);
  EXPECT_EQ(testing::le_value(out), 1234u);
  EXPECT_EQ(fixture.lookup(2), kENOENT);
  EXPECT_EQ(fixture.update(2, 1234, kExist), kENOENT);
  EXPECT_EQ(fixture.update(2, 1234, kNoExist), 0);
  EXPECT_EQ(fixture.update(0, 1234, kNoExist), kE2BIG);  // full
  EXPECT_EQ(fixture.update(1, 1, kExist), 0);            // replacing works while full
  EXPECT_EQ(fixture.update(2, 2, kAny), 0);
  EXPECT_EQ(fixture.update(3, 1234, kNoExist), kE2BIG);
  EXPECT_EQ(fixture.remove(0), kENOENT);
  uint64_t first = 0, second = 0, missing = 0, from_missing = 0;
  ASSERT_EQ(fixture.next_key(nullptr, &first), 0);
  EXPECT_TRUE(first == 1 || first == 2);
  ASSERT_EQ(fixture.next_key(&missing, &from_missing), 0);  // a missing key restarts
  EXPECT_EQ(from_missing, first);
  ASSERT_EQ(fixture.next_key(&first, &second), 0);
  EXPECT_EQ(first + second, 3u);
  EXPECT_EQ(fixture.next_key(&second, &second), kENOENT);
  EXPECT_EQ(fixture.remove(1), 0);
  EXPECT_EQ(fixture.remove(2), 0);
  EXPECT_EQ(fixture.remove(1), kENOENT);
  EXPECT_EQ(fixture.next_key(nullptr, &first), kENOENT);
  EXPECT_EQ(fixture.next_key(&missing, &first), kENOENT);
}

INSTANTIATE_TEST_SUITE_P(PreallocAndNot, HashMapTest,
                         ::testing::Values(kFZeroSeed, kFZeroSeed | kFNoPrealloc));

// The order users see: bucket by jhash, newest first inside a bucket (fact sheet 3.4).
std::vector<uint64_t> predicted_order(const std::vector<uint64_t>& inserted, uint32_t key_size,
                                      uint32_t n_buckets) {
  std::map<uint32_t, std::vector<uint64_t>> buckets;
  for (uint64_t key : inserted) {
    Bytes bytes = le_bytes(key, key_size);
    uint32_t bucket = jhash(bytes.data(), key_size, 0) & (n_buckets - 1);
    buckets[bucket].insert(buckets[bucket].begin(), key);
  }
  std::vector<uint64_t> order;
  for (auto& [bucket, keys] : buckets) order.insert(order.end(), keys.begin(), keys.end());
  return order;
}

TEST(HashMapOrderTest, IterationFollowsBucketsAndHeadInsertion) {
  for (uint32_t key_size : {1u, 3u, 4u, 5u, 8u, 13u}) {
    MapFixture fixture(2);
    ASSERT_EQ(fixture.create(kMapHash, key_size, 8, 40), 0);
    std::vector<uint64_t> inserted;
    for (uint64_t key = 1; key <= 40; ++key) {
      uint64_t stored = key * 2654435761u % (key_size == 1 ? 256 : 1u << 20);
      if (std::find(inserted.begin(), inserted.end(), stored) != inserted.end()) continue;
      ASSERT_EQ(fixture.update(stored, key), 0);
      inserted.push_back(stored);
    }
    EXPECT_EQ(fixture.keys(), predicted_order(inserted, key_size, 64)) << key_size;
  }
}

TEST(HashMapOrderTest, ReplaceMovesHashKeyToFrontButPercpuStaysInPlace) {
  // Keys 1..64 in a 64-bucket map collide somewhere; replacing the tail of a chain moves it.
  for (uint32_t type : {kMapHash, kMapPercpuHash}) {
    MapFixture fixture(2);
    ASSERT_EQ(fixture.create(type, 4, 8, 64), 0);
    std::vector<uint64_t> inserted;
    for (uint64_t key = 1; key <= 64; ++key) {
      Bytes value(fixture.map().syscall_value_size(), 1);
      ASSERT_EQ(fixture.map().update_elem(fixture.key(key).data(), value.data(), kAny), 0);
      inserted.push_back(key);
    }
    const std::vector<uint64_t> before = fixture.keys();
    EXPECT_EQ(before, predicted_order(inserted, 4, 64));
    // Replace every key in insertion order: for HASH each moves to its bucket head again, which
    // reproduces the same order; so replace only the first key and check its new place.
    const uint64_t replaced = inserted.front();
    Bytes value(fixture.map().syscall_value_size(), 2);
    ASSERT_EQ(fixture.map().update_elem(fixture.key(replaced).data(), value.data(), kExist), 0);
    std::vector<uint64_t> moved = inserted;
    moved.erase(moved.begin());
    moved.push_back(replaced);
    EXPECT_EQ(fixture.keys(), type == kMapHash ? predicted_order(moved, 4, 64) : before);
  }
}

TEST(HashMapTest, PreallocCapacityIsExactlyMaxEntriesOnEveryCpu) {
  for (int cpus : {1, 2, 3, 8}) {
    MapFixture fixture(cpus);
    ASSERT_EQ(fixture.create(kMapHash, 4, 8, 10), 0);
    for (uint64_t key = 0; key < 10; ++key) {
      fixture.on_cpu(static_cast<int>(key) % cpus);
      ASSERT_EQ(fixture.update(key, key), 0) << cpus << " " << key;
    }
    EXPECT_EQ(fixture.update(10, 10), kE2BIG);
    fixture.on_cpu(cpus - 1);
    EXPECT_EQ(fixture.update(10, 10), kE2BIG);
    EXPECT_EQ(fixture.update(3, 33, kExist), 0);  // the extra element serves replacements
    EXPECT_EQ(fixture.remove(4), 0);
    EXPECT_EQ(fixture.update(10, 10, kNoExist), 0);
  }
}

TEST(HashMapTest, NoPreallocCapacityAndEnomem) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapHash, 4, 8, 3, kFZeroSeed | kFNoPrealloc), 0);
  for (uint64_t key = 0; key < 3; ++key) ASSERT_EQ(fixture.update(key, key), 0);
  EXPECT_EQ(fixture.update(3, 3), kE2BIG);
  EXPECT_EQ(fixture.update(2, 22), 0);  // a replacement in a full map is allowed
  EXPECT_EQ(fixture.update(2, 22, kNoExist), kEEXIST);  // existence before capacity
  EXPECT_EQ(fixture.update(7, 22, kExist), kENOENT);

  RealPlatform tiny(1, 4096);  // a budget too small for a second element
  RealPlatform::CpuBinding binding(tiny, 0);
  MapAttr attr{kMapHash, 4, 1000, 16, kFZeroSeed | kFNoPrealloc, 0, 0, ""};
  std::unique_ptr<Map> map;
  ASSERT_EQ(create_map(tiny, attr, &map), 0);
  std::vector<unsigned char> value(1000, 7);
  int rc = 0;
  uint32_t key = 0;
  for (; key < 16 && rc == 0; ++key) rc = map->update_elem(&key, value.data(), kAny);
  EXPECT_EQ(rc, kENOMEM);
  EXPECT_GT(key, 1u);
}

TEST(HashMapTest, DeletedElementIsReusedAtOnceOnTheSameCpu) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapHash, 4, 8, 4), 0);
  ASSERT_EQ(fixture.update(1, 100), 0);
  void* held = fixture.map().prog_lookup(fixture.key(1).data());
  ASSERT_NE(held, nullptr);
  ASSERT_EQ(fixture.remove(1), 0);
  ASSERT_EQ(fixture.update(2, 200), 0);
  // A program still holding the pointer now reads key 2's value (fact sheet 3.12).
  uint64_t seen = 0;
  std::memcpy(&seen, held, 8);
  EXPECT_EQ(seen, 200u);
}

TEST(HashMapTest, ReplacementRecyclesThroughTheExtraElement) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapHash, 4, 8, 4), 0);
  ASSERT_EQ(fixture.update(1, 100), 0);
  void* old_value = fixture.map().prog_lookup(fixture.key(1).data());
  ASSERT_EQ(fixture.update(1, 101), 0);  // takes CPU 0's extra, old element becomes the extra
  void* new_value = fixture.map().prog_lookup(fixture.key(1).data());
  EXPECT_NE(old_value, new_value);
  ASSERT_EQ(fixture.update(1, 102), 0);  // swaps back into the first element
  EXPECT_EQ(fixture.map().prog_lookup(fixture.key(1).data()), old_value);
}

TEST(PercpuHashMapTest, SelftestHashmapPercpu) {
  for (uint32_t flags : {kFZeroSeed, kFZeroSeed | kFNoPrealloc}) {
    const int cpus = 3;
    MapFixture fixture(cpus);
    ASSERT_EQ(fixture.create(kMapPercpuHash, 4, 8, 2, flags), 0);
    ASSERT_EQ(fixture.map().syscall_value_size(), 8u * cpus);
    Bytes values(8 * cpus);
    for (int cpu = 0; cpu < cpus; ++cpu) {
      Bytes slot = le_bytes(100 + cpu, 8);
      std::copy(slot.begin(), slot.end(), values.begin() + 8 * cpu);
    }
    EXPECT_EQ(fixture.map().update_elem(fixture.key(1).data(), values.data(), kAny), 0);
    Bytes out(8 * cpus);
    EXPECT_EQ(fixture.map().lookup_and_delete_elem(fixture.key(1).data(), out.data()), 0);
    EXPECT_EQ(out, values);
    EXPECT_EQ(fixture.map().update_elem(fixture.key(1).data(), values.data(), kNoExist), 0);
    EXPECT_EQ(fixture.map().update_elem(fixture.key(1).data(), values.data(), kNoExist), kEEXIST);
    EXPECT_EQ(fixture.map().update_elem(fixture.key(1).data(), values.data(), ~0ull), kEINVAL);
    EXPECT_EQ(fixture.map().update_elem(fixture.key(1).data(), values.data(), kFLock), kEINVAL);
    EXPECT_EQ(fixture.map().update_elem(fixture.key(2).data(), values.data(), kExist), kENOENT);
    EXPECT_EQ(fixture.map().update_elem(fixture.key(2).data(), values.data(), kNoExist), 0);
    EXPECT_EQ(fixture.map().update_elem(fixture.key(0).data(), values.data(), kNoExist), kE2BIG);
    EXPECT_EQ(fixture.keys().size(), 2u);
    EXPECT_EQ(fixture.map().lookup_elem(fixture.key(2).data(), out.data()), 0);
    EXPECT_EQ(out, values);
  }
}

TEST(PercpuHashMapTest, ProgramUpdatesTouchOnlyTheirCpuAndReusedElementsKeepPadding) {
  const int cpus = 2;
  MapFixture fixture(cpus);
  ASSERT_EQ(fixture.create(kMapPercpuHash, 4, 5, 1), 0);  // value_size 5: 3 padding bytes
  Bytes all(16);
  for (size_t index = 0; index < all.size(); ++index) all[index] = 'A' + index % 8;
  ASSERT_EQ(fixture.map().update_elem(fixture.key(1).data(), all.data(), kAny), 0);
  Bytes out(16);
  ASSERT_EQ(fixture.map().lookup_elem(fixture.key(1).data(), out.data()), 0);
  EXPECT_EQ(out, all);  // padding travels both ways through the syscall
  ASSERT_EQ(fixture.remove(1), 0);
  // A program inserts key 2 on CPU 1 into the reused element: CPU 1's first 5 bytes are the
  // value, CPU 0's are zeroed, and both slots keep the padding "FGH" of the deleted key.
  fixture.on_cpu(1);
  const unsigned char prog_value[5] = {1, 2, 3, 4, 5};
  ASSERT_EQ(fixture.map().prog_update(fixture.key(2).data(), prog_value, kAny), 0);
  ASSERT_EQ(fixture.map().lookup_elem(fixture.key(2).data(), out.data()), 0);
  const Bytes expected = {0, 0, 0, 0, 0, 'F', 'G', 'H', 1, 2, 3, 4, 5, 'F', 'G', 'H'};
  EXPECT_EQ(out, expected);
  // A program update of the existing key writes value_size bytes of its own CPU only.
  fixture.on_cpu(0);
  const unsigned char second[5] = {9, 9, 9, 9, 9};
  ASSERT_EQ(fixture.map().prog_update(fixture.key(2).data(), second, kExist), 0);
  ASSERT_EQ(fixture.map().lookup_elem(fixture.key(2).data(), out.data()), 0);
  const Bytes expected_after = {9, 9, 9, 9, 9, 'F', 'G', 'H', 1, 2, 3, 4, 5, 'F', 'G', 'H'};
  EXPECT_EQ(out, expected_after);
  EXPECT_EQ(fixture.map().prog_lookup_percpu(fixture.key(2).data(), 1),
            static_cast<unsigned char*>(fixture.map().prog_lookup(fixture.key(2).data())) + 8);
  EXPECT_EQ(fixture.map().prog_lookup_percpu(fixture.key(2).data(), 2), nullptr);
}

TEST(HashMapTest, WalkWhileReplacingVisitsEveryKeyOnce) {
  // test_hashmap_walk: ask for the next key first, then lookup + BPF_EXIST update of the
  // current key (which moves it to its bucket head): exactly one step per key.
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapHash, 8, 24, 1000), 0);
  Bytes value(24, 0);
  for (uint64_t key = 0; key < 1000; ++key) {
    ASSERT_EQ(fixture.map().update_elem(fixture.key(key).data(), value.data(), kAny), 0);
  }
  uint64_t steps = 0, current = 0, next = 0;
  ASSERT_EQ(fixture.next_key(nullptr, &current), 0);
  for (bool more = true; more; ++steps) {
    more = fixture.next_key(&current, &next) == 0;
    ASSERT_EQ(fixture.map().lookup_elem(fixture.key(current).data(), value.data()), 0);
    value[0]++;
    ASSERT_EQ(fixture.map().update_elem(fixture.key(current).data(), value.data(), kExist), 0);
    current = next;
    ASSERT_LE(steps, 1000u);
  }
  EXPECT_EQ(steps, 1000u);
  for (uint64_t key = 0; key < 1000; ++key) {  // the third walk sees every value incremented
    ASSERT_EQ(fixture.map().lookup_elem(fixture.key(key).data(), value.data()), 0);
    ASSERT_EQ(value[0], 1);
  }
}

TEST(HashMapTest, ZeroSeedMapsIterateIdentically) {
  MapFixture first(2), second(2);
  ASSERT_EQ(first.create(kMapHash, 4, 8, 100), 0);
  ASSERT_EQ(second.create(kMapHash, 4, 8, 100), 0);
  for (uint64_t key = 0; key < 100; ++key) {
    ASSERT_EQ(first.update(key * 7, key), 0);
    ASSERT_EQ(second.update(key * 7, key), 0);
  }
  EXPECT_EQ(first.keys(), second.keys());
}

TEST(HashMapTest, LargeKeys) {
  // test_map_large in miniature: 4112-byte keys, fill, one more is E2BIG, iterate all.
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapHash, 4112, 8, 64), 0);
  for (uint64_t key = 0; key < 64; ++key) ASSERT_EQ(fixture.update(key, key), 0);
  EXPECT_EQ(fixture.update(64, 64), kE2BIG);
  EXPECT_EQ(fixture.keys().size(), 64u);
  uint64_t value = 0;
  EXPECT_EQ(fixture.lookup(17, &value), 0);
  EXPECT_EQ(value, 17u);
}

}  // namespace
}  // namespace mapsim

namespace mapsim {
namespace {

TEST(PercpuHashMapTest, NoPreallocAreasAreReusedWithTheirPaddingOnTheFreeingCpu) {
  // The kernel's per-CPU allocator cache hands the deleted key's area to the next insert on the
  // same CPU without zeroing (observed on 6.18.44, tests/data/diff).
  using namespace bpf;
  testing::MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapPercpuHash, 4, 2, 4, kFZeroSeed | kFNoPrealloc), 0);
  testing::Bytes all = {0x11, 0x11, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
                        0x22, 0x22, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb};
  ASSERT_EQ(fixture.map().update_elem(fixture.key(1).data(), all.data(), kAny), 0);
  ASSERT_EQ(fixture.remove(1), 0);
  const unsigned char value[2] = {0x33, 0x33};
  ASSERT_EQ(fixture.map().prog_update(fixture.key(2).data(), value, kAny), 0);
  testing::Bytes out(16);
  ASSERT_EQ(fixture.map().lookup_elem(fixture.key(2).data(), out.data()), 0);
  const testing::Bytes expected = {0x33, 0x33, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
                                   0x00, 0x00, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb};
  EXPECT_EQ(out, expected);
  // On another CPU the cache holds a fresh area: all zeros around the value.
  fixture.on_cpu(1);
  ASSERT_EQ(fixture.map().prog_update(fixture.key(3).data(), value, kAny), 0);
  ASSERT_EQ(fixture.map().lookup_elem(fixture.key(3).data(), out.data()), 0);
  const testing::Bytes fresh = {0, 0, 0, 0, 0, 0, 0, 0, 0x33, 0x33, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(out, fresh);
}

}  // namespace
}  // namespace mapsim
