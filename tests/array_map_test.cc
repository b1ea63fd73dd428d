// ARRAY and PERCPU_ARRAY: test_arraymap / test_arraymap_percpu (fact sheet 9.2) and section 5.
#include <gtest/gtest.h>

#include "tests/support/map_fixture.h"

namespace mapsim {
namespace {

using namespace bpf;
using testing::Bytes;
using testing::MapFixture;

TEST(ArrayMapTest, SelftestArraymap) {
  for (uint32_t type : {kMapArray, kMapPercpuArray}) {
    MapFixture fixture(2);
    ASSERT_EQ(fixture.create(type, 4, 8, 2, 0), 0);
    Bytes value(fixture.map().syscall_value_size(), 0x11);
    EXPECT_EQ(fixture.map().update_elem(fixture.key(1).data(), value.data(), kAny), 0);
    EXPECT_EQ(fixture.map().update_elem(fixture.key(1).data(), value.data(), kNoExist), kEEXIST);
    Bytes out(fixture.map().syscall_value_size(), 0xff);
    EXPECT_EQ(fixture.map().lookup_elem(fixture.key(1).data(), out.data()), 0);
    EXPECT_EQ(out, value);
    EXPECT_EQ(fixture.map().lookup_elem(fixture.key(0).data(), out.data()), 0);
    EXPECT_EQ(out, Bytes(out.size(), 0));  // never written: zeros
    EXPECT_EQ(fixture.map().update_elem(fixture.key(2).data(), value.data(), kExist), kE2BIG);
    EXPECT_EQ(fixture.map().update_elem(fixture.key(2).data(), value.data(), kNoExist), kE2BIG);
    EXPECT_EQ(fixture.lookup(2), kENOENT);
    uint64_t next = 9, two = 2, zero = 0, one = 1;
    EXPECT_EQ(fixture.next_key(nullptr, &next), 0);
    EXPECT_EQ(next, 0u);
    EXPECT_EQ(fixture.next_key(&two, &next), 0);
    EXPECT_EQ(next, 0u);
    EXPECT_EQ(fixture.next_key(&zero, &next), 0);
    EXPECT_EQ(next, 1u);
    EXPECT_EQ(fixture.next_key(&one, &next), kENOENT);
    EXPECT_EQ(fixture.remove(0), kEINVAL);
    EXPECT_EQ(fixture.remove(5), kEINVAL);
    EXPECT_EQ(fixture.map().lookup_and_delete_elem(fixture.key(0).data(), out.data()),
              kENOTSUPP);
    EXPECT_EQ(fixture.map().update_elem(fixture.key(0).data(), value.data(), 3), kEINVAL);
  }
}

TEST(ArrayMapTest, ProgramSideActsOnTheCurrentCpu) {
  MapFixture fixture(3);
  ASSERT_EQ(fixture.create(kMapPercpuArray, 4, 5, 4, 0), 0);
  fixture.on_cpu(2);
  const unsigned char value[5] = {1, 2, 3, 4, 5};
  ASSERT_EQ(fixture.map().prog_update(fixture.key(3).data(), value, kAny), 0);
  EXPECT_EQ(fixture.map().prog_update(fixture.key(4).data(), value, kAny), kE2BIG);
  EXPECT_EQ(fixture.map().prog_update(fixture.key(3).data(), value, kNoExist), kEEXIST);
  EXPECT_EQ(fixture.map().prog_update(fixture.key(3).data(), value, kFLock), kEINVAL);
  EXPECT_EQ(fixture.map().prog_delete(fixture.key(3).data()), kEINVAL);
  Bytes out(24);
  ASSERT_EQ(fixture.map().lookup_elem(fixture.key(3).data(), out.data()), 0);
  const Bytes expected = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0};
  EXPECT_EQ(out, expected);
  EXPECT_EQ(fixture.map().prog_lookup(fixture.key(3).data()),
            fixture.map().prog_lookup_percpu(fixture.key(3).data(), 2));
  EXPECT_EQ(fixture.map().prog_lookup(fixture.key(4).data()), nullptr);
  EXPECT_EQ(fixture.map().prog_lookup_percpu(fixture.key(3).data(), 3), nullptr);
}

TEST(ArrayMapTest, PercpuManyKeysRoundTrip) {
  const int cpus = 4;
  MapFixture fixture(cpus);
  ASSERT_EQ(fixture.create(kMapPercpuArray, 4, 8, 2000, 0), 0);
  for (uint64_t key = 0; key < 2000; ++key) {
    Bytes value(8 * cpus);
    for (int cpu = 0; cpu < cpus; ++cpu) value[8 * cpu] = static_cast<unsigned char>(key + cpu);
    ASSERT_EQ(fixture.map().update_elem(fixture.key(key).data(), value.data(), kAny), 0);
    Bytes out(8 * cpus);
    ASSERT_EQ(fixture.map().lookup_elem(fixture.key(key).data(), out.data()), 0);
    ASSERT_EQ(out, value);
  }
}

}  // namespace
}  // namespace mapsim
