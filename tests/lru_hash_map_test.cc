// LRU_HASH and LRU_PERCPU_HASH (impl/internal/lru_hash_map_impl.h) through the Map API.
//
// The sanity tests are the behaviours of the kernel selftest test_lru_map.c (fact sheet 9.1),
// run for {LRU_HASH, LRU_PERCPU_HASH} x {common LRU, BPF_F_NO_COMMON_LRU} x {2, 4} possible
// CPUs. As in the selftest, the expected contents are kept in a plain map and compared both
// ways (map_equal), keys and values are u64, and a "program lookup" (which sets the reference
// bit) is distinct from a syscall lookup (which does not). The test thread is bound to CPU 0
// unless a test says otherwise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "impl/create_map.h"
#include "impl/internal/lru_hash_map_impl.h"
#include "impl/lru_path_event.h"
#include "impl/real_platform.h"
#include "impl/uapi.h"
#include "tests/support/recording_platform.h"

namespace mapsim {
namespace {

using internal::LruHashMap;
using Contents = std::map<uint64_t, uint64_t>;
using testing::RecordingPlatform;
using Event = RecordingPlatform::Event;

constexpr uint64_t kValue = 1234;
constexpr uint32_t kLocalFreeTarget = 128;  // test_lru_map.c LOCAL_FREE_TARGET
constexpr uint32_t kPercpuFreeTarget = 4;   // test_lru_map.c PERCPU_FREE_TARGET

// One LRU map with u64 keys and values, and the selftest's helpers.
template <class P>
class LruMapHarness {
 public:
  LruMapHarness(int cpus, uint32_t type, uint32_t flags, uint32_t max_entries,
                uint64_t memory_budget = RealPlatform::kDefaultMemoryBudgetBytes)
      : platform_(cpus, memory_budget) {
    on_cpu(0);
    MapAttr attr;
    attr.map_type = type;
    attr.key_size = 8;
    attr.value_size = 8;
    attr.max_entries = max_entries;
    attr.map_flags = flags | bpf::kFZeroSeed;
    if constexpr (std::is_same_v<P, RealPlatform>) {
      create_result_ = create_map(platform_, attr, &map_);
    } else {
      create_result_ = LruHashMap<P>::create(platform_, attr, &map_);
    }
  }

  int create_result() const { return create_result_; }
  P& platform() { return platform_; }
  Map& map() { return *map_; }
  LruHashMap<P>& lru_map() { return dynamic_cast<LruHashMap<P>&>(*map_); }
  int cpus() const { return platform_.possible_cpus(); }
  bool percpu_values() const { return map_->info().map_type == bpf::kMapLruPercpuHash; }

  void on_cpu(int cpu) {
    binding_.reset();
    binding_ = std::make_unique<RealPlatform::CpuBinding>(platform_, cpu);
  }

  // Syscall update; per-CPU maps get `value` in every CPU's slot.
  int update(uint64_t key, uint64_t value, uint64_t flags) {
    std::vector<uint64_t> buffer(map_->syscall_value_size() / 8, value);
    return map_->update_elem(&key, buffer.data(), flags);
  }
  // Syscall lookup; *value gets CPU 0's slot.
  int lookup(uint64_t key, uint64_t* value = nullptr) {
    std::vector<uint64_t> buffer(map_->syscall_value_size() / 8);
    const int result = map_->lookup_elem(&key, buffer.data());
    if (result == 0 && value != nullptr) *value = buffer[0];
    return result;
  }
  // bpf_map_lookup_elem_with_ref_bit(): a program lookup on the current CPU.
  int prog_lookup(uint64_t key, uint64_t* value = nullptr) {
    void* found = map_->prog_lookup(&key);
    if (found == nullptr) return bpf::kENOENT;
    if (value != nullptr) std::memcpy(value, found, sizeof(*value));
    return 0;
  }
  int remove(uint64_t key) { return map_->delete_elem(&key); }
  int lookup_and_delete(uint64_t key, uint64_t* value) {
    std::vector<uint64_t> buffer(map_->syscall_value_size() / 8);
    const int result = map_->lookup_and_delete_elem(&key, buffer.data());
    if (result == 0) *value = buffer[0];
    return result;
  }
  // Every key with CPU 0's value, walked with get_next_key as map_subset() does.
  Contents contents() {
    Contents result;
    uint64_t key = 0;
    uint64_t next = 0;
    for (int rc = map_->get_next_key(nullptr, &next); rc == 0;
         rc = map_->get_next_key(&key, &next)) {
      key = next;
      uint64_t value = 0;
      EXPECT_EQ(lookup(key, &value), 0);
      result[key] = value;
    }
    return result;
  }
  bool referenced(uint64_t key) {
    const auto* node = lru_map().node_of_key(&key);
    return node != nullptr && node->is_referenced();
  }
  void expect_invariants() {
    std::string failure;
    EXPECT_TRUE(lru_map().check_invariants(&failure)) << failure;
  }

 private:
  P platform_;
  std::unique_ptr<RealPlatform::CpuBinding> binding_;
  std::unique_ptr<Map> map_;
  int create_result_ = 0;
};

using Harness = LruMapHarness<RealPlatform>;

// ---------------------------------------------------------------------------------------------
// Creation (fact sheet 3.1).

TEST(LruHashMapCreateTest, NoPreallocIsNotSupported) {
  for (uint32_t type : {bpf::kMapLruHash, bpf::kMapLruPercpuHash}) {
    Harness harness(2, type, bpf::kFNoPrealloc, 16);
    EXPECT_EQ(harness.create_result(), bpf::kENOTSUPP);
  }
}

TEST(LruHashMapCreateTest, NoCommonLruRoundsMaxEntriesUpToTheCpus) {
  for (auto [requested, rounded] : {std::pair{1u, 2u}, {3u, 4u}, {5u, 6u}, {6u, 6u}}) {
    Harness harness(2, bpf::kMapLruHash, bpf::kFNoCommonLru, requested);
    ASSERT_EQ(harness.create_result(), 0);
    EXPECT_EQ(harness.map().info().max_entries, rounded);
  }
  Harness common(2, bpf::kMapLruHash, 0, 3);
  ASSERT_EQ(common.create_result(), 0);
  EXPECT_EQ(common.map().info().max_entries, 3u) << "the common LRU is not rounded";
}

TEST(LruHashMapCreateTest, SharesTheHashFamilyChecks) {
  Harness zero_entries(2, bpf::kMapLruHash, 0, 0);
  EXPECT_EQ(zero_entries.create_result(), bpf::kEINVAL);
  Harness numa_percpu_lru(2, bpf::kMapLruHash, bpf::kFNoCommonLru | bpf::kFNumaNode, 4);
  EXPECT_EQ(numa_percpu_lru.create_result(), bpf::kEINVAL);
  Harness too_many(2, bpf::kMapLruHash, 0, (1u << 31) + 1);
  EXPECT_EQ(too_many.create_result(), bpf::kE2BIG);
}

TEST(LruHashMapCreateTest, TargetFreeFollowsTheMapSize) {
  Harness small(2, bpf::kMapLruHash, 0, 300);
  ASSERT_EQ(small.create_result(), 0);
  EXPECT_EQ(small.lru_map().lru().target_free(), 75u);
  Harness large(2, bpf::kMapLruPercpuHash, 0, 1000);
  ASSERT_EQ(large.create_result(), 0);
  EXPECT_EQ(large.lru_map().lru().target_free(), 128u);
  EXPECT_EQ(large.map().syscall_value_size(), 16u);
}

// A 1M-entry map on 512 CPUs fits a 1 GiB budget (per-CPU LRU structures stay small).
TEST(LruHashMapCreateTest, MillionEntriesOn512CpusFitInOneGibibyte) {
  for (uint32_t flags : {0u, bpf::kFNoCommonLru}) {
    Harness harness(512, bpf::kMapLruHash, flags, 1u << 20, uint64_t{1} << 30);
    ASSERT_EQ(harness.create_result(), 0);
    EXPECT_LT(harness.platform().bytes_in_use(), uint64_t{1} << 30);
    harness.on_cpu(511);
    EXPECT_EQ(harness.update(1, kValue, bpf::kNoExist), 0);
    EXPECT_EQ(harness.lookup(1), 0);
  }
}

TEST(LruHashMapCreateTest, Works1024PossibleCpus) {
  for (uint32_t type : {bpf::kMapLruHash, bpf::kMapLruPercpuHash}) {
    for (uint32_t flags : {0u, bpf::kFNoCommonLru}) {
      Harness harness(1024, type, flags, 2048);
      ASSERT_EQ(harness.create_result(), 0);
      harness.on_cpu(1023);
      EXPECT_EQ(harness.update(7, kValue, bpf::kNoExist), 0);
      EXPECT_EQ(harness.prog_lookup(7), 0);
      harness.on_cpu(3);
      EXPECT_EQ(harness.remove(7), 0);
      harness.expect_invariants();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// test_lru_map.c sanity0..8 (fact sheet 9.1).

struct LruCase {
  uint32_t type;
  uint32_t flags;
  int cpus;
};

void PrintTo(const LruCase& value, std::ostream* out) {
  *out << "{type " << value.type << ", flags " << value.flags << ", " << value.cpus << " CPUs}";
}

class LruSanityTest : public ::testing::TestWithParam<LruCase> {
 protected:
  bool percpu_lru() const { return (GetParam().flags & bpf::kFNoCommonLru) != 0; }
  uint32_t target_free() const { return percpu_lru() ? kPercpuFreeTarget : kLocalFreeTarget; }
  int cpus() const { return GetParam().cpus; }
  bool lru_percpu_hash() const { return GetParam().type == bpf::kMapLruPercpuHash; }
  // __map_size(): the map size whose common-LRU target_free is `target`.
  uint32_t map_size_for(uint32_t target) const { return target * cpus() * 2; }

  std::unique_ptr<Harness> make(uint32_t max_entries) {
    auto harness = std::make_unique<Harness>(cpus(), GetParam().type, GetParam().flags,
                                             max_entries);
    EXPECT_EQ(harness->create_result(), 0);
    return harness;
  }
  // Inserts [first, end) with BPF_NOEXIST, each expected to succeed.
  void insert(Harness& harness, uint64_t first, uint64_t end, Contents* expected = nullptr) {
    for (uint64_t key = first; key < end; ++key) {
      ASSERT_EQ(harness.update(key, kValue, bpf::kNoExist), 0) << "key " << key;
      if (expected != nullptr) (*expected)[key] = kValue;
    }
  }
  void expect_map_equal(Harness& harness, const Contents& expected) {
    EXPECT_EQ(harness.contents(), expected);
    harness.expect_invariants();
  }
};

// Size 2: insert 1 and 2, reference 1, insert 3 => 2 is evicted.
TEST_P(LruSanityTest, Sanity0EvictsTheUnreferencedKey) {
  auto harness = make(percpu_lru() ? 2 * cpus() : 2);
  Contents expected;
  EXPECT_EQ(harness->update(1, kValue, bpf::kNoExist), 0);
  expected[1] = kValue;
  EXPECT_EQ(harness->update(1, kValue, bpf::kNoExist), bpf::kEEXIST);
  EXPECT_EQ(harness->update(1, kValue, ~uint64_t{0}), bpf::kEINVAL);
  EXPECT_EQ(harness->lookup(2), bpf::kENOENT);
  EXPECT_EQ(harness->update(2, kValue, bpf::kExist), bpf::kENOENT);
  EXPECT_EQ(harness->update(2, kValue, bpf::kNoExist), 0);
  EXPECT_EQ(harness->lookup(3), bpf::kENOENT);
  uint64_t value = 0;
  EXPECT_EQ(harness->prog_lookup(1, &value), 0);
  EXPECT_EQ(value, kValue);
  EXPECT_EQ(harness->update(3, kValue, bpf::kNoExist), 0);
  expected[3] = kValue;
  EXPECT_EQ(harness->lookup(2), bpf::kENOENT);
  EXPECT_EQ(harness->lookup_and_delete(1, &value), 0);
  EXPECT_EQ(value, kValue);
  expected.erase(1);
  expect_map_equal(*harness, expected);
}

// Unreferenced keys are recycled before referenced ones.
TEST_P(LruSanityTest, Sanity1RecyclesUnreferencedKeysFirst) {
  if (percpu_lru()) GTEST_SKIP() << "common LRU only";
  const uint32_t batch = target_free() / 2;
  auto harness = make(map_size_for(target_free()) + batch);
  Contents expected;
  insert(*harness, 1, 1 + map_size_for(target_free()));
  for (uint64_t key = 1; key < 1 + batch; ++key) {
    ASSERT_EQ(harness->prog_lookup(key), 0);
    expected[key] = kValue;
  }
  const uint64_t first = 1 + map_size_for(target_free());
  insert(*harness, first, first + map_size_for(target_free()), &expected);
  expect_map_equal(*harness, expected);
}

// Inserting beyond the size recycles the oldest; the pop happens before the existence check.
TEST_P(LruSanityTest, Sanity2EvictsTheOldestEvenForFailingUpdates) {
  if (percpu_lru()) GTEST_SKIP() << "common LRU only";
  const uint32_t batch = target_free() / 2;
  auto harness = make(map_size_for(target_free()) + batch);
  Contents expected;
  insert(*harness, 1, 1 + map_size_for(target_free()));
  if (lru_percpu_hash()) {
    EXPECT_EQ(harness->update(1, kValue, bpf::kNoExist), 0) << "key 1 was evicted by the pop";
    EXPECT_EQ(harness->remove(1), 0);
  } else {
    EXPECT_NE(harness->update(1, kValue, bpf::kExist), 0) << "key 1 was evicted by the pop";
  }
  for (uint64_t key = 1; key < 1 + batch; ++key) {
    uint64_t value = 0;
    EXPECT_EQ(harness->lookup(key), bpf::kENOENT);
    EXPECT_EQ(harness->update(key, 4321, bpf::kNoExist), 0);
    EXPECT_EQ(harness->prog_lookup(key, &value), 0);
    EXPECT_EQ(value, 4321u);
    expected[key] = 4321;
  }
  uint64_t key = 1 + map_size_for(target_free());
  insert(*harness, key, key + batch);  // unreferenced: gone at the next shrinks
  key += batch;
  insert(*harness, key, key + map_size_for(target_free()), &expected);
  expect_map_equal(*harness, expected);
}

// Active/inactive rotation: only the unreferenced keys are replaced.
TEST_P(LruSanityTest, Sanity3ReplacesOnlyUnreferencedKeys) {
  if (percpu_lru()) GTEST_SKIP() << "common LRU only";
  const uint32_t batch = (target_free() / cpus()) / 2;  // __tgt_size(tgt_free)
  const uint32_t map_size = target_free() * 2;
  auto harness = make(map_size);
  Contents expected;
  insert(*harness, 1, 1 + map_size);
  for (uint64_t key = 1; key < 1 + map_size - batch; ++key) {
    ASSERT_EQ(harness->prog_lookup(key), 0);
    expected[key] = kValue;
  }
  insert(*harness, 2 * target_free() + 1, 2 * target_free() + 1 + batch, &expected);
  expect_map_equal(*harness, expected);
}

// Deletion.
TEST_P(LruSanityTest, Sanity4DeletedKeysAreReusedFirst) {
  auto harness = make(percpu_lru() ? 3 * target_free() * cpus()
                                   : 3 * map_size_for(target_free()));
  Contents expected;
  insert(*harness, 1, 2 * target_free() + 1);
  EXPECT_NE(harness->update(1, kValue, bpf::kNoExist), 0);
  uint64_t key = 1;
  for (; key <= target_free(); ++key) {
    ASSERT_EQ(harness->prog_lookup(key), 0);
    expected[key] = kValue;
  }
  for (; key <= 2 * target_free(); ++key) {
    EXPECT_EQ(harness->remove(key), 0);
    EXPECT_NE(harness->remove(key), 0);
  }
  insert(*harness, key, key + 2 * target_free(), &expected);
  expect_map_equal(*harness, expected);
}

// A one-element map used from every CPU in turn: each CPU steals the key of the previous one.
TEST_P(LruSanityTest, Sanity5OneElementMapMovesAcrossCpus) {
  if (percpu_lru()) GTEST_SKIP() << "common LRU only";
  auto harness = make(1);
  uint64_t key = 0;
  EXPECT_EQ(harness->update(key, kValue, bpf::kNoExist), 0);
  for (int cpu = 0; cpu < cpus(); ++cpu, ++key) {
    harness->on_cpu(cpu);
    EXPECT_EQ(harness->prog_lookup(key), 0) << "CPU " << cpu;
    EXPECT_EQ(harness->update(key + 1, kValue, bpf::kNoExist), 0) << "CPU " << cpu;
    EXPECT_EQ(harness->prog_lookup(key + 1), 0) << "CPU " << cpu;
    EXPECT_EQ(harness->lookup(key), bpf::kENOENT) << "CPU " << cpu;
  }
  harness->expect_invariants();
}

// Per-CPU lists: rotation keeps the keys that are referenced before every insert.
TEST_P(LruSanityTest, Sanity6PercpuRotationKeepsStickyKeys) {
  if (!percpu_lru()) GTEST_SKIP() << "BPF_F_NO_COMMON_LRU only";
  auto harness = make(target_free() * 2 * cpus());
  Contents expected;
  uint64_t key = 1;
  insert(*harness, key, target_free() + 1, &expected);
  for (key = target_free() + 1; key <= target_free() * 2; ++key) {
    for (uint64_t stable = 1; stable <= target_free(); ++stable) {
      ASSERT_EQ(harness->prog_lookup(stable), 0);
    }
    ASSERT_EQ(harness->update(key, kValue, bpf::kNoExist), 0);
  }
  insert(*harness, key, target_free() * 3 + 1, &expected);
  expect_map_equal(*harness, expected);
}

// A syscall lookup does not protect a key: key 2 is looked up by syscall and still evicted.
TEST_P(LruSanityTest, Sanity7SyscallLookupDoesNotProtect) {
  auto harness = make(percpu_lru() ? 2 * cpus() : 2);
  Contents expected;
  insert(*harness, 1, 2, &expected);
  EXPECT_EQ(harness->update(1, kValue, bpf::kNoExist), bpf::kEEXIST);
  EXPECT_EQ(harness->lookup(2), bpf::kENOENT);
  EXPECT_EQ(harness->update(2, kValue, bpf::kExist), bpf::kENOENT);
  EXPECT_EQ(harness->update(2, kValue, bpf::kNoExist), 0);
  EXPECT_EQ(harness->lookup(3), bpf::kENOENT);
  EXPECT_EQ(harness->prog_lookup(1), 0);
  EXPECT_EQ(harness->lookup(2), 0);
  EXPECT_FALSE(harness->referenced(2));
  insert(*harness, 3, 4, &expected);
  EXPECT_EQ(harness->lookup(2), bpf::kENOENT);
  expect_map_equal(*harness, expected);
}

// Key 1 looked up by syscall, key 2 by a program: inserting 3 evicts 1.
TEST_P(LruSanityTest, Sanity8ProgramLookupProtects) {
  auto harness = make(percpu_lru() ? 2 * cpus() : 2);
  Contents expected;
  EXPECT_EQ(harness->update(1, kValue, bpf::kNoExist), 0);
  EXPECT_EQ(harness->update(1, kValue, bpf::kNoExist), bpf::kEEXIST);
  EXPECT_EQ(harness->lookup(2), bpf::kENOENT);
  EXPECT_EQ(harness->update(2, kValue, bpf::kExist), bpf::kENOENT);
  insert(*harness, 2, 3, &expected);
  EXPECT_EQ(harness->lookup(3), bpf::kENOENT);
  EXPECT_EQ(harness->lookup(1), 0);
  EXPECT_EQ(harness->prog_lookup(2), 0);
  insert(*harness, 3, 4, &expected);
  EXPECT_EQ(harness->lookup(1), bpf::kENOENT);
  expect_map_equal(*harness, expected);
}

std::string case_name(const ::testing::TestParamInfo<LruCase>& info) {
  std::string name = info.param.type == bpf::kMapLruHash ? "LruHash" : "LruPercpuHash";
  name += (info.param.flags & bpf::kFNoCommonLru) ? "PercpuLists" : "CommonLru";
  return name + std::to_string(info.param.cpus) + "Cpus";
}

INSTANTIATE_TEST_SUITE_P(
    AllModes, LruSanityTest,
    ::testing::Values(LruCase{bpf::kMapLruHash, 0, 2}, LruCase{bpf::kMapLruHash, 0, 4},
                      LruCase{bpf::kMapLruHash, bpf::kFNoCommonLru, 2},
                      LruCase{bpf::kMapLruHash, bpf::kFNoCommonLru, 4},
                      LruCase{bpf::kMapLruPercpuHash, 0, 2},
                      LruCase{bpf::kMapLruPercpuHash, 0, 4},
                      LruCase{bpf::kMapLruPercpuHash, bpf::kFNoCommonLru, 2},
                      LruCase{bpf::kMapLruPercpuHash, bpf::kFNoCommonLru, 4}),
    case_name);

// ---------------------------------------------------------------------------------------------
// Capacity facts of fact sheet 4.3 and 4.10.

// 2 CPUs, max_entries 1000, 1000 inserts from CPU 0: the 8th refill finds 104 free nodes and
// evicts 24 of the oldest keys, so 976 keys remain; the next insert brings the map to 977.
TEST(LruHashMapCapacityTest, CommonLruEvictsBeforeTheMapIsFull) {
  for (uint32_t type : {bpf::kMapLruHash, bpf::kMapLruPercpuHash}) {
    Harness harness(2, type, 0, 1000);
    ASSERT_EQ(harness.create_result(), 0);
    for (uint64_t key = 0; key < 1000; ++key) ASSERT_EQ(harness.update(key, key, bpf::kAny), 0);
    Contents contents = harness.contents();
    EXPECT_EQ(contents.size(), 976u);
    EXPECT_EQ(contents.begin()->first, 24u) << "the 24 oldest keys were evicted";
    EXPECT_EQ(harness.update(1000, 1000, bpf::kAny), 0);
    EXPECT_EQ(harness.contents().size(), 977u);
    harness.expect_invariants();
  }
}

// The scenario of scenarios/scripts/lru-premature-eviction.jsonl: on 64 CPUs a 256-entry map
// (target_free 2) whose other CPUs each inserted and deleted one key holds 126 idle nodes on
// their LOCAL_FREE lists; CPU 0 then starts evicting after 130 keys.
TEST(LruHashMapCapacityTest, PrematureEvictionOn64Cpus) {
  Harness harness(64, bpf::kMapLruHash, 0, 256);
  ASSERT_EQ(harness.create_result(), 0);
  EXPECT_EQ(harness.lru_map().lru().target_free(), 2u);
  for (int cpu = 1; cpu < 64; ++cpu) {
    harness.on_cpu(cpu);
    ASSERT_EQ(harness.update(static_cast<uint64_t>(cpu), kValue, bpf::kAny), 0);
    ASSERT_EQ(harness.remove(static_cast<uint64_t>(cpu)), 0);
  }
  harness.on_cpu(0);
  for (uint64_t key = 0x1000; key < 0x1000 + 130; ++key) {
    ASSERT_EQ(harness.update(key, kValue, bpf::kNoExist), 0);
  }
  EXPECT_EQ(harness.contents().size(), 130u) << "no eviction yet";
  for (uint64_t key = 0x1000 + 130; key < 0x1000 + 140; ++key) {
    ASSERT_EQ(harness.update(key, kValue, bpf::kNoExist), 0);
  }
  EXPECT_EQ(harness.contents().size(), 130u) << "evicting at 130 of 256";
  for (uint64_t key = 0x1000; key < 0x100a; ++key) EXPECT_EQ(harness.lookup(key), bpf::kENOENT);
  EXPECT_EQ(harness.lookup(0x100a), 0);
  uint32_t idle = 0;
  for (int cpu = 1; cpu < 64; ++cpu) {
    idle += static_cast<uint32_t>(harness.lru_map().lru().list_nodes(LruListType::kLocalFree,
                                                                     cpu).size());
  }
  EXPECT_EQ(idle, 126u);
  harness.expect_invariants();
}

// NO_COMMON_LRU partitions capacity: CPU 0 alone can hold only max_entries / CPUs keys.
TEST(LruHashMapCapacityTest, PercpuListsPartitionTheCapacity) {
  Harness harness(2, bpf::kMapLruHash, bpf::kFNoCommonLru, 4);
  ASSERT_EQ(harness.create_result(), 0);
  for (uint64_t key = 1; key <= 4; ++key) ASSERT_EQ(harness.update(key, kValue, bpf::kAny), 0);
  EXPECT_EQ(harness.contents().size(), 2u);
  harness.on_cpu(1);
  for (uint64_t key = 5; key <= 6; ++key) ASSERT_EQ(harness.update(key, kValue, bpf::kAny), 0);
  EXPECT_EQ(harness.contents().size(), 4u);
  harness.expect_invariants();
}

// A deleted element's node goes back to the LRU at once and is the next one handed out.
TEST(LruHashMapCapacityTest, DeletedNodeIsReusedImmediately) {
  Harness harness(2, bpf::kMapLruHash, 0, 8);
  ASSERT_EQ(harness.create_result(), 0);
  ASSERT_EQ(harness.update(1, kValue, bpf::kAny), 0);
  uint64_t key = 1;
  const auto* node = harness.lru_map().node_of_key(&key);
  ASSERT_EQ(harness.remove(1), 0);
  ASSERT_EQ(harness.update(2, kValue, bpf::kAny), 0);
  key = 2;
  EXPECT_EQ(harness.lru_map().node_of_key(&key), node);
  harness.expect_invariants();
}

// ---------------------------------------------------------------------------------------------
// The reference bit (fact sheet 3.7, 3.13, 4.10).

TEST(LruHashMapRefTest, ProgramLookupsSetItSyscallLookupsDoNot) {
  for (uint32_t type : {bpf::kMapLruHash, bpf::kMapLruPercpuHash}) {
    Harness harness(2, type, 0, 8);
    ASSERT_EQ(harness.update(1, kValue, bpf::kAny), 0);
    EXPECT_EQ(harness.lookup(1), 0);
    EXPECT_FALSE(harness.referenced(1));
    EXPECT_EQ(harness.prog_lookup(1), 0);
    EXPECT_TRUE(harness.referenced(1));
  }
}

TEST(LruHashMapRefTest, LookupPercpuElemSetsItOnLruPercpuHashOnly) {
  uint64_t key = 1;
  Harness percpu(2, bpf::kMapLruPercpuHash, 0, 8);
  ASSERT_EQ(percpu.update(1, kValue, bpf::kAny), 0);
  EXPECT_EQ(percpu.map().prog_lookup_percpu(&key, 2), nullptr) << "cpu >= nr_cpu_ids";
  EXPECT_FALSE(percpu.referenced(1));
  auto* slot = static_cast<uint64_t*>(percpu.map().prog_lookup_percpu(&key, 1));
  ASSERT_NE(slot, nullptr);
  EXPECT_EQ(*slot, kValue);
  EXPECT_TRUE(percpu.referenced(1));
  Harness shared(2, bpf::kMapLruHash, 0, 8);
  ASSERT_EQ(shared.update(1, kValue, bpf::kAny), 0);
  EXPECT_EQ(shared.map().prog_lookup_percpu(&key, 0), nullptr);
  EXPECT_FALSE(shared.referenced(1));
}

TEST(LruHashMapRefTest, UpdatingAnExistingKeySetsIt) {
  for (uint32_t type : {bpf::kMapLruHash, bpf::kMapLruPercpuHash}) {
    for (uint64_t flags : {bpf::kAny, bpf::kExist}) {
      Harness harness(2, type, 0, 8);
      ASSERT_EQ(harness.update(1, kValue, bpf::kAny), 0);
      EXPECT_FALSE(harness.referenced(1));
      ASSERT_EQ(harness.update(1, 99, flags), 0);
      EXPECT_TRUE(harness.referenced(1));
      uint64_t value = 0;
      EXPECT_EQ(harness.lookup(1, &value), 0);
      EXPECT_EQ(value, 99u);
      harness.expect_invariants();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// LRU_PERCPU_HASH values (fact sheet 3.5, 3.13) and BPF_EXIST without a pop.

TEST(LruHashMapPercpuTest, ProgramUpdatesWriteThisCpuAndZeroOthersForNewKeys) {
  Harness harness(2, bpf::kMapLruPercpuHash, 0, 8);
  uint64_t key = 1;
  uint64_t value = 5;
  harness.on_cpu(1);
  ASSERT_EQ(harness.map().prog_update(&key, &value, bpf::kAny), 0);
  std::vector<uint64_t> all(2);
  ASSERT_EQ(harness.map().lookup_elem(&key, all.data()), 0);
  EXPECT_EQ(all, (std::vector<uint64_t>{0, 5}));
  harness.on_cpu(0);
  value = 7;
  ASSERT_EQ(harness.map().prog_update(&key, &value, bpf::kExist), 0);
  ASSERT_EQ(harness.map().lookup_elem(&key, all.data()), 0);
  EXPECT_EQ(all, (std::vector<uint64_t>{7, 5})) << "existing key: this CPU's slot only";
  std::vector<uint64_t> both = {11, 12};
  ASSERT_EQ(harness.map().update_elem(&key, both.data(), bpf::kExist), 0);
  ASSERT_EQ(harness.map().lookup_and_delete_elem(&key, all.data()), 0);
  EXPECT_EQ(all, both);
  EXPECT_EQ(harness.lookup(1), bpf::kENOENT);
  harness.expect_invariants();
}

// Common LRU, 2 CPUs, 2 entries, keys 1 and 2 inserted from CPU 0. A BPF_EXIST update of key 1
// pops a node first; on LRU_HASH that pop evicts key 1 itself (the oldest) and the update fails
// with ENOENT (T-lru sanity2). LRU_PERCPU_HASH pops nothing for BPF_EXIST and evicts nothing.
TEST(LruHashMapPercpuTest, ExistUpdateOfAFullMapEvictsNothing) {
  Harness shared(2, bpf::kMapLruHash, 0, 2);
  Harness percpu(2, bpf::kMapLruPercpuHash, 0, 2);
  for (Harness* harness : {&shared, &percpu}) {
    for (uint64_t key = 1; key <= 2; ++key) ASSERT_EQ(harness->update(key, kValue, bpf::kAny), 0);
  }
  EXPECT_EQ(shared.update(1, kValue, bpf::kExist), bpf::kENOENT);
  EXPECT_EQ(shared.contents(), (Contents{{2, kValue}}));
  for (int round = 0; round < 8; ++round) {
    ASSERT_EQ(percpu.update(1 + round % 2, kValue, bpf::kExist), 0);
  }
  EXPECT_EQ(percpu.contents(), (Contents{{1, kValue}, {2, kValue}}));
  shared.expect_invariants();
  percpu.expect_invariants();
}

// ---------------------------------------------------------------------------------------------
// Failures: no node (ENOMEM) and bucket locks (EDEADLK), fact sheet 3.11, 4.10.

// Holds every bucket lock of the map on the current CPU, as a program nested inside an update
// on this CPU would.
template <class P>
class BucketLockHold {
 public:
  explicit BucketLockHold(internal::HashTable<P>& table) : table_(table) {
    for (uint32_t index = 0; index < table_.n_buckets(); ++index) {
      EXPECT_EQ(table_.bucket_at(index).lock.lock(), 0);
    }
  }
  ~BucketLockHold() {
    for (uint32_t index = 0; index < table_.n_buckets(); ++index) {
      table_.bucket_at(index).lock.unlock();
    }
  }

 private:
  internal::HashTable<P>& table_;
};

TEST(LruHashMapFailureTest, NoEvictableNodeIsEnomem) {
  for (uint32_t flags : {0u, bpf::kFNoCommonLru}) {
    Harness harness(2, bpf::kMapLruHash, flags, flags ? 4 : 2);
    for (uint64_t key = 1; key <= 2; ++key) ASSERT_EQ(harness.update(key, kValue, bpf::kAny), 0);
    {
      BucketLockHold<RealPlatform> hold(harness.lru_map().table());
      uint64_t key = 3;
      uint64_t value = kValue;
      EXPECT_EQ(harness.map().prog_update(&key, &value, bpf::kAny), bpf::kENOMEM);
    }
    EXPECT_EQ(harness.contents().size(), 2u) << "refused evictions leave the keys in place";
    EXPECT_EQ(harness.update(3, kValue, bpf::kAny), 0) << "once the locks are free it works";
    harness.expect_invariants();
  }
}

TEST(LruHashMapFailureTest, BucketLockHeldBySameCpuIsEdeadlk) {
  for (uint32_t type : {bpf::kMapLruHash, bpf::kMapLruPercpuHash}) {
    Harness harness(2, type, 0, 8);
    ASSERT_EQ(harness.update(1, kValue, bpf::kAny), 0);
    uint64_t key = 1;
    uint64_t value = kValue;
    std::vector<uint64_t> out(harness.map().syscall_value_size() / 8);
    {
      BucketLockHold<RealPlatform> hold(harness.lru_map().table());
      EXPECT_EQ(harness.map().prog_update(&key, &value, bpf::kAny), bpf::kEDEADLK);
      EXPECT_EQ(harness.map().prog_update(&key, &value, bpf::kExist), bpf::kEDEADLK);
      EXPECT_EQ(harness.map().prog_delete(&key), bpf::kEDEADLK);
      EXPECT_EQ(harness.map().lookup_and_delete_elem(&key, out.data()), bpf::kEDEADLK);
      EXPECT_NE(harness.map().prog_lookup(&key), nullptr) << "lookups take no lock";
    }
    harness.expect_invariants();  // the popped nodes went back
    EXPECT_EQ(harness.lookup(1), 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Path events of the update path (impl/lru_path_event.h).

using RecordingHarness = LruMapHarness<RecordingPlatform>;
using Events = std::vector<Event>;

TEST(LruHashMapPathEventTest, InsertReplaceAndEexistPaths) {
  RecordingHarness harness(2, bpf::kMapLruHash, 0, 8);
  ASSERT_EQ(harness.create_result(), 0);
  harness.platform().take_events();
  ASSERT_EQ(harness.update(1, kValue, bpf::kNoExist), 0);
  EXPECT_EQ(harness.platform().take_events(),
            (Events{{PathEvent::kUpdateBegin, bpf::kNoExist},
                    {PathEvent::kRefillFlushPending, 0},
                    {PathEvent::kRefillRotateInactive, 0},
                    {PathEvent::kRefillMoveFromGlobalFree, 2},
                    {PathEvent::kPopRefillHit, 0},
                    {PathEvent::kPopNodeMadePending, 0},
                    {PathEvent::kUpdateInsertNew, 0},
                    {PathEvent::kUpdateSuccess, 0}}));
  ASSERT_EQ(harness.update(1, kValue, bpf::kNoExist), bpf::kEEXIST);
  EXPECT_EQ(harness.platform().take_events(),
            (Events{{PathEvent::kUpdateBegin, bpf::kNoExist},
                    {PathEvent::kPopLocalFreeHit, 0},
                    {PathEvent::kPopNodeMadePending, 0},
                    {PathEvent::kUpdateExists, 0},
                    {PathEvent::kUpdateUnusedNodePushedBack, 0},
                    {PathEvent::kPushPendingToLocalFree, 0}}));
  ASSERT_EQ(harness.update(1, kValue, bpf::kAny), 0);
  EXPECT_EQ(harness.platform().take_events(),
            (Events{{PathEvent::kUpdateBegin, bpf::kAny},
                    {PathEvent::kPopLocalFreeHit, 0},
                    {PathEvent::kPopNodeMadePending, 0},
                    {PathEvent::kUpdateReplaceExisting, 0},
                    {PathEvent::kUpdateOldNodePushedBack, 0},
                    {PathEvent::kPushPendingToLocalFree, 0},
                    {PathEvent::kUpdateSuccess, 0}}));
}

TEST(LruHashMapPathEventTest, PercpuExistSkipsThePop) {
  RecordingHarness harness(2, bpf::kMapLruPercpuHash, bpf::kFNoCommonLru, 8);
  ASSERT_EQ(harness.create_result(), 0);
  harness.platform().take_events();
  EXPECT_EQ(harness.update(1, kValue, bpf::kExist), bpf::kENOENT);
  EXPECT_EQ(harness.platform().take_events(),
            (Events{{PathEvent::kUpdateBegin, bpf::kExist},
                    {PathEvent::kUpdatePercpuExistSkipsPop, 0},
                    {PathEvent::kUpdateNotFound, 0}}));
  ASSERT_EQ(harness.update(1, kValue, bpf::kAny), 0);
  harness.platform().take_events();
  ASSERT_EQ(harness.update(1, kValue, bpf::kAny), 0);
  EXPECT_EQ(harness.platform().take_events(),
            (Events{{PathEvent::kUpdateBegin, bpf::kAny},
                    {PathEvent::kPercpuRotateInactive, 1},
                    {PathEvent::kPercpuFreeHit, 0},
                    {PathEvent::kPercpuNodeToInactive, 0},
                    {PathEvent::kUpdatePercpuInPlace, 0},
                    {PathEvent::kUpdateUnusedNodePushedBack, 0},
                    {PathEvent::kPushPercpuToFree, 0},
                    {PathEvent::kUpdateSuccess, 0}}));
}

TEST(LruHashMapPathEventTest, EvictionAndLookupEvents) {
  RecordingHarness harness(1, bpf::kMapLruHash, 0, 2);  // target_free 1
  ASSERT_EQ(harness.create_result(), 0);
  ASSERT_EQ(harness.update(1, kValue, bpf::kAny), 0);
  ASSERT_EQ(harness.update(2, kValue, bpf::kAny), 0);
  harness.platform().take_events();
  ASSERT_EQ(harness.prog_lookup(2), 0);
  ASSERT_EQ(harness.prog_lookup(2), 0);
  const uint64_t one = 1;
  const uint64_t two = 2;
  const uint32_t hash_of_1 = harness.lru_map().table().hash_key(&one);
  const uint32_t hash_of_2 = harness.lru_map().table().hash_key(&two);
  EXPECT_EQ(harness.platform().take_events(), (Events{{PathEvent::kLookupSetRef, hash_of_2}}));
  {
    BucketLockHold<RecordingPlatform> hold(harness.lru_map().table());
    EXPECT_EQ(harness.update(3, kValue, bpf::kAny), bpf::kENOMEM);
  }
  Events events = harness.platform().take_events();
  EXPECT_EQ(events.back(), (Event{PathEvent::kUpdateNoNode, 0}));
  EXPECT_EQ(std::count(events.begin(), events.end(),
                       Event{PathEvent::kEvictBucketLockFailed, 35}),
            2);
  ASSERT_EQ(harness.update(3, kValue, bpf::kAny), 0);
  events = harness.platform().take_events();
  EXPECT_NE(std::find(events.begin(), events.end(), Event{PathEvent::kEvictUnlinked, hash_of_1}),
            events.end());
  EXPECT_EQ(std::find(events.begin(), events.end(), Event{PathEvent::kEvictUnlinked, hash_of_2}),
            events.end());
}

// ---------------------------------------------------------------------------------------------
// Structure under mixed workloads.

constexpr uint32_t kAllTypes[] = {bpf::kMapLruHash, bpf::kMapLruPercpuHash};
constexpr uint32_t kAllModes[] = {0, bpf::kFNoCommonLru};

// A deterministic mix of every operation on 4 CPUs; the invariants hold after every one.
TEST(LruHashMapWorkloadTest, InvariantsHoldAfterEveryOperation) {
  for (uint32_t type : kAllTypes) {
    for (uint32_t flags : kAllModes) {
      Harness harness(4, type, flags, 16);
      uint64_t state = 12345;
      auto next = [&state] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 33;
      };
      for (int step = 0; step < 1500; ++step) {
        harness.on_cpu(static_cast<int>(next() % 4));
        const uint64_t key = next() % 48;
        uint64_t value = 0;
        switch (next() % 6) {
          case 0:
          case 1: harness.update(key, static_cast<uint64_t>(step), next() % 3); break;
          case 2: harness.remove(key); break;
          case 3: harness.prog_lookup(key); break;
          case 4: harness.lookup(key); break;
          default: harness.lookup_and_delete(key, &value); break;
        }
        std::string failure;
        ASSERT_TRUE(harness.lru_map().check_invariants(&failure))
            << "type " << type << " flags " << flags << " step " << step << ": " << failure;
      }
    }
  }
}

// Four threads, each on its own CPU, hammer one map.
void hammer(Harness& harness) {
  std::vector<std::thread> workers;
  for (int cpu = 0; cpu < 4; ++cpu) {
    workers.emplace_back([&harness, cpu] {
      RealPlatform::CpuBinding binding(harness.platform(), cpu);
      uint64_t state = static_cast<uint64_t>(cpu) + 1;
      std::vector<uint64_t> value(harness.map().syscall_value_size() / 8, 1);
      for (int step = 0; step < 4000; ++step) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t key = (state >> 33) % 128;
        switch (step % 4) {
          case 0: harness.map().delete_elem(&key); break;
          case 1: harness.map().update_elem(&key, value.data(), bpf::kAny); break;
          case 2: harness.map().prog_lookup(&key); break;
          default: harness.map().lookup_elem(&key, value.data()); break;
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
}

// Afterwards the structure is intact. Size 8 gives one node per refill and frequent stealing;
// both sizes keep the maps full. Runs in the ThreadSanitizer job ("RealThread").
TEST(LruHashMapConcurrencyTest, RealThreadsOnFullMapsKeepTheStructureIntact) {
  for (uint32_t type : kAllTypes) {
    for (uint32_t flags : kAllModes) {
      for (uint32_t max_entries : {8u, 64u}) {
        Harness harness(4, type, flags, max_entries);
        hammer(harness);
        harness.expect_invariants();
        EXPECT_LE(harness.contents().size(), max_entries);
      }
    }
  }
}

}  // namespace
}  // namespace mapsim
