// MAP_CREATE: every check, in the kernel's order, with its errno (fact sheet 2.2, 3.1, 5.1).
#include "impl/create_map.h"

#include <gtest/gtest.h>

#include "impl/real_platform.h"
#include "impl/uapi.h"

namespace mapsim {
namespace {

using namespace bpf;

class CreateMapTest : public ::testing::Test {
 protected:
  int create(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
             uint32_t flags = 0, std::string name = "", uint64_t map_extra = 0) {
    MapAttr attr{type, key_size, value_size, max_entries, flags, 0, map_extra, std::move(name)};
    map_.reset();
    return create_map(platform_, attr, &map_);
  }

  RealPlatform platform_{2};
  RealPlatform::CpuBinding binding_{platform_, 0};
  std::unique_ptr<Map> map_;
};

TEST_F(CreateMapTest, CommonChecksComeFirst) {
  EXPECT_EQ(create(kMapHash, 4, 8, 4, 0, "", 1), kEINVAL);  // map_extra on a hash map
  EXPECT_EQ(create(kMapHash, 0, 8, 4, kFRdonly | kFWronly), kEINVAL);
  EXPECT_EQ(create(0, 4, 8, 4), kEINVAL);
  EXPECT_EQ(create(99, 4, 8, 4), kEINVAL);
  EXPECT_EQ(create(kMapTypeCount, 4, 8, 4), kEINVAL);
  EXPECT_EQ(create(kMapQueue, 0, 8, 4), kENOSYS);  // a kernel type mapsim does not model
}

TEST_F(CreateMapTest, HashAllocCheckOrder) {
  EXPECT_EQ(create(kMapHash, 4, 8, 4, kFClone), kEINVAL);
  EXPECT_EQ(create(kMapHash, 4, 8, 4, kFMmapable), kEINVAL);
  EXPECT_EQ(create(kMapHash, 4, 8, 4, kFRdonlyProg | kFWronlyProg), kEINVAL);
  EXPECT_EQ(create(kMapHash, 4, 8, 4, kFNoCommonLru), kEINVAL);
  EXPECT_EQ(create(kMapPercpuHash, 4, 8, 4, kFNumaNode), kEINVAL);
  EXPECT_EQ(create(kMapHash, 4, 8, 0), kEINVAL);
  EXPECT_EQ(create(kMapHash, 0, 8, 4), kEINVAL);
  EXPECT_EQ(create(kMapHash, 4, 0, 4), kEINVAL);
  EXPECT_EQ(create(kMapHash, 4, 4194251, 4), 0);       // key + value = 4194255
  EXPECT_EQ(create(kMapHash, 4, 4194252, 4), kE2BIG);  // key + value = 4194256
  EXPECT_EQ(create(kMapPercpuHash, 4, 32768, 4), 0);
  EXPECT_EQ(create(kMapPercpuHash, 4, 32769, 4), kE2BIG);
  // A bad name loses to every earlier error, and is checked after allocation.
  EXPECT_EQ(create(kMapHash, 4, 4194252, 4, 0, "a-b"), kE2BIG);
}

TEST_F(CreateMapTest, HashSizeLimits) {
  EXPECT_EQ(create(kMapHash, 4, 8, (1u << 31) + 1, kFNoPrealloc), kE2BIG);
  EXPECT_EQ(create(kMapHash, 4, 8, 1u << 28, kFNoPrealloc), kE2BIG);
  EXPECT_EQ(create(kMapHash, 4, 8, (1u << 27) + 1, kFNoPrealloc), kE2BIG);
  EXPECT_EQ(create(kMapHash, 4, 8, 1u << 27, kFNoPrealloc), 0);
  EXPECT_EQ(create(kMapHash, 4, 8, UINT32_MAX), kE2BIG);
}

TEST_F(CreateMapTest, AbsurdPreallocationIsRefusedWithoutAllocating) {
  // 2^27 elements of ~4 MiB each: far beyond the budget -> ENOMEM, nothing kept.
  EXPECT_EQ(create(kMapHash, 4, 4194000, 1u << 27), kENOMEM);
  EXPECT_EQ(platform_.bytes_in_use(), 0u);
  EXPECT_EQ(create(kMapArray, 4, 1u << 22, 1u << 30), kENOMEM);
  EXPECT_EQ(create(kMapArray, 4, 8, UINT32_MAX), kENOMEM);
  EXPECT_EQ(platform_.bytes_in_use(), 0u);
}

TEST_F(CreateMapTest, ArrayChecks) {
  EXPECT_EQ(create(kMapArray, 4, 8, 0), kEINVAL);
  EXPECT_EQ(create(kMapArray, 8, 8, 4), kEINVAL);
  EXPECT_EQ(create(kMapArray, 4, 0, 4), kEINVAL);
  EXPECT_EQ(create(kMapArray, 4, 8, 4, kFNoPrealloc), kEINVAL);
  EXPECT_EQ(create(kMapArray, 4, 8, 4, kFZeroSeed), kEINVAL);
  EXPECT_EQ(create(kMapPercpuArray, 4, 8, 4, kFMmapable), kEINVAL);
  EXPECT_EQ(create(kMapPercpuArray, 4, 8, 4, kFNumaNode), kEINVAL);
  EXPECT_EQ(create(kMapArray, 4, 8, 4, kFPreserveElems), kEINVAL);
  EXPECT_EQ(create(kMapArray, 4, 8, 4, kFMmapable | kFNumaNode), 0);
  EXPECT_EQ(create(kMapArray, 4, 0x80000000u, 4), kE2BIG);
  EXPECT_EQ(create(kMapPercpuArray, 4, 32769, 4), kE2BIG);
  EXPECT_EQ(create(kMapPercpuArray, 4, 32768, 4), 0);
}

TEST_F(CreateMapTest, NameRules) {
  EXPECT_EQ(create(kMapHash, 4, 8, 4, 0, "a-b"), kEINVAL);
  EXPECT_EQ(create(kMapHash, 4, 8, 4, 0, "abcdefghijklmno"), 0);   // 15 characters
  EXPECT_EQ(create(kMapHash, 4, 8, 4, 0, "abcdefghijklmnop"), kEINVAL);  // 16: no NUL
  EXPECT_EQ(create(kMapHash, 4, 8, 4, 0, ".data_x"), 0);
  EXPECT_EQ(create(kMapHash, 4, 8, 4, 0, ""), 0);
  EXPECT_EQ(create(kMapHash, 4, 8, 4, 0, std::string("ok\0-bad", 7)), 0);  // stops at NUL
}

TEST_F(CreateMapTest, StoredFlagsDropTheFdFlags) {
  ASSERT_EQ(create(kMapHash, 4, 8, 4, kFRdonly | kFNoPrealloc | kFZeroSeed), 0);
  EXPECT_EQ(map_->info().map_flags, 0x41u);
  EXPECT_EQ(create(kMapHash, 4, 8, 4, kFTokenFd), kEINVAL);  // no token can be passed
}

TEST_F(CreateMapTest, FdPermissions) {
  ASSERT_EQ(create(kMapHash, 4, 8, 4, kFRdonly), 0);
  uint32_t key = 1;
  uint64_t value = 5;
  EXPECT_EQ(map_->update_elem(&key, &value, kAny), kEPERM);
  EXPECT_EQ(map_->lookup_elem(&key, &value), kENOENT);
  EXPECT_EQ(map_->get_next_key(nullptr, &key), kENOENT);
  EXPECT_EQ(map_->lookup_and_delete_elem(&key, &value), kEPERM);
  ASSERT_EQ(create(kMapHash, 4, 8, 4, kFWronly), 0);
  EXPECT_EQ(map_->update_elem(&key, &value, kAny), 0);
  EXPECT_EQ(map_->lookup_elem(&key, &value), kEPERM);
  EXPECT_EQ(map_->get_next_key(nullptr, &key), kEPERM);
  EXPECT_EQ(map_->delete_elem(&key), 0);
}

TEST_F(CreateMapTest, LookupFlagOrder) {
  ASSERT_EQ(create(kMapHash, 4, 8, 4, kFWronly), 0);
  uint32_t key = 1;
  uint64_t value = 0;
  EXPECT_EQ(map_->lookup_elem(&key, &value, 1), kEINVAL);       // unknown flag before EPERM
  EXPECT_EQ(map_->lookup_elem(&key, &value, kFLock), kEPERM);   // BPF_F_LOCK after EPERM
  EXPECT_EQ(map_->lookup_and_delete_elem(&key, &value, 1), kEINVAL);
}

}  // namespace
}  // namespace mapsim
