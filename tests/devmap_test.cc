// DEVMAP and DEVMAP_HASH (impl/internal/devmap_impl.h, devmap_hash_impl.h; fact sheet 6):
// creation rules, the bpf_devmap_val layout, the device table of the calling thread's
// namespace, and the results of every operation, as Linux 6.18.44 gives them.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "impl/map_batch.h"
#include "impl/net_devices.h"
#include "tests/support/map_fixture.h"

namespace mapsim {
namespace {

using namespace bpf;
using testing::Bytes;
using testing::MapFixture;

constexpr uint32_t kLoopback = 1;
constexpr uint32_t kNoSuchDevice = 999;

// A written bpf_devmap_val: ifindex, then the program fd (8-byte maps only).
Bytes devmap_value(uint32_t ifindex, int32_t program_fd, uint32_t value_size = 8) {
  Bytes value(value_size, 0);
  std::memcpy(value.data(), &ifindex, 4);
  if (value_size == 8) std::memcpy(value.data() + 4, &program_fd, 4);
  return value;
}

class DevmapTest : public ::testing::TestWithParam<uint32_t> {
 protected:
  int create(uint32_t max_entries, uint32_t value_size = 8, uint32_t flags = 0) {
    return fixture_.create(GetParam(), 4, value_size, max_entries, flags);
  }
  int update(uint32_t key, uint32_t ifindex, int32_t program_fd = 0, uint64_t flags = kAny) {
    Bytes value = devmap_value(ifindex, program_fd, fixture_.map().value_size());
    return fixture_.map().update_elem(fixture_.key(key).data(), value.data(), flags);
  }
  // Syscall lookup: the raw value bytes, or empty on an error (*rc says which).
  Bytes lookup(uint32_t key, int* rc) {
    Bytes out(fixture_.map().value_size(), 0xee);
    *rc = fixture_.map().lookup_elem(fixture_.key(key).data(), out.data());
    return *rc == 0 ? out : Bytes();
  }
  bool is_hash() const { return GetParam() == kMapDevmapHash; }

  MapFixture fixture_{2};
};

TEST_P(DevmapTest, CreationAcceptsFourOrEightByteValuesAndOnlyNumaAndFdFlags) {
  EXPECT_EQ(create(4, 8), 0);
  EXPECT_EQ(fixture_.map().info().map_flags, kFRdonlyProg) << "RDONLY_PROG is added";
  EXPECT_EQ(create(4, 4, kFRdonly), 0);
  EXPECT_EQ(fixture_.map().info().map_flags, kFRdonlyProg) << "RDONLY belongs to the fd";
  EXPECT_EQ(create(4, 8, kFNumaNode), 0);
  EXPECT_EQ(fixture_.map().info().map_flags, kFNumaNode | kFRdonlyProg);
  for (uint32_t value_size : {0u, 1u, 5u, 12u, 16u}) EXPECT_EQ(create(4, value_size), kEINVAL);
  for (uint32_t flag : {kFRdonlyProg, kFWronlyProg, kFNoPrealloc, kFZeroSeed, kFMmapable}) {
    EXPECT_EQ(create(4, 8, flag), kEINVAL) << flag;
  }
  EXPECT_EQ(create(0), kEINVAL);
  EXPECT_EQ(fixture_.create(GetParam(), 8, 8, 4, 0), kEINVAL);
  MapAttr attr;
  attr.map_type = GetParam();
  attr.key_size = 4;
  attr.value_size = 8;
  attr.max_entries = 4;
  attr.map_extra = 1;
  std::unique_ptr<Map> map;
  EXPECT_EQ(create_map(fixture_.platform(), attr, &map), kEINVAL);
}

TEST_P(DevmapTest, ValueReadsBackIfindexAndProgramIdZero) {
  ASSERT_EQ(create(4), 0);
  EXPECT_EQ(update(2, kLoopback, -1), 0) << "a negative fd means no program";
  int rc = 0;
  EXPECT_EQ(lookup(2, &rc), devmap_value(kLoopback, 0));
  EXPECT_EQ(update(2, kLoopback, 0), 0);
  EXPECT_EQ(lookup(2, &rc), devmap_value(kLoopback, 0));
  // Any positive fd must be a BPF_XDP_DEVMAP program; mapsim has none.
  EXPECT_EQ(update(3, kLoopback, 1), kEINVAL);
  EXPECT_EQ(update(3, kLoopback, 4000), kEINVAL);
  EXPECT_EQ(update(3, kNoSuchDevice), kEINVAL);
  EXPECT_EQ(update(3, 0x80000001u), kEINVAL) << "a negative int ifindex names no device";
  EXPECT_TRUE(lookup(3, &rc).empty());
  EXPECT_EQ(rc, kENOENT);
  RcuReadGuard<RealPlatform> rcu(fixture_.platform());
  const auto* live = static_cast<const uint32_t*>(
      fixture_.map().prog_lookup(fixture_.key(2).data()));
  ASSERT_NE(live, nullptr);
  EXPECT_EQ(live[0], kLoopback);
  EXPECT_EQ(live[1], 0u);
}

TEST_P(DevmapTest, LegacyFourByteValueHoldsOnlyTheIfindex) {
  ASSERT_EQ(create(4, 4), 0);
  EXPECT_EQ(update(1, kLoopback), 0);
  int rc = 0;
  EXPECT_EQ(lookup(1, &rc), devmap_value(kLoopback, 0, 4));
}

TEST_P(DevmapTest, IfindexMustNameADeviceOfTheCallersNamespace) {
  ASSERT_EQ(create(4), 0);
  EXPECT_EQ(update(1, 7), kEINVAL);
  NetDeviceTable table({{1, "lo"}, {7, "veth0"}});
  {
    NetDevicesBinding binding(table);
    EXPECT_EQ(update(1, 7), 0);
    EXPECT_EQ(update(2, kLoopback), 0);
  }
  int rc = 0;
  EXPECT_EQ(lookup(1, &rc), devmap_value(7, 0)) << "the entry keeps its device";
  EXPECT_EQ(update(1, 7), kEINVAL) << "the binding is gone";
}

TEST_P(DevmapTest, FlagsAboveExistAreInvalid) {
  ASSERT_EQ(create(4), 0);
  for (uint64_t flags : {uint64_t{3}, kFLock, uint64_t{8}, uint64_t{1} << 32, ~uint64_t{0}}) {
    EXPECT_EQ(update(1, kLoopback, 0, flags), kEINVAL) << flags;
  }
  Bytes value(fixture_.map().value_size());
  EXPECT_EQ(fixture_.map().lookup_and_delete_elem(fixture_.key(1).data(), value.data()),
            kENOTSUPP);
}

TEST_P(DevmapTest, NoBatchOperations) {
  ASSERT_EQ(create(4), 0);
  ASSERT_EQ(update(1, kLoopback), 0);
  std::vector<unsigned char> keys(16), values(32), token(4);
  uint32_t count = 4;
  EXPECT_EQ(fixture_.map().lookup_batch(nullptr, token.data(), keys.data(), values.data(),
                                        &count),
            kENOTSUPP);
  EXPECT_EQ(fixture_.map().lookup_and_delete_batch(nullptr, token.data(), keys.data(),
                                                   values.data(), &count),
            kENOTSUPP);
  EXPECT_EQ(fixture_.map().update_batch(keys.data(), values.data(), &count), kENOTSUPP);
  EXPECT_EQ(fixture_.map().delete_batch(keys.data(), &count), kENOTSUPP);
  EXPECT_EQ(count, 4u);
}

std::string devmap_type_name(const ::testing::TestParamInfo<uint32_t>& param) {
  return param.param == kMapDevmap ? "Devmap" : "DevmapHash";
}

INSTANTIATE_TEST_SUITE_P(BothTypes, DevmapTest, ::testing::Values(kMapDevmap, kMapDevmapHash),
                         devmap_type_name);

// ---- DEVMAP ----

TEST(DevmapArrayTest, SlotsExistSoNoexistFailsAndExistSucceeds) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapDevmap, 4, 8, 3, 0), 0);
  Bytes loopback = devmap_value(kLoopback, 0);
  Map& map = fixture.map();
  EXPECT_EQ(map.update_elem(fixture.key(0).data(), loopback.data(), kNoExist), kEEXIST);
  EXPECT_EQ(map.update_elem(fixture.key(0).data(), loopback.data(), kExist), 0);
  EXPECT_EQ(map.update_elem(fixture.key(3).data(), loopback.data(), kAny), kE2BIG);
  EXPECT_EQ(map.update_elem(fixture.key(3).data(), loopback.data(), kNoExist), kE2BIG);
  EXPECT_EQ(fixture.lookup(3), kENOENT);
  EXPECT_EQ(fixture.lookup(1), kENOENT) << "an empty slot";
}

TEST(DevmapArrayTest, IfindexZeroEmptiesTheSlotUnlessAProgramIsGiven) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapDevmap, 4, 8, 3, 0), 0);
  Map& map = fixture.map();
  Bytes loopback = devmap_value(kLoopback, 0);
  ASSERT_EQ(map.update_elem(fixture.key(1).data(), loopback.data(), kAny), 0);
  Bytes zero_with_program = devmap_value(0, 5);
  EXPECT_EQ(map.update_elem(fixture.key(1).data(), zero_with_program.data(), kAny), kEINVAL);
  EXPECT_EQ(fixture.lookup(1), 0) << "the refused update left the slot alone";
  Bytes zero = devmap_value(0, -3);
  EXPECT_EQ(map.update_elem(fixture.key(1).data(), zero.data(), kAny), 0);
  EXPECT_EQ(fixture.lookup(1), kENOENT);
}

TEST(DevmapArrayTest, DeleteOfAnEmptySlotSucceedsAndOutOfRangeIsInvalid) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapDevmap, 4, 8, 3, 0), 0);
  EXPECT_EQ(fixture.remove(2), 0);
  Bytes loopback = devmap_value(kLoopback, 0);
  ASSERT_EQ(fixture.map().update_elem(fixture.key(2).data(), loopback.data(), kAny), 0);
  EXPECT_EQ(fixture.remove(2), 0);
  EXPECT_EQ(fixture.lookup(2), kENOENT);
  EXPECT_EQ(fixture.remove(2), 0);
  EXPECT_EQ(fixture.remove(3), kEINVAL);
}

TEST(DevmapArrayTest, GetNextKeyWalksEveryIndexLikeAnArray) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapDevmap, 4, 8, 3, 0), 0);
  EXPECT_EQ(fixture.keys(), (std::vector<uint64_t>{0, 1, 2})) << "empty slots included";
  uint64_t next = 0, out_of_range = 7, last = 2;
  EXPECT_EQ(fixture.next_key(&out_of_range, &next), 0);
  EXPECT_EQ(next, 0u);
  EXPECT_EQ(fixture.next_key(&last, &next), kENOENT);
}

// ---- DEVMAP_HASH ----

TEST(DevmapHashTest, BucketIsTheKeyMaskedAndNewEntriesGoFirst) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapDevmapHash, 4, 8, 8, 0), 0);
  Bytes loopback = devmap_value(kLoopback, 0);
  for (uint64_t key : {9, 1, 17, 3}) {
    ASSERT_EQ(fixture.map().update_elem(fixture.key(key).data(), loopback.data(), kAny), 0);
  }
  EXPECT_EQ(fixture.keys(), (std::vector<uint64_t>{17, 1, 9, 3}));
  // A replaced key moves to the head of its chain.
  ASSERT_EQ(fixture.map().update_elem(fixture.key(9).data(), loopback.data(), kAny), 0);
  EXPECT_EQ(fixture.keys(), (std::vector<uint64_t>{9, 17, 1, 3}));
  uint64_t next = 0, missing = 25;
  EXPECT_EQ(fixture.next_key(&missing, &next), 0);
  EXPECT_EQ(next, 9u) << "a missing key restarts at the first entry";
}

TEST(DevmapHashTest, ExistIsNotEnforcedAndNoexistIs) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapDevmapHash, 4, 8, 4, 0), 0);
  Bytes loopback = devmap_value(kLoopback, 0);
  Map& map = fixture.map();
  EXPECT_EQ(map.update_elem(fixture.key(5).data(), loopback.data(), kExist), 0);
  EXPECT_EQ(fixture.lookup(5), 0);
  EXPECT_EQ(map.update_elem(fixture.key(5).data(), loopback.data(), kNoExist), kEEXIST);
  Bytes zero = devmap_value(0, 0);
  EXPECT_EQ(map.update_elem(fixture.key(6).data(), zero.data(), kAny), kEINVAL);
  EXPECT_EQ(fixture.remove(6), kENOENT);
  EXPECT_EQ(fixture.remove(5), 0);
  EXPECT_EQ(fixture.remove(5), kENOENT);
}

TEST(DevmapHashTest, FullMapRefusesNewKeysButValidatesTheDeviceFirst) {
  MapFixture fixture(2);
  ASSERT_EQ(fixture.create(kMapDevmapHash, 4, 8, 2, 0), 0);
  Bytes loopback = devmap_value(kLoopback, 0);
  Bytes missing_device = devmap_value(kNoSuchDevice, 0);
  Map& map = fixture.map();
  ASSERT_EQ(map.update_elem(fixture.key(1).data(), loopback.data(), kAny), 0);
  ASSERT_EQ(map.update_elem(fixture.key(2).data(), loopback.data(), kAny), 0);
  EXPECT_EQ(map.update_elem(fixture.key(3).data(), loopback.data(), kAny), kE2BIG);
  EXPECT_EQ(map.update_elem(fixture.key(3).data(), missing_device.data(), kAny), kEINVAL);
  EXPECT_EQ(map.update_elem(fixture.key(1).data(), loopback.data(), kExist), 0)
      << "replacing is allowed in a full map";
  ASSERT_EQ(fixture.remove(2), 0);
  EXPECT_EQ(map.update_elem(fixture.key(3).data(), loopback.data(), kAny), 0);
}

TEST(DevmapHashTest, OversizedMaxEntriesIsInvalidNotTooBig) {
  MapFixture fixture(2);
  EXPECT_EQ(fixture.create(kMapDevmapHash, 4, 8, (1u << 31) + 1, 0), kEINVAL);
  EXPECT_EQ(fixture.create(kMapDevmapHash, 4, 8, 0xffffffffu, 0), kEINVAL);
}

}  // namespace
}  // namespace mapsim
