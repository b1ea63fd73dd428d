// BLOOM_FILTER (fact sheet 7 and 2.4/2.10): creation checks and sizing, the exact bit
// positions against an independent model built from jhash/jhash2, push/peek through the
// syscall layer with NULL keys, the refused operations, and the no-false-negative property,
// also with pushes racing on real threads.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "impl/create_map.h"
#include "impl/internal/bloom_filter_geometry.h"
#include "impl/internal/bloom_filter_impl.h"
#include "impl/jhash.h"
#include "impl/real_platform.h"
#include "impl/uapi.h"
#include "tests/support/bytes.h"

namespace mapsim {
namespace {

using namespace bpf;
using internal::BloomGeometry;
using testing::Bytes;
using testing::le_bytes;

MapAttr bloom_attr(uint32_t value_size, uint32_t max_entries, uint64_t map_extra = 0,
                   uint32_t flags = kFZeroSeed) {
  MapAttr attr;
  attr.map_type = kMapBloomFilter;
  attr.key_size = 0;
  attr.value_size = value_size;
  attr.max_entries = max_entries;
  attr.map_flags = flags;
  attr.map_extra = map_extra;
  return attr;
}

// A bloom filter on RealPlatform, used by the calling thread as CPU 0.
class BloomFixture {
 public:
  explicit BloomFixture(const MapAttr& attr) : binding_(platform_, 0) {
    create_rc_ = create_map(platform_, attr, &map_);
  }
  int create_rc() const { return create_rc_; }
  Map& map() { return *map_; }
  RealPlatform& platform() { return platform_; }
  internal::BloomFilterMap<RealPlatform>& bloom() {
    return dynamic_cast<internal::BloomFilterMap<RealPlatform>&>(*map_);
  }
  int push(const Bytes& value, uint64_t flags = kAny) {
    return map_->update_elem(nullptr, value.data(), flags);
  }
  int peek(const Bytes& value) {
    Bytes buffer = value;  // the kernel reads the buffer and writes nothing back
    return map_->lookup_elem(nullptr, buffer.data());
  }

 private:
  RealPlatform platform_{2};
  RealPlatform::CpuBinding binding_;
  std::unique_ptr<Map> map_;
  int create_rc_ = 0;
};

int create_rc(const MapAttr& attr) { return BloomFixture(attr).create_rc(); }

TEST(BloomFilterCreateTest, ChecksRunInTheKernelsOrder) {
  EXPECT_EQ(create_rc(bloom_attr(4, 100)), 0);
  EXPECT_EQ(create_rc(bloom_attr(kKmallocMaxSize, 1)), 0);
  EXPECT_EQ(create_rc(bloom_attr(kKmallocMaxSize + 1, 1)), kE2BIG);
  // alloc_check (E2BIG) runs before the allocation's EINVAL checks.
  MapAttr oversized_with_key = bloom_attr(kKmallocMaxSize + 1, 100);
  oversized_with_key.key_size = 1;
  EXPECT_EQ(create_rc(oversized_with_key), kE2BIG);
  MapAttr with_key = bloom_attr(4, 100);
  with_key.key_size = 4;
  EXPECT_EQ(create_rc(with_key), kEINVAL);
  EXPECT_EQ(create_rc(bloom_attr(0, 100)), kEINVAL);
  EXPECT_EQ(create_rc(bloom_attr(4, 0)), kEINVAL);
  EXPECT_EQ(create_rc(bloom_attr(4, 100, 0, kFNoPrealloc)), kEINVAL);
  EXPECT_EQ(create_rc(bloom_attr(4, 100, 0, kFRdonlyProg | kFWronlyProg)), kEINVAL);
  EXPECT_EQ(create_rc(bloom_attr(4, 100, 0, kFRdonly | kFWronly)), kEINVAL);
  EXPECT_EQ(create_rc(bloom_attr(4, 100, 0, kFNumaNode | kFRdonlyProg)), 0);
  EXPECT_EQ(create_rc(bloom_attr(4, 100, 15)), 0);
  EXPECT_EQ(create_rc(bloom_attr(4, 100, 16)), kEINVAL);
  EXPECT_EQ(create_rc(bloom_attr(4, 100, uint64_t{1} << 40)), kEINVAL);
}

TEST(BloomFilterCreateTest, InfoKeepsFlagsAndMapExtra) {
  BloomFixture fixture(bloom_attr(4, 100, 3, kFZeroSeed | kFRdonly));
  ASSERT_EQ(fixture.create_rc(), 0);
  const MapInfo& info = fixture.map().info();
  EXPECT_EQ(info.key_size, 0u);
  EXPECT_EQ(info.max_entries, 100u);
  EXPECT_EQ(info.map_flags, kFZeroSeed);  // RDONLY belongs to the fd
  EXPECT_EQ(info.map_extra, 3u);
}

BloomGeometry geometry_of(uint32_t max_entries, uint64_t map_extra) {
  BloomGeometry geometry;
  EXPECT_EQ(internal::bloom_compute_geometry(bloom_attr(4, max_entries, map_extra), &geometry),
            0);
  return geometry;
}

TEST(BloomFilterGeometryTest, BitArraySizeFollowsTheKernelsFormula) {
  EXPECT_EQ(geometry_of(1, 0).hash_count, 5u);   // 0 means 5
  EXPECT_EQ(geometry_of(1, 15).hash_count, 15u);
  EXPECT_EQ(geometry_of(1, 0).bit_count(), 64u);      // 5/5*7 = 7 -> at least 64
  EXPECT_EQ(geometry_of(45, 1).bit_count(), 64u);     // 45/5*7 = 63
  EXPECT_EQ(geometry_of(50, 1).bit_count(), 128u);    // 70 -> 128
  EXPECT_EQ(geometry_of(100, 3).bit_count(), 512u);   // 300/5*7 = 420 -> 512
  EXPECT_EQ(geometry_of(4, 1).bit_count(), 64u);      // 4/5 = 0: integer division first
  // (1533916890/5)*7 = 2^31 - 2 -> 2^31; one step more passes 2^31 -> 2^32 bits.
  EXPECT_EQ(geometry_of(1533916890, 1).bit_count(), uint64_t{1} << 31);
  EXPECT_EQ(geometry_of(1534087000, 1).bit_mask, UINT32_MAX);
  // u32 overflow of max_entries * k, and of the product * 7 / 5 path.
  EXPECT_EQ(geometry_of(UINT32_MAX, 5).bit_mask, UINT32_MAX);
  EXPECT_EQ(geometry_of(UINT32_MAX / 3, 3).bit_mask, UINT32_MAX);
}

// The model: k bits from jhash2 (value_size a multiple of 4) or jhash, seed + i.
std::vector<uint32_t> model_bits(const Bytes& value, uint32_t seed, uint32_t hash_count,
                                 uint64_t bit_count) {
  std::vector<uint32_t> bits;
  for (uint32_t index = 0; index < hash_count; ++index) {
    uint32_t hash = 0;
    if (value.size() % 4 == 0) {
      std::vector<uint32_t> words(value.size() / 4);
      std::memcpy(words.data(), value.data(), value.size());
      hash = jhash2(words.data(), words.size(), seed + index);
    } else {
      hash = jhash(value.data(), value.size(), seed + index);
    }
    bits.push_back(static_cast<uint32_t>(hash & (bit_count - 1)));
  }
  return bits;
}

// Pushes and peeks of random values agree with a bit-set model built from jhash directly,
// false positives included, for jhash (3, 13) and jhash2 (4, 8) value sizes and both seeds.
TEST(BloomFilterBitsTest, PeeksMatchAModelOfTheKernelsBitPositions) {
  std::mt19937_64 random(42);
  for (uint32_t value_size : {3u, 4u, 8u, 13u}) {
    for (uint32_t flags : {kFZeroSeed, 0u}) {
      BloomFixture fixture(bloom_attr(value_size, 20, 2, flags));
      ASSERT_EQ(fixture.create_rc(), 0);
      const uint32_t seed = fixture.bloom().seed();
      if (flags == kFZeroSeed) {
        EXPECT_EQ(seed, 0u);
      }
      const BloomGeometry& geometry = fixture.bloom().geometry();
      ASSERT_EQ(geometry.bit_count(), 64u);
      std::vector<bool> model(geometry.bit_count());
      int positives = 0;
      for (int step = 0; step < 400; ++step) {
        Bytes value = le_bytes(random() % 64, value_size);
        std::vector<uint32_t> bits = model_bits(value, seed, 2, geometry.bit_count());
        if (step % 8 == 0) {
          ASSERT_EQ(fixture.push(value), 0);
          for (uint32_t bit : bits) model[bit] = true;
        }
        const bool expected = model[bits[0]] && model[bits[1]];
        positives += expected;
        ASSERT_EQ(fixture.peek(value), expected ? 0 : kENOENT)
            << "value_size " << value_size << " step " << step;
      }
      EXPECT_GT(positives, 50);  // the filter fills up: false positives are exercised
    }
  }
}

TEST(BloomFilterBitsTest, RandomSeedComesFromThePlatform) {
  BloomFixture first(bloom_attr(4, 100, 0, 0));
  BloomFixture second(bloom_attr(4, 100, 0, 0));
  ASSERT_EQ(first.create_rc(), 0);
  ASSERT_EQ(second.create_rc(), 0);
  EXPECT_NE(first.bloom().seed(), second.bloom().seed());
}

// No false negatives: every pushed value peeks as present, for many sizes and seeds.
TEST(BloomFilterPropertyTest, PushedValuesAreAlwaysFound) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 30; ++round) {
    const auto value_size = static_cast<uint32_t>(1 + random() % 40);
    const auto max_entries = static_cast<uint32_t>(1 + random() % 500);
    BloomFixture fixture(bloom_attr(value_size, max_entries, random() % 16,
                                    random() % 2 ? kFZeroSeed : 0));
    ASSERT_EQ(fixture.create_rc(), 0);
    std::vector<Bytes> pushed;
    for (uint32_t count = 0; count < 2 * max_entries; ++count) {
      Bytes value(value_size);
      for (unsigned char& byte : value) byte = static_cast<unsigned char>(random());
      ASSERT_EQ(fixture.push(value), 0);  // never full: max_entries only sizes the array
      pushed.push_back(value);
    }
    for (const Bytes& value : pushed) ASSERT_EQ(fixture.peek(value), 0);
  }
}

TEST(BloomFilterSyscallTest, KeysMustBeNullAndOnlyPushAndPeekWork) {
  BloomFixture fixture(bloom_attr(4, 100));
  ASSERT_EQ(fixture.create_rc(), 0);
  Map& map = fixture.map();
  Bytes value = le_bytes(7, 4);
  Bytes key = le_bytes(0, 4);
  Bytes out(8);
  EXPECT_EQ(map.update_elem(key.data(), value.data(), kAny), kEINVAL);
  EXPECT_EQ(map.update_elem(nullptr, value.data(), kNoExist), kEINVAL);
  EXPECT_EQ(map.update_elem(nullptr, value.data(), kExist), kEINVAL);
  EXPECT_EQ(map.update_elem(nullptr, value.data(), kFLock), kEINVAL);
  EXPECT_EQ(map.update_elem(nullptr, value.data(), kAny), 0);
  EXPECT_EQ(map.lookup_elem(key.data(), value.data()), kEINVAL);
  EXPECT_EQ(map.lookup_elem(nullptr, value.data(), kFLock), kEINVAL);
  EXPECT_EQ(map.lookup_elem(nullptr, value.data(), 1), kEINVAL);
  EXPECT_EQ(map.lookup_elem(nullptr, value.data()), 0);
  EXPECT_EQ(value, le_bytes(7, 4));  // peek leaves the buffer alone
  EXPECT_EQ(map.delete_elem(nullptr), kEOPNOTSUPP);
  EXPECT_EQ(map.delete_elem(key.data()), kEINVAL);
  EXPECT_EQ(map.get_next_key(nullptr, out.data()), kEOPNOTSUPP);
  EXPECT_EQ(map.get_next_key(key.data(), out.data()), kEINVAL);
  EXPECT_EQ(map.lookup_and_delete_elem(nullptr, out.data()), kENOTSUPP);
  EXPECT_EQ(map.lookup_and_delete_elem(key.data(), out.data()), kEINVAL);
  EXPECT_EQ(map.lookup_and_delete_elem(nullptr, out.data(), 1), kEINVAL);
  EXPECT_EQ(map.lookup_and_delete_elem(nullptr, out.data(), kFLock), kEINVAL);
}

TEST(BloomFilterSyscallTest, BatchesAreEnotsupp) {
  BloomFixture fixture(bloom_attr(4, 100));
  ASSERT_EQ(fixture.create_rc(), 0);
  Map& map = fixture.map();
  Bytes buffer(64);
  uint32_t count = 1;
  EXPECT_EQ(map.lookup_batch(nullptr, buffer.data(), buffer.data(), buffer.data(), &count),
            kENOTSUPP);
  EXPECT_EQ(map.lookup_and_delete_batch(nullptr, buffer.data(), buffer.data(), buffer.data(),
                                        &count),
            kENOTSUPP);
  EXPECT_EQ(map.update_batch(buffer.data(), buffer.data(), &count), kENOTSUPP);
  EXPECT_EQ(map.delete_batch(buffer.data(), &count), kENOTSUPP);
  EXPECT_EQ(count, 1u);
}

TEST(BloomFilterSyscallTest, FdPermissionsComeFirst) {
  BloomFixture read_only(bloom_attr(4, 100, 0, kFRdonly));
  ASSERT_EQ(read_only.create_rc(), 0);
  Bytes value = le_bytes(7, 4);
  Bytes key = le_bytes(0, 4);
  EXPECT_EQ(read_only.map().update_elem(key.data(), value.data(), kAny), kEPERM);
  EXPECT_EQ(read_only.map().delete_elem(nullptr), kEPERM);
  EXPECT_EQ(read_only.map().lookup_elem(key.data(), value.data()), kEINVAL);
  EXPECT_EQ(read_only.peek(value), kENOENT);
  BloomFixture write_only(bloom_attr(4, 100, 0, kFWronly));
  ASSERT_EQ(write_only.create_rc(), 0);
  EXPECT_EQ(write_only.map().lookup_elem(key.data(), value.data()), kEPERM);
  EXPECT_EQ(write_only.map().get_next_key(nullptr, value.data()), kEPERM);
  EXPECT_EQ(write_only.map().lookup_and_delete_elem(nullptr, value.data()), kEPERM);
  EXPECT_EQ(write_only.push(value), 0);
}

// The verifier refuses the ordinary helpers on bloom filters; the map ops answer this.
TEST(BloomFilterProgramTest, OrdinaryHelpersGiveTheMapOpsAnswers) {
  BloomFixture fixture(bloom_attr(4, 100));
  ASSERT_EQ(fixture.create_rc(), 0);
  Bytes value = le_bytes(7, 4);
  EXPECT_EQ(fixture.map().prog_lookup(nullptr), nullptr);
  EXPECT_EQ(fixture.map().prog_update(nullptr, value.data(), kAny), kEINVAL);
  EXPECT_EQ(fixture.map().prog_delete(nullptr), kEOPNOTSUPP);
}

// Pushes from several threads, each on its own CPU slot, set bits in shared words with atomic
// ORs: none may be lost, and values pushed before the race stay visible throughout. One hash
// function and 64 words keep the threads on the same words while the array stays far from
// full, so a lost bit would show as a missing value.
TEST(BloomFilterConcurrencyTest, RealThreadPushesLoseNoBits) {
  constexpr int kThreads = 4;
  constexpr uint32_t kValuesPerThread = 500;
  RealPlatform platform(kThreads);
  std::unique_ptr<Map> map;
  {
    RealPlatform::CpuBinding binding(platform, 0);
    ASSERT_EQ(create_map(platform, bloom_attr(8, 2900, 1), &map), 0);  // 4096 bits
    for (uint64_t early = 0; early < 50; ++early) {
      ASSERT_EQ(map->update_elem(nullptr, le_bytes(~early, 8).data(), kAny), 0);
    }
  }
  std::atomic<int> misses{0};
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      RealPlatform::CpuBinding binding(platform, thread);
      for (uint32_t index = 0; index < kValuesPerThread; ++index) {
        Bytes value = le_bytes(uint64_t{index} * kThreads + thread, 8);
        map->update_elem(nullptr, value.data(), kAny);
        Bytes early = le_bytes(~uint64_t{index % 50}, 8);
        misses += map->lookup_elem(nullptr, early.data()) != 0;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(misses.load(), 0);
  RealPlatform::CpuBinding binding(platform, 0);
  for (uint64_t value = 0; value < uint64_t{kValuesPerThread} * kThreads; ++value) {
    ASSERT_EQ(map->lookup_elem(nullptr, le_bytes(value, 8).data()), 0) << value;
  }
}

}  // namespace
}  // namespace mapsim
