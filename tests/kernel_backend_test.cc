// The live-kernel backend against the fact sheet's observed facts (tag O) for HASH, PERCPU_HASH,
// ARRAY, PERCPU_ARRAY, LRU_HASH and LRU_PERCPU_HASH: if these hold, the backend passes
// pointers, flags, CPUs and buffers the way a real user and a real program do, and the
// differential test can trust it as the reference. Skipped where bpf() is not permitted.
#include "model/kernel/kernel_backend.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "impl/uapi.h"
#include "tests/support/bytes.h"
#include "tests/support/map_attr.h"

namespace mapsim {
namespace {

using testing::le_bytes;
using testing::le_value;
using testing::make_attr;

constexpr uint32_t kHashTypes[] = {bpf::kMapHash, bpf::kMapPercpuHash, bpf::kMapLruHash,
                                   bpf::kMapLruPercpuHash};
constexpr uint32_t kLruTypes[] = {bpf::kMapLruHash, bpf::kMapLruPercpuHash};

class KernelBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (KernelBackend::probe(&why) != 0) GTEST_SKIP() << "bpf() not usable here: " << why;
    cpus_ = backend_.possible_cpus();
  }

  int create_rc(const MapAttr& attr, int cpu = 0) {
    std::unique_ptr<BackendMap> map;
    return backend_.create_map(cpu, attr, &map);
  }

  std::unique_ptr<BackendMap> create(const MapAttr& attr) {
    std::unique_ptr<BackendMap> map;
    int rc = backend_.create_map(0, attr, &map);
    EXPECT_EQ(rc, 0) << "create type " << attr.map_type;
    return map;
  }

  // A syscall value: the same `value` in every CPU's slot for per-CPU maps.
  Bytes value_of(const BackendMap& map, uint64_t value) {
    size_t slot = map.syscall_value_size() == map.info().value_size
                      ? map.info().value_size
                      : bpf::round_up(map.info().value_size, 8);
    Bytes bytes;
    for (size_t at = 0; at < map.syscall_value_size(); at += slot) {
      Bytes one = le_bytes(value, slot);
      bytes.insert(bytes.end(), one.begin(), one.end());
    }
    return bytes;
  }

  int update(BackendMap& map, uint64_t key, uint64_t flags, int cpu = 0) {
    return map.update(Via::kSyscall, cpu, le_bytes(key, map.info().key_size),
                      value_of(map, key + 1000), flags);
  }

  int lookup(BackendMap& map, uint64_t key, Via via = Via::kSyscall, int cpu = 0) {
    Bytes value;
    return map.lookup(via, cpu, le_bytes(key, map.info().key_size), 0, &value);
  }

  // Every key reachable by get_next_key from NULL, as integers.
  std::set<uint64_t> keys(BackendMap& map) {
    std::set<uint64_t> found;
    std::optional<Bytes> key;
    Bytes next;
    while (map.get_next_key(0, key, &next) == 0 && found.size() <= map.info().max_entries) {
      found.insert(le_value(next));
      key = next;
    }
    return found;
  }

  KernelBackend backend_;
  int cpus_ = 1;
};

TEST_F(KernelBackendTest, ReportsNameAndPossibleCpus) {
  EXPECT_EQ(backend_.name(), "kernel");
  EXPECT_GE(cpus_, 1);
}

TEST_F(KernelBackendTest, CreateChecksBeforeTheMapType) {
  MapAttr extra = make_attr(bpf::kMapHash, 4, 8, 4);
  extra.map_extra = 1;
  EXPECT_EQ(create_rc(extra), bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapHash, 4, 8, 4, bpf::kFRdonly | bpf::kFWronly)),
            bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(0, 4, 8, 4)), bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(99, 4, 8, 4)), bpf::kEINVAL);
}

TEST_F(KernelBackendTest, HashCreateValidation) {
  EXPECT_EQ(create_rc(make_attr(bpf::kMapHash, 4, 8, 4, bpf::kFNoCommonLru)), bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapLruHash, 4, 8, 4, bpf::kFNoPrealloc)), bpf::kENOTSUPP);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapPercpuHash, 4, 8, 4, bpf::kFNumaNode)), bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapLruHash, 4, 8, 4, bpf::kFNumaNode | bpf::kFNoCommonLru)),
            bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapHash, 4, 8, 4, bpf::kFClone)), bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapHash, 4, 8, 4, bpf::kFMmapable)), bpf::kEINVAL);
  for (uint32_t type : kHashTypes) {
    EXPECT_EQ(create_rc(make_attr(type, 0, 8, 4)), bpf::kEINVAL) << type;
    EXPECT_EQ(create_rc(make_attr(type, 4, 0, 4)), bpf::kEINVAL) << type;
    EXPECT_EQ(create_rc(make_attr(type, 4, 8, 0)), bpf::kEINVAL) << type;
  }
}

TEST_F(KernelBackendTest, HashCreateSizeLimits) {
  // key_size + value_size < KMALLOC_MAX_SIZE - sizeof(htab_elem) (NO_PREALLOC: nothing big is
  // allocated at creation).
  EXPECT_EQ(create_rc(make_attr(bpf::kMapHash, 8, 4194247, 1, bpf::kFNoPrealloc)), 0);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapHash, 8, 4194248, 1, bpf::kFNoPrealloc)), bpf::kE2BIG);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapPercpuHash, 4, 32768, 1)), 0);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapPercpuHash, 4, 32769, 1)), bpf::kE2BIG);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapHash, 4, 8, (1u << 27) + 1, bpf::kFNoPrealloc)),
            bpf::kE2BIG);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapHash, 4, 8, (1u << 31) + 1, bpf::kFNoPrealloc)),
            bpf::kE2BIG);
}

TEST_F(KernelBackendTest, MapNameIsCheckedAfterAllocation) {
  EXPECT_EQ(create_rc(make_attr(bpf::kMapHash, 4, 8, 4, 0, "a-b")), bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapHash, 4, 8, 4, 0, std::string(15, 'n'))), 0);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapHash, 4, 8, 4, 0, std::string(16, 'n'))), bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapHash, 4, 8, 4, 0, ".data_x")), 0);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapPercpuHash, 4, 32769, 4, 0, "a-b")), bpf::kE2BIG);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapLruHash, 4, 8, 4, bpf::kFNoPrealloc, "a-b")),
            bpf::kENOTSUPP);
}

TEST_F(KernelBackendTest, InfoReportsStoredFlagsAndName) {
  auto map = create(make_attr(bpf::kMapHash, 4, 8, 4,
                              bpf::kFRdonly | bpf::kFNoPrealloc | bpf::kFZeroSeed, "stored.x"));
  ASSERT_TRUE(map);
  EXPECT_EQ(map->info().map_type, bpf::kMapHash);
  EXPECT_EQ(map->info().map_flags, 0x41u);
  EXPECT_EQ(map->info().name, "stored.x");
  EXPECT_EQ(map->info().max_entries, 4u);
}

TEST_F(KernelBackendTest, NoCommonLruRoundsMaxEntriesToPossibleCpus) {
  for (uint32_t type : kLruTypes) {
    for (uint32_t requested : {1u, 3u, 5u}) {
      auto map = create(make_attr(type, 4, 8, requested, bpf::kFNoCommonLru));
      ASSERT_TRUE(map);
      EXPECT_EQ(map->info().max_entries, bpf::round_up(requested, cpus_)) << requested;
    }
    auto common = create(make_attr(type, 4, 8, 3));
    ASSERT_TRUE(common);
    EXPECT_EQ(common->info().max_entries, 3u);
  }
}

TEST_F(KernelBackendTest, ArrayCreateValidation) {
  EXPECT_EQ(create_rc(make_attr(bpf::kMapArray, 8, 8, 4)), bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapArray, 4, 8, 4, bpf::kFNoPrealloc)), bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapArray, 4, 8, 4, bpf::kFZeroSeed)), bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapPercpuArray, 4, 8, 4, bpf::kFMmapable)), bpf::kEINVAL);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapArray, 4, 1u << 31, 1)), bpf::kE2BIG);
  EXPECT_EQ(create_rc(make_attr(bpf::kMapPercpuArray, 4, 32769, 1)), bpf::kE2BIG);
  auto map = create(make_attr(bpf::kMapArray, 4, 8, 5));
  ASSERT_TRUE(map);
  EXPECT_EQ(map->info().max_entries, 5u);
}

TEST_F(KernelBackendTest, HashUpdateFlagsFollowExistenceRules) {
  for (uint32_t type : kHashTypes) {
    SCOPED_TRACE(type);
    auto map = create(make_attr(type, 8, 8, 16));
    ASSERT_TRUE(map);
    EXPECT_EQ(update(*map, 1, bpf::kNoExist), 0);
    EXPECT_EQ(update(*map, 1, bpf::kNoExist), bpf::kEEXIST);
    EXPECT_EQ(update(*map, 2, bpf::kExist), bpf::kENOENT);
    EXPECT_EQ(update(*map, 1, bpf::kExist), 0);
    for (uint64_t flags :
         {uint64_t{3}, bpf::kFLock, uint64_t{8}, uint64_t{1} << 32, ~uint64_t{0}}) {
      EXPECT_EQ(update(*map, 1, flags), bpf::kEINVAL) << flags;
    }
  }
}

TEST_F(KernelBackendTest, FullHashChecksExistenceBeforeCapacity) {
  for (uint32_t flags : {0u, bpf::kFNoPrealloc}) {
    SCOPED_TRACE(flags);
    auto map = create(make_attr(bpf::kMapHash, 8, 8, 2, flags));
    ASSERT_TRUE(map);
    EXPECT_EQ(update(*map, 1, bpf::kAny), 0);
    EXPECT_EQ(update(*map, 2, bpf::kNoExist), 0);
    EXPECT_EQ(update(*map, 3, bpf::kNoExist), bpf::kE2BIG);
    EXPECT_EQ(update(*map, 3, bpf::kExist), bpf::kENOENT);
    EXPECT_EQ(update(*map, 1, bpf::kNoExist), bpf::kEEXIST);
    EXPECT_EQ(update(*map, 2, bpf::kAny), 0);
    EXPECT_EQ(update(*map, 1, bpf::kExist), 0);
    EXPECT_EQ(map->remove(Via::kSyscall, 0, le_bytes(0, 8)), bpf::kENOENT);
  }
}

TEST_F(KernelBackendTest, HashGetNextKeyRestartsFromAMissingKey) {
  auto map = create(make_attr(bpf::kMapHash, 8, 8, 2, bpf::kFZeroSeed));
  ASSERT_TRUE(map);
  Bytes first;
  EXPECT_EQ(map->get_next_key(0, std::nullopt, &first), bpf::kENOENT);
  ASSERT_EQ(update(*map, 1, bpf::kAny), 0);
  ASSERT_EQ(update(*map, 2, bpf::kAny), 0);
  ASSERT_EQ(map->get_next_key(0, std::nullopt, &first), 0);
  Bytes from_missing;
  ASSERT_EQ(map->get_next_key(0, le_bytes(0, 8), &from_missing), 0);
  EXPECT_EQ(from_missing, first);
  Bytes second;
  ASSERT_EQ(map->get_next_key(0, first, &second), 0);
  EXPECT_EQ(std::set<uint64_t>({le_value(first), le_value(second)}),
            std::set<uint64_t>({1, 2}));
  Bytes none;
  EXPECT_EQ(map->get_next_key(0, second, &none), bpf::kENOENT);
}

TEST_F(KernelBackendTest, SyscallLookupFlagsAndLookupAndDelete) {
  auto map = create(make_attr(bpf::kMapHash, 8, 8, 4));
  ASSERT_TRUE(map);
  ASSERT_EQ(update(*map, 7, bpf::kAny), 0);
  Bytes value;
  EXPECT_EQ(map->lookup(Via::kSyscall, 0, le_bytes(7, 8), 1, &value), bpf::kEINVAL);
  EXPECT_EQ(map->lookup(Via::kSyscall, 0, le_bytes(7, 8), bpf::kFLock, &value), bpf::kEINVAL);
  EXPECT_EQ(map->lookup_and_delete(0, le_bytes(7, 8), 1, &value), bpf::kEINVAL);
  ASSERT_EQ(map->lookup_and_delete(0, le_bytes(7, 8), 0, &value), 0);
  EXPECT_EQ(le_value(value), 1007u);
  EXPECT_EQ(lookup(*map, 7), bpf::kENOENT);
  EXPECT_EQ(map->lookup_and_delete(0, le_bytes(7, 8), 0, &value), bpf::kENOENT);
}

TEST_F(KernelBackendTest, ArrayOperations) {
  for (uint32_t type : {bpf::kMapArray, bpf::kMapPercpuArray}) {
    SCOPED_TRACE(type);
    auto map = create(make_attr(type, 4, 8, 2));
    ASSERT_TRUE(map);
    Bytes value;
    ASSERT_EQ(map->lookup(Via::kSyscall, 0, le_bytes(0, 4), 0, &value), 0);
    EXPECT_EQ(value, Bytes(map->syscall_value_size(), 0));
    EXPECT_EQ(lookup(*map, 2), bpf::kENOENT);
    EXPECT_EQ(update(*map, 2, bpf::kExist), bpf::kE2BIG);
    EXPECT_EQ(update(*map, 1, bpf::kNoExist), bpf::kEEXIST);
    EXPECT_EQ(update(*map, 1, bpf::kAny), 0);
    EXPECT_EQ(map->remove(Via::kSyscall, 0, le_bytes(1, 4)), bpf::kEINVAL);
    EXPECT_EQ(map->lookup_and_delete(0, le_bytes(1, 4), 0, &value), bpf::kENOTSUPP);
    Bytes next;
    ASSERT_EQ(map->get_next_key(0, std::nullopt, &next), 0);
    EXPECT_EQ(le_value(next), 0u);
    ASSERT_EQ(map->get_next_key(0, le_bytes(2, 4), &next), 0);
    EXPECT_EQ(le_value(next), 0u);
    ASSERT_EQ(map->get_next_key(0, le_bytes(0, 4), &next), 0);
    EXPECT_EQ(le_value(next), 1u);
    EXPECT_EQ(map->get_next_key(0, le_bytes(1, 4), &next), bpf::kENOENT);
  }
}

// value_size 5: each CPU's 8-byte slot (5 value bytes and 3 padding bytes) round-trips whole.
TEST_F(KernelBackendTest, PerCpuSlotsRoundTripIncludingPadding) {
  for (uint32_t type : {bpf::kMapPercpuHash, bpf::kMapPercpuArray, bpf::kMapLruPercpuHash}) {
    SCOPED_TRACE(type);
    auto map = create(make_attr(type, 4, 5, 4));
    ASSERT_TRUE(map);
    ASSERT_EQ(map->syscall_value_size(), 8u * cpus_);
    Bytes written;
    for (int cpu = 0; cpu < cpus_; ++cpu) {
      for (int byte = 0; byte < 8; ++byte) {
        written.push_back(static_cast<unsigned char>('A' + byte + cpu));
      }
    }
    ASSERT_EQ(map->update(Via::kSyscall, 0, le_bytes(1, 4), written, bpf::kAny), 0);
    Bytes read;
    ASSERT_EQ(map->lookup(Via::kSyscall, 0, le_bytes(1, 4), 0, &read), 0);
    EXPECT_EQ(read, written);
  }
}

// A program update of a new key writes the running CPU's slot and zeroes the others; it also
// shows that BPF_PROG_TEST_RUN ran on the requested CPU.
TEST_F(KernelBackendTest, ProgramUpdateWritesTheRunningCpusSlot) {
  for (int cpu = 0; cpu < cpus_; ++cpu) {
    SCOPED_TRACE(cpu);
    auto map = create(make_attr(bpf::kMapPercpuHash, 4, 5, 4));
    ASSERT_TRUE(map);
    ASSERT_EQ(map->update(Via::kProgram, cpu, le_bytes(9, 4), le_bytes(0x0102030405, 5), 0), 0);
    Bytes read;
    ASSERT_EQ(map->lookup(Via::kSyscall, 0, le_bytes(9, 4), 0, &read), 0);
    Bytes expected(8u * cpus_, 0);
    for (int byte = 0; byte < 5; ++byte) {
      expected[8 * cpu + byte] = static_cast<unsigned char>(5 - byte);
    }
    EXPECT_EQ(read, expected);
  }
}

TEST_F(KernelBackendTest, ProgramLookupReadsTheRunningCpusSlot) {
  auto map = create(make_attr(bpf::kMapPercpuArray, 4, 4, 2));
  ASSERT_TRUE(map);
  Bytes written;
  for (int cpu = 0; cpu < cpus_; ++cpu) {
    Bytes slot = le_bytes(100 + cpu, 8);
    written.insert(written.end(), slot.begin(), slot.end());
  }
  ASSERT_EQ(map->update(Via::kSyscall, 0, le_bytes(1, 4), written, bpf::kAny), 0);
  for (int cpu = 0; cpu < cpus_; ++cpu) {
    Bytes value;
    ASSERT_EQ(map->lookup(Via::kProgram, cpu, le_bytes(1, 4), 0, &value), 0);
    EXPECT_EQ(value, le_bytes(100 + cpu, 4));
  }
  Bytes value;
  EXPECT_EQ(map->lookup(Via::kProgram, 0, le_bytes(2, 4), 0, &value), bpf::kENOENT);
  EXPECT_EQ(map->remove(Via::kProgram, 0, le_bytes(1, 4)), bpf::kEINVAL);
}

TEST_F(KernelBackendTest, ProgramOperationsHandleLargeKeysAndValues) {
  for (uint32_t value_size : {4100u, 40000u}) {
    SCOPED_TRACE(value_size);
    auto map = create(make_attr(bpf::kMapHash, 64, value_size, 4));
    ASSERT_TRUE(map);
    Bytes key(64), value(value_size);
    for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i * 7);
    for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<unsigned char>(i * 13 + 1);
    ASSERT_EQ(map->update(Via::kProgram, 0, key, value, bpf::kNoExist), 0);
    EXPECT_EQ(map->update(Via::kProgram, 0, key, value, bpf::kNoExist), bpf::kEEXIST);
    Bytes read;
    ASSERT_EQ(map->lookup(Via::kSyscall, 0, key, 0, &read), 0);
    EXPECT_EQ(read, value);
    value[value_size - 1] ^= 0xff;
    ASSERT_EQ(map->update(Via::kSyscall, 0, key, value, bpf::kExist), 0);
    ASSERT_EQ(map->lookup(Via::kProgram, 0, key, 0, &read), 0);
    EXPECT_EQ(read, value);
    EXPECT_EQ(map->remove(Via::kProgram, 0, key), 0);
    EXPECT_EQ(map->remove(Via::kProgram, 0, key), bpf::kENOENT);
  }
}

TEST_F(KernelBackendTest, ProgramOperationsRefuseValuesBeyondTheLimit) {
  auto map = create(make_attr(bpf::kMapHash, 4, 65537, 1, bpf::kFNoPrealloc));
  ASSERT_TRUE(map);
  Bytes value;
  EXPECT_THROW(map->lookup(Via::kProgram, 0, le_bytes(1, 4), 0, &value), std::length_error);
}

TEST_F(KernelBackendTest, RefusesImpossibleCpus) {
  EXPECT_THROW(create_rc(make_attr(bpf::kMapHash, 4, 8, 4), cpus_), std::invalid_argument);
  EXPECT_THROW(create_rc(make_attr(bpf::kMapHash, 4, 8, 4), -1), std::invalid_argument);
}

// NO_COMMON_LRU partitions capacity: a CPU only draws nodes from its own list.
TEST_F(KernelBackendTest, PerCpuLruCapacityIsPartitioned) {
  auto map = create(make_attr(bpf::kMapLruHash, 8, 8, 2 * cpus_, bpf::kFNoCommonLru));
  ASSERT_TRUE(map);
  for (uint64_t key = 1; key <= 2u * cpus_; ++key) ASSERT_EQ(update(*map, key, bpf::kAny, 0), 0);
  EXPECT_EQ(keys(*map).size(), 2u);
  if (cpus_ < 2) return;
  ASSERT_EQ(update(*map, 100, bpf::kAny, 1), 0);
  ASSERT_EQ(update(*map, 101, bpf::kAny, 1), 0);
  EXPECT_EQ(keys(*map).size(), 4u);
}

// T-lru sanity7 and sanity8 (fact sheet 9.1) for each LRU flavour: of two keys in a full map,
// the one a program looked up survives the next insert; a syscall lookup protects nothing.
class LruReferenceBitTest : public KernelBackendTest {
 protected:
  // Inserts 1 and 2, looks 1 up via `key1_via` and 2 via `key2_via`, inserts 3; returns the
  // surviving keys.
  std::set<uint64_t> survivors(uint32_t type, uint32_t flags, Via key1_via, Via key2_via) {
    uint32_t size = (flags & bpf::kFNoCommonLru) ? 2 * cpus_ : 2;
    auto map = create(make_attr(type, 8, 8, size, flags));
    if (!map) return {};
    EXPECT_EQ(update(*map, 1, bpf::kNoExist), 0);
    EXPECT_EQ(update(*map, 1, bpf::kNoExist), bpf::kEEXIST);
    EXPECT_EQ(update(*map, 1, ~uint64_t{0}), bpf::kEINVAL);
    EXPECT_EQ(lookup(*map, 2), bpf::kENOENT);
    EXPECT_EQ(update(*map, 2, bpf::kExist), bpf::kENOENT);
    EXPECT_EQ(update(*map, 2, bpf::kNoExist), 0);
    EXPECT_EQ(lookup(*map, 3), bpf::kENOENT);
    EXPECT_EQ(lookup(*map, 1, key1_via), 0);
    EXPECT_EQ(lookup(*map, 2, key2_via), 0);
    EXPECT_EQ(update(*map, 3, bpf::kNoExist), 0);
    return keys(*map);
  }
};

TEST_F(LruReferenceBitTest, SyscallLookupDoesNotProtectSanity7) {
  for (uint32_t type : kLruTypes) {
    for (uint32_t flags : {0u, bpf::kFNoCommonLru}) {
      EXPECT_EQ(survivors(type, flags, Via::kProgram, Via::kSyscall),
                std::set<uint64_t>({1, 3}))
          << "type " << type << " flags " << flags;
    }
  }
}

TEST_F(LruReferenceBitTest, ProgramLookupProtectsSanity8) {
  for (uint32_t type : kLruTypes) {
    for (uint32_t flags : {0u, bpf::kFNoCommonLru}) {
      EXPECT_EQ(survivors(type, flags, Via::kSyscall, Via::kProgram),
                std::set<uint64_t>({2, 3}))
          << "type " << type << " flags " << flags;
    }
  }
}

}  // namespace
}  // namespace mapsim
