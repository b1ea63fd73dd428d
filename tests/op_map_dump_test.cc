// scenarios/map_dump.h: the dump walk and its -ELOOP guard, on real (simulated) maps. A
// faithful map never walks past its limit, so the guard is exercised with limits below the
// map's real key count. (op_ prefix: links mapsim::scenarios.)
#include "scenarios/map_dump.h"

#include <gtest/gtest.h>

#include <memory>

#include "impl/uapi.h"
#include "scenarios/simulated_backend.h"
#include "tests/support/bytes.h"

namespace mapsim {
namespace {

using testing::le_bytes;

class MapDumpTest : public ::testing::Test {
 protected:
  // An ARRAY of `max_entries` u32 values where index i holds 10 * i.
  std::unique_ptr<BackendMap> filled_array(uint32_t max_entries) {
    MapAttr attr;
    attr.map_type = bpf::kMapArray;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = max_entries;
    std::unique_ptr<BackendMap> map;
    EXPECT_EQ(backend_.create_map(0, attr, &map), 0);
    for (uint32_t index = 0; map && index < max_entries; ++index) {
      EXPECT_EQ(map->update(Via::kSyscall, 0, le_bytes(index, 4), le_bytes(10 * index, 4), 0),
                0);
    }
    return map;
  }

  SimulatedBackend backend_{2};
};

TEST_F(MapDumpTest, KeyLimitIsTwiceMaxEntriesPlusSixteen) {
  EXPECT_EQ(dump_key_limit(0), 16u);
  EXPECT_EQ(dump_key_limit(5), 26u);
  EXPECT_EQ(dump_key_limit(UINT32_MAX), 2 * uint64_t{UINT32_MAX} + 16);
}

TEST_F(MapDumpTest, WalkEndingAtEnoentReportsEveryKeyAndValue) {
  std::unique_ptr<BackendMap> map = filled_array(5);
  ASSERT_NE(map, nullptr);
  DumpResult dump = dump_map(*map, 1, dump_key_limit(5));
  EXPECT_EQ(dump.rc, 0);
  ASSERT_EQ(dump.entries.size(), 5u);
  for (uint32_t index = 0; index < 5; ++index) {
    EXPECT_EQ(dump.entries[index].key, le_bytes(index, 4));
    EXPECT_EQ(dump.entries[index].rc, 0);
    EXPECT_EQ(dump.entries[index].value, le_bytes(10 * index, 4));
  }
}

TEST_F(MapDumpTest, ExactlyLimitKeysIsNotALoop) {
  std::unique_ptr<BackendMap> map = filled_array(5);
  ASSERT_NE(map, nullptr);
  DumpResult dump = dump_map(*map, 0, 5);
  EXPECT_EQ(dump.rc, 0);
  EXPECT_EQ(dump.entries.size(), 5u);
}

TEST_F(MapDumpTest, KeyPastTheLimitStopsWithEloop) {
  std::unique_ptr<BackendMap> map = filled_array(5);
  ASSERT_NE(map, nullptr);
  DumpResult dump = dump_map(*map, 0, 3);
  EXPECT_EQ(dump.rc, bpf::kELOOP);
  ASSERT_EQ(dump.entries.size(), 3u);
  EXPECT_EQ(dump.entries[2].key, le_bytes(2, 4));
  EXPECT_EQ(dump.entries[2].value, le_bytes(20, 4));
}

TEST_F(MapDumpTest, EmptyHashMapHasNoEntries) {
  MapAttr attr;
  attr.map_type = bpf::kMapHash;
  attr.key_size = 8;
  attr.value_size = 1;
  attr.max_entries = 4;
  std::unique_ptr<BackendMap> map;
  ASSERT_EQ(backend_.create_map(1, attr, &map), 0);
  DumpResult dump = dump_map(*map, 1, 0);
  EXPECT_EQ(dump.rc, 0);
  EXPECT_TRUE(dump.entries.empty());
}

}  // namespace
}  // namespace mapsim
