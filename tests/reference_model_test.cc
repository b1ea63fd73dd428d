// The reference models (model/reference/): the fact sheet's behaviours on the models alone, and
// the models against the simulated implementation and the live kernel on random op scripts.
//
// (a) Hand-written cases: test_maps.c and test_lru_map.c behaviours (fact sheet 9), creation
//     checks (2.2, 3.1, 5.1, 6.1, 7.1, 8.1), iteration order, per-CPU padding, LRU eviction
//     facts, device maps, bloom filters, LPM tries, the kernel-recorded example scripts
//     (scenarios/scripts/expected, 2 CPUs); copies of models stay equal under the same ops.
// (b) MAPSIM_MODEL_SCRIPTS (default 1500) seeded random op scripts (scenarios/random_op_script.h)
//     over the ten generated types, on 1 to 4 possible CPUs, run through ReferenceBackend and
//     SimulatedBackend: => the outputs are identical line by line. Seeds start at
//     MAPSIM_MODEL_SEED (default 1). On a mismatch: SEED, the script's path, the first
//     differing line. A canary mutant of the model must be caught.
// (c) Where bpf() is permitted: MAPSIM_MODEL_KERNEL_SCRIPTS (default 60) scripts on this
//     machine's CPUs, and the reproducers of tests/data/diff, through ReferenceBackend and
//     KernelBackend: => identical output.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/bytes.h"
#include "tests/support/env_number.h"
#include "tests/support/forwarding_backend_map.h"
#include "tests/support/text_lines.h"
#include "tests/support/wrapping_backend.h"
#include "model/kernel/kernel_backend.h"
#include "model/reference/create_model.h"
#include "model/reference/map_model.h"
#include "model/reference/reference_backend.h"
#include "model/reference/reference_jhash.h"
#include "model/reference/reference_uapi.h"
#include "scenarios/hex.h"
#include "scenarios/op_runner.h"
#include "scenarios/op_script.h"
#include "scenarios/random_op_script.h"
#include "scenarios/simulated_backend.h"

namespace mapsim::reference {
namespace {

// ---------------------------------------------------------------------------------------------
// Helpers: u64 keys and values, one model.

using testing::le_value;

Bytes le(uint64_t value, size_t size = 8) { return testing::le_bytes(value, size); }

ModelOp element_op(OpCode code, Caller caller, int cpu, Bytes key, Bytes value = {}) {
  ModelOp op;
  op.code = code;
  op.caller = caller;
  op.cpu = cpu;
  op.key = std::move(key);
  op.value = std::move(value);
  return op;
}

CreateRequest request(uint32_t type, uint32_t key_size, uint32_t value_size,
                      uint32_t max_entries, uint32_t flags = 0) {
  CreateRequest result;
  result.type = type;
  result.key_size = key_size;
  result.value_size = value_size;
  result.max_entries = max_entries;
  result.map_flags = flags;
  return result;
}

int create_rc(const CreateRequest& attr, int cpus = 2) {
  std::optional<MapModel> model;
  return create_map_model(attr, ModelOptions{cpus, 0}, &model);
}

// One model with u64 keys and u64 values (per CPU for per-CPU types), operated like the
// selftests operate a map: update/lookup/delete through the syscall on `cpu`, "program
// lookups" that set the reference bit.
class Fixture {
 public:
  Fixture(uint32_t type, uint32_t max_entries, uint32_t flags, int cpus = 2,
          uint32_t key_size = 8)
      : cpus_(cpus) {
    std::optional<MapModel> created;
    const int rc = create_map_model(request(type, key_size, 8, max_entries, flags),
                                    ModelOptions{cpus, 0}, &created);
    if (rc != 0) throw std::runtime_error("create failed: " + std::to_string(rc));
    model_.emplace(std::move(*created));
  }

  MapModel& model() { return *model_; }
  int cpus() const { return cpus_; }
  bool percpu() const { return model_->syscall_value_size() != 8; }
  Bytes key(uint64_t key) const { return le(key, model_->info().key_size); }

  // The syscall value: the same u64 in every CPU's slot.
  Bytes value_of(uint64_t value) const {
    Bytes bytes;
    for (int slot_cpu = 0; slot_cpu < (percpu() ? cpus_ : 1); ++slot_cpu) {
      const Bytes slot = le(value);
      bytes.insert(bytes.end(), slot.begin(), slot.end());
    }
    return bytes;
  }

  ModelResult run(OpCode code, uint64_t key, uint64_t flags = 0, Bytes value = {},
                  Caller caller = Caller::kSyscall) {
    ModelOp op;
    op.code = code;
    op.caller = caller;
    op.cpu = cpu;
    op.key = this->key(key);
    op.value = std::move(value);
    op.flags = flags;
    return model_->apply(op);
  }
  int update(uint64_t key, uint64_t value, uint64_t flags) {
    return run(OpCode::kUpdate, key, flags, value_of(value)).rc;
  }
  int lookup(uint64_t key, uint64_t* value = nullptr) {
    ModelResult result = run(OpCode::kLookup, key);
    if (result.rc == 0 && value != nullptr) *value = le_value(result.data);
    return result.rc;
  }
  int prog_lookup(uint64_t key) {
    return run(OpCode::kLookup, key, 0, {}, Caller::kProgram).rc;
  }
  int remove(uint64_t key) { return run(OpCode::kDelete, key).rc; }
  int lookup_and_delete(uint64_t key, uint64_t* value) {
    ModelResult result = run(OpCode::kLookupAndDelete, key);
    if (result.rc == 0) *value = le_value(result.data);
    return result.rc;
  }
  // get_next_key; `from` nullopt asks for the first key.
  int next_key(std::optional<uint64_t> from, uint64_t* next) {
    ModelOp op;
    op.code = OpCode::kGetNextKey;
    op.cpu = cpu;
    if (from) op.key = key(*from);
    ModelResult result = model_->apply(op);
    if (result.rc == 0) *next = le_value(result.data);
    return result.rc;
  }
  // Every key in get_next_key order.
  std::vector<uint64_t> keys() {
    std::vector<uint64_t> keys;
    std::optional<uint64_t> at;
    uint64_t next = 0;
    while (next_key(at, &next) == 0) {
      keys.push_back(next);
      at = next;
    }
    return keys;
  }
  std::set<uint64_t> key_set() {
    std::vector<uint64_t> all = keys();
    return std::set<uint64_t>(all.begin(), all.end());
  }

  int cpu = 0;  ///< the CPU the next op runs on

 private:
  int cpus_;
  std::optional<MapModel> model_;
};

std::set<uint64_t> range(uint64_t first, uint64_t last) {
  std::set<uint64_t> keys;
  for (uint64_t key = first; key <= last; ++key) keys.insert(key);
  return keys;
}

std::set<uint64_t> join(std::set<uint64_t> left, const std::set<uint64_t>& right) {
  left.insert(right.begin(), right.end());
  return left;
}

// ---- op scripts ----

using testing::env_number;
using testing::split_lines;

std::vector<std::string> run_script(const std::string& script, OpBackend& backend) {
  std::istringstream in(script);
  std::ostringstream out;
  run_op_script(in, out, backend);
  return split_lines(out.str());
}

// "" when both outputs are equal; else the first differing line of both.
std::string first_difference(const std::vector<std::string>& model,
                             const std::vector<std::string>& other, const std::string& name) {
  const size_t count = std::max(model.size(), other.size());
  for (size_t index = 0; index < count; ++index) {
    const std::string left = index < model.size() ? model[index] : "<none>";
    const std::string right = index < other.size() ? other[index] : "<none>";
    if (left == right) continue;
    return "first differing output line " + std::to_string(index) + ":\n  model: " + left +
           "\n  " + name + ": " + right;
  }
  return "";
}

std::string write_script(const std::string& script, const std::string& name) {
  const char* directory = std::getenv("MAPSIM_MODEL_DIR");
  const std::string path = (directory != nullptr && *directory != '\0')
                               ? std::string(directory) + "/" + name
                               : ::testing::TempDir() + name;
  std::ofstream(path) << script;
  return path;
}

constexpr uint32_t kModelledTypesForValues[] = {kTypeHash,        kTypePercpuHash,
                                                kTypeArray,       kTypePercpuArray,
                                                kTypeLruHash,     kTypeLruPercpuHash};

// ---------------------------------------------------------------------------------------------
// jhash (fact sheet 3.3).

TEST(ReferenceJhashTest, MatchesTheFactSheetVectors) {
  EXPECT_EQ(reference_key_hash(Bytes{1, 0, 0, 0}, 0), 0x72a82a9bu);
  EXPECT_EQ(reference_key_hash(Bytes{'a', 'b', 'c'}, 0), 0x0e397631u);
}

// On little-endian hosts jhash2 over the words equals jhash over the bytes; every length runs
// through the 12-byte loop and each tail size.
TEST(ReferenceJhashTest, Jhash2EqualsJhashOverTheSameBytes) {
  for (size_t words = 1; words <= 10; ++words) {
    Bytes bytes(words * 4);
    std::vector<uint32_t> values;
    for (size_t at = 0; at < bytes.size(); ++at) bytes[at] = static_cast<unsigned char>(at * 37);
    for (size_t at = 0; at < bytes.size(); at += 4) {
      values.push_back(static_cast<uint32_t>(le_value(Bytes(bytes.begin() + at,
                                                            bytes.begin() + at + 4))));
    }
    EXPECT_EQ(reference_jhash2(values, 7), reference_jhash(bytes, 7)) << words << " words";
  }
}

// ---------------------------------------------------------------------------------------------
// MAP_CREATE (fact sheet 2.2, 3.1, 5.1), each case one check.

struct CreateCase {
  const char* what;
  CreateRequest attr;
  int rc;
};

TEST(ReferenceCreateTest, ChecksInTheKernelsOrder) {
  CreateRequest bad_name = request(kTypeHash, 4, 8, 4);
  bad_name.name = "a-b";
  CreateRequest name15 = request(kTypeHash, 4, 8, 4);
  name15.name = "fifteen_chars_x";
  CreateRequest name16 = request(kTypeHash, 4, 8, 4);
  name16.name = "sixteen_chars_xx";
  CreateRequest dotted = request(kTypeHash, 4, 8, 4);
  dotted.name = ".data_x";
  CreateRequest big_value_bad_name = request(kTypeHash, 4, 4194256 - 4, 4);
  big_value_bad_name.name = "a-b";
  CreateRequest lru_no_prealloc_bad_name = request(kTypeLruHash, 4, 8, 4, kNoPrealloc);
  lru_no_prealloc_bad_name.name = "a-b";
  CreateRequest map_extra = request(kTypeHash, 4, 8, 4);
  map_extra.map_extra = 1;
  CreateRequest numa_one = request(kTypeHash, 4, 8, 4, kNumaNode);
  numa_one.numa_node = 1;
  const CreateCase cases[] = {
      {"plain HASH", request(kTypeHash, 4, 8, 4), 0},
      {"type 0", request(0, 4, 8, 4), kEINVAL},
      {"type 99", request(99, 4, 8, 4), kEINVAL},
      {"map_extra on HASH", map_extra, kEINVAL},
      {"RDONLY|WRONLY", request(kTypeHash, 4, 8, 4, kRdonly | kWronly), kEINVAL},
      {"NUMA node 1", numa_one, kEINVAL},
      {"NUMA node 0", request(kTypeHash, 4, 8, 4, kNumaNode), 0},
      {"HASH + CLONE", request(kTypeHash, 4, 8, 4, 1u << 9), kEINVAL},
      {"HASH + RDONLY_PROG|WRONLY_PROG", request(kTypeHash, 4, 8, 4, kRdonlyProg | kWronlyProg),
       kEINVAL},
      {"HASH + NO_COMMON_LRU", request(kTypeHash, 4, 8, 4, kNoCommonLru), kEINVAL},
      {"LRU + NO_PREALLOC", request(kTypeLruHash, 4, 8, 4, kNoPrealloc), kENOTSUPP},
      {"PERCPU_HASH + NUMA", request(kTypePercpuHash, 4, 8, 4, kNumaNode), kEINVAL},
      {"LRU + NUMA + NO_COMMON_LRU", request(kTypeLruHash, 4, 8, 4, kNumaNode | kNoCommonLru),
       kEINVAL},
      {"key_size 0", request(kTypeHash, 0, 8, 4), kEINVAL},
      {"max_entries 0", request(kTypeLruHash, 4, 8, 0), kEINVAL},
      {"key+value 4194255", request(kTypeHash, 4, 4194251, 1, kNoPrealloc), 0},
      {"key+value 4194256", request(kTypeHash, 4, 4194252, 1), kE2BIG},
      {"per-CPU value 32768", request(kTypePercpuHash, 4, 32768, 1), 0},
      {"per-CPU value 32769", request(kTypeLruPercpuHash, 4, 32769, 1), kE2BIG},
      {"2^27 entries", request(kTypeHash, 4, 8, 1u << 27, kNoPrealloc), 0},
      {"2^27+1 entries", request(kTypeHash, 4, 8, (1u << 27) + 1, kNoPrealloc), kE2BIG},
      {"2^31+1 entries", request(kTypeHash, 4, 8, (1u << 31) + 1, kNoPrealloc), kE2BIG},
      {"name a-b", bad_name, kEINVAL},
      {"name of 15 characters", name15, 0},
      {"name of 16 characters", name16, kEINVAL},
      {"name .data_x", dotted, 0},
      {"bad name loses to E2BIG", big_value_bad_name, kE2BIG},
      {"bad name loses to ENOTSUPP", lru_no_prealloc_bad_name, kENOTSUPP},
      {"TOKEN_FD without a token", request(kTypeHash, 4, 8, 4, kTokenFd), kEINVAL},
      {"TOKEN_FD loses to alloc_check", request(kTypeHash, 0, 8, 4, kTokenFd), kEINVAL},
      {"ARRAY key_size 8", request(kTypeArray, 8, 8, 4), kEINVAL},
      {"ARRAY + NO_PREALLOC", request(kTypeArray, 4, 8, 4, kNoPrealloc), kEINVAL},
      {"ARRAY + ZERO_SEED", request(kTypeArray, 4, 8, 4, kZeroSeed), kEINVAL},
      {"ARRAY + MMAPABLE", request(kTypeArray, 4, 8, 4, kMmapable), 0},
      {"PERCPU_ARRAY + MMAPABLE", request(kTypePercpuArray, 4, 8, 4, kMmapable), kEINVAL},
      {"ARRAY + PRESERVE_ELEMS", request(kTypeArray, 4, 8, 4, kPreserveElems), kEINVAL},
      {"ARRAY value 2^31", request(kTypeArray, 4, 1u << 31, 1), kE2BIG},
      {"PERCPU_ARRAY value 32769", request(kTypePercpuArray, 4, 32769, 1), kE2BIG},
      {"RINGBUF (no model)", request(27, 0, 0, 4096), kNotModelled},
  };
  for (const CreateCase& test : cases) EXPECT_EQ(create_rc(test.attr), test.rc) << test.what;
}

TEST(ReferenceCreateTest, ReportsEffectiveAttributes) {
  // NO_COMMON_LRU rounds max_entries up to a multiple of the CPUs (2 here): 1->2, 3->4, 5->6;
  // common LRU and other types keep theirs. RDONLY/WRONLY are the fd's, not stored.
  const std::pair<CreateRequest, uint32_t> cases[] = {
      {request(kTypeLruHash, 4, 8, 1, kNoCommonLru), 2},
      {request(kTypeLruHash, 4, 8, 3, kNoCommonLru), 4},
      {request(kTypeLruPercpuHash, 4, 8, 5, kNoCommonLru), 6},
      {request(kTypeLruHash, 4, 8, 3), 3},
      {request(kTypeArray, 4, 8, 5), 5},
  };
  for (const auto& [attr, max_entries] : cases) {
    std::optional<MapModel> model;
    ASSERT_EQ(create_map_model(attr, ModelOptions{2, 0}, &model), 0);
    EXPECT_EQ(model->info().max_entries, max_entries);
  }
  std::optional<MapModel> model;
  ASSERT_EQ(create_map_model(request(kTypeHash, 4, 8, 4, kRdonly | kNoPrealloc | kZeroSeed),
                             ModelOptions{2, 0}, &model),
            0);
  EXPECT_EQ(model->info().map_flags, 0x41u);
  // 0xffffffff entries with NO_COMMON_LRU: rounding up wraps, so it rounds down, then E2BIG.
  EXPECT_EQ(create_rc(request(kTypeLruHash, 4, 8, 0xffffffffu, kNoCommonLru)), kE2BIG);
}

// ---------------------------------------------------------------------------------------------
// HASH and PERCPU_HASH: test_maps.c (fact sheet 9.2) and the facts of 3.4-3.12.

class ReferenceHashTest : public ::testing::TestWithParam<uint32_t> {};

// test_hashmap: max_entries 2, run with and without preallocation as test_maps does.
TEST_P(ReferenceHashTest, SelftestHashmap) {
  Fixture map(kTypeHash, 2, kZeroSeed | GetParam());
  EXPECT_EQ(map.update(1, 1234, kUpdateAny), 0);
  EXPECT_EQ(map.update(1, 1234, kUpdateNoExist), kEEXIST);
  EXPECT_EQ(map.update(1, 1234, ~uint64_t{0}), kEINVAL);
  uint64_t value = 0;
  EXPECT_EQ(map.lookup(1, &value), 0);
  EXPECT_EQ(value, 1234u);
  EXPECT_EQ(map.update(2, 1234, kUpdateAny), 0);
  EXPECT_EQ(map.lookup_and_delete(2, &value), 0);
  EXPECT_EQ(value, 1234u);
  EXPECT_EQ(map.lookup(2), kENOENT);
  EXPECT_EQ(map.update(2, 1234, kUpdateExist), kENOENT);
  EXPECT_EQ(map.update(2, 1234, kUpdateNoExist), 0);
  EXPECT_EQ(map.update(0, 1234, kUpdateNoExist), kE2BIG);  // full
  EXPECT_EQ(map.update(1, 1, kUpdateExist), 0);            // replacing works while full
  EXPECT_EQ(map.update(2, 2, kUpdateAny), 0);
  EXPECT_EQ(map.update(3, 1234, kUpdateNoExist), kE2BIG);
  EXPECT_EQ(map.remove(0), kENOENT);
  uint64_t first = 0, second = 0, from_missing = 0;
  ASSERT_EQ(map.next_key(std::nullopt, &first), 0);
  EXPECT_TRUE(first == 1 || first == 2);
  ASSERT_EQ(map.next_key(0, &from_missing), 0);  // a missing key restarts
  EXPECT_EQ(from_missing, first);
  ASSERT_EQ(map.next_key(first, &second), 0);
  EXPECT_EQ(first + second, 3u);
  EXPECT_EQ(map.next_key(second, &value), kENOENT);
  EXPECT_EQ(map.remove(1), 0);
  EXPECT_EQ(map.remove(2), 0);
  EXPECT_EQ(map.remove(1), kENOENT);
  EXPECT_EQ(map.next_key(std::nullopt, &value), kENOENT);
  EXPECT_EQ(map.next_key(0, &value), kENOENT);
}

// test_hashmap_percpu: per-CPU values through the syscall, in place updates, full map.
TEST_P(ReferenceHashTest, SelftestHashmapPercpu) {
  Fixture map(kTypePercpuHash, 2, kZeroSeed | GetParam(), 4);
  Bytes values;  // CPU i holds 100 + i
  for (int cpu = 0; cpu < 4; ++cpu) {
    const Bytes slot = le(100 + static_cast<uint64_t>(cpu));
    values.insert(values.end(), slot.begin(), slot.end());
  }
  EXPECT_EQ(map.run(OpCode::kUpdate, 1, kUpdateAny, values).rc, 0);
  ModelResult taken = map.run(OpCode::kLookupAndDelete, 1);
  EXPECT_EQ(taken.rc, 0);
  EXPECT_EQ(taken.data, values);
  EXPECT_EQ(map.run(OpCode::kUpdate, 1, kUpdateNoExist, values).rc, 0);
  EXPECT_EQ(map.run(OpCode::kUpdate, 1, kUpdateNoExist, values).rc, kEEXIST);
  EXPECT_EQ(map.run(OpCode::kUpdate, 1, ~uint64_t{0}, values).rc, kEINVAL);
  EXPECT_EQ(map.run(OpCode::kLookup, 1).data, values);
  EXPECT_EQ(map.run(OpCode::kUpdate, 2, kUpdateExist, values).rc, kENOENT);
  EXPECT_EQ(map.run(OpCode::kUpdate, 2, kUpdateNoExist, values).rc, 0);
  EXPECT_EQ(map.run(OpCode::kUpdate, 0, kUpdateNoExist, values).rc, kE2BIG);
  EXPECT_EQ(map.remove(0), kENOENT);
  EXPECT_EQ(map.key_set(), (std::set<uint64_t>{1, 2}));
  EXPECT_EQ(map.run(OpCode::kUpdate, 1, kUpdateExist, values).rc, 0);
  EXPECT_EQ(map.remove(1), 0);
  EXPECT_EQ(map.remove(2), 0);
  EXPECT_EQ(map.keys(), std::vector<uint64_t>{});
}

// test_hashmap_walk (smaller): the walk asks for the next key before it updates the current
// one with BPF_EXIST (which moves it to the head of its bucket), and so visits every key once.
// Asking after the update revisits: the moved key's successor is its bucket's old head.
TEST_P(ReferenceHashTest, WalkWhileUpdatingVisitsEveryKeyOnce) {
  constexpr uint64_t kEntries = 1000;
  Fixture map(kTypeHash, kEntries, kZeroSeed | GetParam());
  for (uint64_t key = 0; key < kEntries; ++key) ASSERT_EQ(map.update(key, key, kUpdateAny), 0);
  std::set<uint64_t> visited;
  uint64_t key = 0;
  ASSERT_EQ(map.next_key(std::nullopt, &key), 0);
  for (bool more = true; more;) {
    uint64_t next = 0;
    more = map.next_key(key, &next) == 0;
    ASSERT_TRUE(visited.insert(key).second) << "visited twice: " << key;
    ASSERT_EQ(map.update(key, key + 1, kUpdateExist), 0);
    key = next;
  }
  EXPECT_EQ(visited.size(), kEntries);
  // The other way round: some key's successor after its move is a key already visited.
  uint64_t revisits = 0;
  visited.clear();
  std::optional<uint64_t> at;
  for (uint64_t steps = 0; map.next_key(at, &key) == 0 && steps < 3 * kEntries; ++steps) {
    revisits += !visited.insert(key).second;
    ASSERT_EQ(map.update(key, key, kUpdateExist), 0);
    at = key;
  }
  EXPECT_GT(revisits, 0u);
}

INSTANTIATE_TEST_SUITE_P(PreallocAndNot, ReferenceHashTest, ::testing::Values(0u, kNoPrealloc),
                         [](const auto& test_info) {
                           return test_info.param == 0 ? "Prealloc" : "NoPrealloc";
                         });

// Iteration order (3.4): buckets upward, newest first in a bucket; a replaced HASH key moves to
// the head of its bucket, a replaced PERCPU_HASH key keeps its place. The buckets come from the
// model's own jhash, written independently of impl/jhash (and of the kernel-recorded scripts,
// which ReferenceScriptsTest checks).
TEST(ReferenceHashOrderTest, BucketsUpwardNewestFirstAndReplaceMovesToFront) {
  for (uint32_t type : {kTypeHash, kTypePercpuHash}) {
    Fixture map(type, 8, kZeroSeed, 2, 4);
    std::map<uint32_t, std::vector<uint64_t>> buckets;  // expected chains, head first
    for (uint64_t key : {4, 2, 1, 13, 5, 6, 9, 3}) {
      ASSERT_EQ(map.update(key, key, kUpdateNoExist), 0);
      auto& chain = buckets[reference_key_hash(le(key, 4), 0) & 7];
      chain.insert(chain.begin(), key);
    }
    ASSERT_EQ(map.update(4, 40, kUpdateExist), 0);
    ASSERT_EQ(map.update(1, 10, kUpdateExist), 0);
    if (type == kTypeHash) {
      for (uint64_t replaced : {4, 1}) {
        auto& chain = buckets[reference_key_hash(le(replaced, 4), 0) & 7];
        chain.erase(std::find(chain.begin(), chain.end(), replaced));
        chain.insert(chain.begin(), replaced);
      }
    }
    std::vector<uint64_t> expected;
    for (const auto& [bucket, chain] : buckets) {
      expected.insert(expected.end(), chain.begin(), chain.end());
    }
    EXPECT_EQ(map.keys(), expected) << "type " << type;
  }
}

// 3.12 and 3.5: a PERCPU_HASH program insert reuses the element a delete freed on the same CPU;
// value_size bytes of its slot are written, value_size bytes of the others zeroed, and the
// padding shows the previous key's bytes (tests/data/diff/percpu-hash-prog-update-padding).
TEST(ReferencePercpuTest, ProgramInsertKeepsTheFreedElementsPadding) {
  for (uint32_t flags : {kZeroSeed, kZeroSeed | kNoPrealloc}) {
    std::optional<MapModel> model;
    ASSERT_EQ(create_map_model(request(kTypePercpuHash, 4, 2, 4, flags), {2, 0}, &model), 0);
    ModelOp op;
    op.code = OpCode::kUpdate;
    op.key = le(1, 4);
    op.value = Bytes{0x11, 0x11, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
                     0x22, 0x22, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb};
    ASSERT_EQ(model->apply(op).rc, 0);
    op.code = OpCode::kDelete;
    ASSERT_EQ(model->apply(op).rc, 0);
    op = element_op(OpCode::kUpdate, Caller::kProgram, 0, le(2, 4), Bytes{0x33, 0x33});
    ASSERT_EQ(model->apply(op).rc, 0);
    op = element_op(OpCode::kLookup, Caller::kSyscall, 0, le(2, 4));
    EXPECT_EQ(model->apply(op).data, (Bytes{0x33, 0x33, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
                                            0x00, 0x00, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb}))
        << "flags " << flags;
  }
}

// Preallocated PERCPU_HASH: an insert on a CPU whose free list is empty takes from the next
// CPUs; which element it gets shows through the padding of the slots.
TEST(ReferencePercpuTest, PreallocatedInsertsTakeOtherCpusElementsInWrapAroundOrder) {
  // 4 elements on 2 CPUs: CPU 0 holds elements 0 and 1 (1 on top), CPU 1 holds 2 and 3.
  std::optional<MapModel> model;
  ASSERT_EQ(create_map_model(request(kTypePercpuHash, 4, 4, 4, kZeroSeed), {2, 0}, &model), 0);
  auto syscall_update = [&](uint64_t key, unsigned char fill) {
    ModelOp op = element_op(OpCode::kUpdate, Caller::kSyscall, 0, le(key, 4), Bytes(16, fill));
    return model->apply(op).rc;
  };
  // Mark elements by their padding: keys 1..4 inserted on CPU 0 take elements 1, 0, 3, 2.
  for (uint64_t key = 1; key <= 4; ++key) {
    ASSERT_EQ(syscall_update(key, static_cast<unsigned char>(key)), 0);
  }
  // Delete keys 3 and 1 on CPU 1: CPU 1's free list is then [element 3, element 1 (top)].
  for (uint64_t key : {3, 1}) {
    ASSERT_EQ(model->apply(element_op(OpCode::kDelete, Caller::kSyscall, 1, le(key, 4))).rc,
              0);
  }
  // Two program inserts on CPU 0 (its list is empty) get element 1, then element 3.
  for (uint64_t key : {7, 8}) {
    ModelOp op = element_op(OpCode::kUpdate, Caller::kProgram, 0, le(key, 4), Bytes{9, 9, 9, 9});
    ASSERT_EQ(model->apply(op).rc, 0);
  }
  auto padding_of = [&](uint64_t key) {
    return model->apply(element_op(OpCode::kLookup, Caller::kSyscall, 0, le(key, 4)))
        .data[4];
  };
  EXPECT_EQ(padding_of(7), 1);  // key 1's element
  EXPECT_EQ(padding_of(8), 3);  // key 3's element
}

// lookup_and_delete_batch frees a bucket's elements after unlocking it, the chain's last key
// first (6.18, since v6.13). 2 CPUs, 2 preallocated elements (one per CPU's free list); keys 1
// and 4 share bucket 1 of 2, so the chain is [4, 1]; the batch on CPU 0 frees 1's element,
// then 4's, which ends on top of CPU 0's list: the next program insert there shows 4's padding.
// Observed on 6.18.44: key 2 reads 22222222bbbbbbbb00000000bbbbbbbb.
TEST(ReferencePercpuTest, LookupAndDeleteBatchFreesABucketLastFirst) {
  std::optional<MapModel> model;
  ASSERT_EQ(create_map_model(request(kTypePercpuHash, 4, 4, 2, kZeroSeed), {2, 0}, &model), 0);
  const Bytes value_of_1 = {0x11, 0x11, 0x11, 0x11, 0xaa, 0xaa, 0xaa, 0xaa,
                            0x11, 0x11, 0x11, 0x11, 0xaa, 0xaa, 0xaa, 0xaa};
  const Bytes value_of_4 = {0x44, 0x44, 0x44, 0x44, 0xbb, 0xbb, 0xbb, 0xbb,
                            0x44, 0x44, 0x44, 0x44, 0xbb, 0xbb, 0xbb, 0xbb};
  ASSERT_EQ(model->apply(element_op(OpCode::kUpdate, Caller::kSyscall, 0, le(1, 4), value_of_1))
                .rc, 0);
  ASSERT_EQ(model->apply(element_op(OpCode::kUpdate, Caller::kSyscall, 1, le(4, 4), value_of_4))
                .rc, 0);
  ModelOp batch;
  batch.code = OpCode::kLookupAndDeleteBatch;
  batch.count = 8;
  const ModelResult taken = model->apply(batch);
  EXPECT_EQ(taken.rc, kENOENT);
  EXPECT_EQ(taken.keys, (std::vector<Bytes>{le(4, 4), le(1, 4)}));
  EXPECT_EQ(taken.out_batch, le(2, 4));
  ASSERT_EQ(model->apply(element_op(OpCode::kUpdate, Caller::kProgram, 0, le(2, 4),
                                    Bytes{0x22, 0x22, 0x22, 0x22})).rc, 0);
  EXPECT_EQ(model->apply(element_op(OpCode::kLookup, Caller::kSyscall, 0, le(2, 4))).data,
            (Bytes{0x22, 0x22, 0x22, 0x22, 0xbb, 0xbb, 0xbb, 0xbb,
                   0x00, 0x00, 0x00, 0x00, 0xbb, 0xbb, 0xbb, 0xbb}));
}

// ---------------------------------------------------------------------------------------------
// ARRAY and PERCPU_ARRAY: test_arraymap(_percpu) (fact sheet 9.2, 5.2).

TEST(ReferenceArrayTest, SelftestArraymap) {
  for (uint32_t type : {kTypeArray, kTypePercpuArray}) {
    Fixture map(type, 2, 0, 2, 4);
    EXPECT_EQ(map.update(1, 1234, kUpdateAny), 0);
    EXPECT_EQ(map.update(1, 1234, kUpdateNoExist), kEEXIST);
    uint64_t value = 1;
    EXPECT_EQ(map.lookup(0, &value), 0);
    EXPECT_EQ(value, 0u);  // never written: zeros
    EXPECT_EQ(map.lookup(1, &value), 0);
    EXPECT_EQ(value, 1234u);
    EXPECT_EQ(map.update(2, 1, kUpdateExist), kE2BIG);
    EXPECT_EQ(map.lookup(2), kENOENT);
    uint64_t next = 9;
    EXPECT_EQ(map.next_key(std::nullopt, &next), 0);
    EXPECT_EQ(next, 0u);
    EXPECT_EQ(map.next_key(2, &next), 0);  // out of range restarts at 0
    EXPECT_EQ(next, 0u);
    EXPECT_EQ(map.next_key(0, &next), 0);
    EXPECT_EQ(next, 1u);
    EXPECT_EQ(map.next_key(1, &next), kENOENT);
    EXPECT_EQ(map.remove(0), kEINVAL);
    EXPECT_EQ(map.remove(5), kEINVAL);
    EXPECT_EQ(map.run(OpCode::kLookupAndDelete, 1).rc, kENOTSUPP);
  }
}

// The program path checks the index and NOEXIST before BPF_F_LOCK; the syscall rejects
// BPF_F_LOCK first, and PERCPU_ARRAY's syscall path treats it as one more unknown flag.
TEST(ReferenceArrayTest, LockFlagLosesToIndexAndNoexistOnlyInPrograms) {
  Fixture map(kTypeArray, 2, 0, 2, 4);
  const Bytes value = le(5);
  EXPECT_EQ(map.run(OpCode::kUpdate, 7, kElemLock, value, Caller::kProgram).rc, kE2BIG);
  EXPECT_EQ(map.run(OpCode::kUpdate, 1, kElemLock | kUpdateNoExist, value, Caller::kProgram).rc,
            kEEXIST);
  EXPECT_EQ(map.run(OpCode::kUpdate, 1, kElemLock, value, Caller::kProgram).rc, kEINVAL);
  EXPECT_EQ(map.run(OpCode::kUpdate, 7, kElemLock, value).rc, kEINVAL);
}

TEST(ReferenceArrayTest, PercpuProgramUpdateWritesOnlyItsCpusValueBytes) {
  std::optional<MapModel> model;
  ASSERT_EQ(create_map_model(request(kTypePercpuArray, 4, 3, 2), {2, 0}, &model), 0);
  ModelOp op = element_op(OpCode::kUpdate, Caller::kSyscall, 0, le(1, 4), Bytes(16, 0xee));
  ASSERT_EQ(model->apply(op).rc, 0);
  op = element_op(OpCode::kUpdate, Caller::kProgram, 1, le(1, 4), Bytes{1, 2, 3});
  ASSERT_EQ(model->apply(op).rc, 0);
  op = element_op(OpCode::kLookup, Caller::kSyscall, 0, le(1, 4));
  EXPECT_EQ(model->apply(op).data, (Bytes{0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
                                          1, 2, 3, 0xee, 0xee, 0xee, 0xee, 0xee}));
  op.caller = Caller::kProgram;
  op.cpu = 1;
  EXPECT_EQ(model->apply(op).data, (Bytes{1, 2, 3}));
}

// BPF_F_NO_PREALLOC PERCPU_HASH: freed per-CPU areas go to the freeing CPU's cache (LIFO, at
// most 3; a 4th free trims it to 2 by dropping the most recently freed), inserts take from it
// without zeroing (impl/internal/percpu_area_cache.h). 2 CPUs, value_size 4: keys 1..4 are
// written with their number in every byte (padding too) and deleted on CPU 0 (3 is dropped by
// the trim, 2 too); program inserts of 10..13 on CPU 0 get 4's area, 1's, then fresh ones.
TEST(ReferencePercpuTest, NoPreallocAreasRecycleThroughTheFreeingCpusCache) {
  std::string script =
      "{\"map\":{\"type\":\"percpu_hash\",\"key_size\":4,\"value_size\":4,"
      "\"max_entries\":8,\"flags\":\"BPF_F_NO_PREALLOC|BPF_F_ZERO_SEED\"}}\n";
  for (uint64_t key = 1; key <= 4; ++key) {
    script += "{\"op\":\"update\",\"key\":\"" + hex_from_bytes(le(key, 4)) +
              "\",\"value\":\"" + hex_from_bytes(Bytes(16, static_cast<unsigned char>(key))) +
              "\"}\n";
  }
  for (uint64_t key = 1; key <= 4; ++key) {
    script += "{\"op\":\"delete\",\"key\":\"" + hex_from_bytes(le(key, 4)) + "\"}\n";
  }
  for (uint64_t key = 10; key <= 13; ++key) {
    script += "{\"op\":\"update\",\"via\":\"prog\",\"key\":\"" +
              hex_from_bytes(le(key, 4)) + "\",\"value\":\"99999999\"}\n";
    script += "{\"op\":\"lookup\",\"key\":\"" + hex_from_bytes(le(key, 4)) + "\"}\n";
  }
  ReferenceBackend model(2);
  SimulatedBackend sim(2);
  const std::vector<std::string> lines = run_script(script, model);
  EXPECT_EQ(first_difference(lines, run_script(script, sim), "sim"), "");
  const char* const expected[] = {"99999999040404040000000004040404",
                                  "99999999010101010000000001010101",
                                  "99999999000000000000000000000000",
                                  "99999999000000000000000000000000"};
  for (size_t index = 0; index < 4; ++index) {
    const std::string& line = lines[lines.size() - 7 + 2 * index];
    EXPECT_NE(line.find(expected[index]), std::string::npos) << line;
  }
}

// ---------------------------------------------------------------------------------------------
// LRU_HASH and LRU_PERCPU_HASH: test_lru_map.c sanity0..8 (fact sheet 9.1), run for both types
// x {common LRU, BPF_F_NO_COMMON_LRU} x {1, 2, 4} possible CPUs, all ops on CPU 0 unless a
// test says otherwise. tgt_free is the selftest's: 128 for the common LRU, 4 per-CPU.

struct LruCase {
  uint32_t type;
  uint32_t flags;
  int cpus;
};

class ReferenceLruSanityTest : public ::testing::TestWithParam<LruCase> {
 protected:
  bool percpu_lru() const { return (GetParam().flags & kNoCommonLru) != 0; }
  uint64_t tgt_free() const { return percpu_lru() ? 4 : 128; }
  int cpus() const { return GetParam().cpus; }
  Fixture make(uint32_t max_entries) const {
    return Fixture(GetParam().type, max_entries, GetParam().flags | kZeroSeed, cpus());
  }
  // Inserts keys first..last with BPF_NOEXIST; every insert must succeed.
  static void insert(Fixture& map, uint64_t first, uint64_t last, uint64_t value = 1234) {
    for (uint64_t key = first; key <= last; ++key) {
      ASSERT_EQ(map.update(key, value, kUpdateNoExist), 0) << "key " << key;
    }
  }
  // Program lookups of first..last; every key must be there.
  static void reference(Fixture& map, uint64_t first, uint64_t last) {
    for (uint64_t key = first; key <= last; ++key) {
      ASSERT_EQ(map.prog_lookup(key), 0) << "key " << key;
    }
  }
  // Every check_invariants() of the model's LRU holds.
  static void expect_lru_consistent(Fixture& map) {
    const auto& lru_map = std::get<LruHashModel>(map.model().family());
    std::string failure;
    EXPECT_TRUE(lru_map.lru().check_invariants(&failure)) << failure;
  }
};

// Size 2: insert 1 and 2, reference 1, insert 3 => 2 is evicted.
TEST_P(ReferenceLruSanityTest, Sanity0EvictsTheUnreferencedKey) {
  Fixture map = make(percpu_lru() ? 2 * cpus() : 2);
  EXPECT_EQ(map.update(1, 1234, kUpdateNoExist), 0);
  EXPECT_EQ(map.update(1, 1234, kUpdateNoExist), kEEXIST);
  EXPECT_EQ(map.update(1, 1234, ~uint64_t{0}), kEINVAL);
  EXPECT_EQ(map.lookup(2), kENOENT);
  EXPECT_EQ(map.update(2, 1234, kUpdateExist), kENOENT);
  EXPECT_EQ(map.update(2, 1234, kUpdateNoExist), 0);
  EXPECT_EQ(map.lookup(3), kENOENT);
  EXPECT_EQ(map.prog_lookup(1), 0);
  EXPECT_EQ(map.update(3, 1234, kUpdateNoExist), 0);
  EXPECT_EQ(map.lookup(2), kENOENT);
  uint64_t value = 0;
  EXPECT_EQ(map.lookup_and_delete(1, &value), 0);
  EXPECT_EQ(value, 1234u);
  EXPECT_EQ(map.key_set(), (std::set<uint64_t>{3}));
  expect_lru_consistent(map);
}

// Common LRU, size 256 x cpus + 64: the 64 referenced keys survive 256 x cpus new inserts.
TEST_P(ReferenceLruSanityTest, Sanity1RecyclesUnreferencedKeysFirst) {
  if (percpu_lru()) GTEST_SKIP() << "common LRU only";
  const uint64_t batch = 256 * static_cast<uint64_t>(cpus());
  Fixture map = make(static_cast<uint32_t>(batch + 64));
  insert(map, 1, batch);
  reference(map, 1, 64);
  insert(map, batch + 1, 2 * batch);
  EXPECT_EQ(map.key_set(), join(range(1, 64), range(batch + 1, 2 * batch)));
  expect_lru_consistent(map);
}

// Common LRU: the pop comes before the existence check, so updating key 1 evicts key 1 itself.
TEST_P(ReferenceLruSanityTest, Sanity2EvictsTheOldestEvenForFailingUpdates) {
  if (percpu_lru()) GTEST_SKIP() << "common LRU only";
  const uint64_t batch = 256 * static_cast<uint64_t>(cpus());
  Fixture map = make(static_cast<uint32_t>(batch + 64));
  insert(map, 1, batch);
  if (GetParam().type == kTypeLruPercpuHash) {
    EXPECT_EQ(map.update(1, 1234, kUpdateNoExist), 0);
    EXPECT_EQ(map.remove(1), 0);
  } else {
    EXPECT_EQ(map.update(1, 1234, kUpdateExist), kENOENT);
  }
  for (uint64_t key = 1; key <= 64; ++key) {
    EXPECT_EQ(map.lookup(key), kENOENT);
    EXPECT_EQ(map.update(key, 4321, kUpdateNoExist), 0);
    EXPECT_EQ(map.prog_lookup(key), 0);
    uint64_t value = 0;
    EXPECT_EQ(map.lookup(key, &value), 0);
    EXPECT_EQ(value, 4321u);
  }
  insert(map, batch + 1, batch + 64);
  insert(map, batch + 65, 2 * batch + 64);
  EXPECT_EQ(map.key_set(), join(range(1, 64), range(batch + 65, 2 * batch + 64)));
  expect_lru_consistent(map);
}

// Common LRU, size 256: rotation keeps the referenced keys; exactly the unreferenced ones go.
TEST_P(ReferenceLruSanityTest, Sanity3ReplacesOnlyUnreferencedKeys) {
  if (percpu_lru()) GTEST_SKIP() << "common LRU only";
  const uint64_t unreferenced = (128 / static_cast<uint64_t>(cpus())) / 2;
  Fixture map = make(256);
  insert(map, 1, 256);
  reference(map, 1, 256 - unreferenced);
  insert(map, 257, 256 + unreferenced);
  EXPECT_EQ(map.key_set(), join(range(1, 256 - unreferenced), range(257, 256 + unreferenced)));
  expect_lru_consistent(map);
}

// Deleted keys' nodes are reused before anything is evicted.
TEST_P(ReferenceLruSanityTest, Sanity4DeletedKeysAreReusedFirst) {
  const uint64_t target = tgt_free();
  Fixture map = make(static_cast<uint32_t>(percpu_lru() ? 3 * target * cpus() : 3 * 256 * cpus()));
  insert(map, 1, 2 * target);
  EXPECT_EQ(map.update(1, 1234, kUpdateNoExist), kEEXIST);
  reference(map, 1, target);
  for (uint64_t key = target + 1; key <= 2 * target; ++key) {
    EXPECT_EQ(map.remove(key), 0);
    EXPECT_EQ(map.remove(key), kENOENT);
  }
  insert(map, 2 * target + 1, 4 * target);
  EXPECT_EQ(map.key_set(), join(range(1, target), range(2 * target + 1, 4 * target)));
  expect_lru_consistent(map);
}

// Common LRU, one element, used from every CPU in turn: each CPU steals the previous key.
TEST_P(ReferenceLruSanityTest, Sanity5OneElementMapMovesAcrossCpus) {
  if (percpu_lru()) GTEST_SKIP() << "common LRU only";
  Fixture map = make(1);
  EXPECT_EQ(map.update(0, 1234, kUpdateNoExist), 0);
  for (int cpu = 0; cpu < cpus(); ++cpu) {
    map.cpu = cpu;
    const uint64_t last = static_cast<uint64_t>(cpu);
    EXPECT_EQ(map.prog_lookup(last), 0) << "cpu " << cpu;
    EXPECT_EQ(map.update(last + 1, 1234, kUpdateNoExist), 0) << "cpu " << cpu;
    EXPECT_EQ(map.prog_lookup(last + 1), 0) << "cpu " << cpu;
    EXPECT_EQ(map.lookup(last), kENOENT) << "cpu " << cpu;
  }
  expect_lru_consistent(map);
}

// Per-CPU LRU, size 8 per CPU: keys referenced before every insert are never evicted.
TEST_P(ReferenceLruSanityTest, Sanity6PercpuRotationKeepsStickyKeys) {
  if (!percpu_lru()) GTEST_SKIP() << "per-CPU LRU only";
  Fixture map = make(static_cast<uint32_t>(2 * tgt_free() * cpus()));
  insert(map, 1, tgt_free());
  for (uint64_t key = tgt_free() + 1; key <= 2 * tgt_free(); ++key) {
    reference(map, 1, tgt_free());
    insert(map, key, key);
  }
  insert(map, 2 * tgt_free() + 1, 3 * tgt_free());
  EXPECT_EQ(map.key_set(), join(range(1, tgt_free()), range(2 * tgt_free() + 1, 3 * tgt_free())));
  expect_lru_consistent(map);
}

// A syscall lookup does not protect a key (sanity7), a program lookup does (sanity8).
TEST_P(ReferenceLruSanityTest, Sanity7And8OnlyProgramLookupsProtect) {
  for (bool program_looks_up_key_1 : {true, false}) {
    Fixture map = make(percpu_lru() ? 2 * cpus() : 2);
    insert(map, 1, 2);
    if (program_looks_up_key_1) {
      EXPECT_EQ(map.prog_lookup(1), 0);
      EXPECT_EQ(map.lookup(2), 0);
    } else {
      EXPECT_EQ(map.lookup(1), 0);
      EXPECT_EQ(map.prog_lookup(2), 0);
    }
    insert(map, 3, 3);
    const uint64_t survivor = program_looks_up_key_1 ? 1 : 2;
    EXPECT_EQ(map.key_set(), (std::set<uint64_t>{survivor, 3}));
    expect_lru_consistent(map);
  }
}

std::vector<LruCase> lru_cases() {
  std::vector<LruCase> cases;
  for (uint32_t type : {kTypeLruHash, kTypeLruPercpuHash}) {
    for (uint32_t flags : {0u, kNoCommonLru}) {
      for (int cpus : {1, 2, 4}) cases.push_back({type, flags, cpus});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(TypesListsAndCpus, ReferenceLruSanityTest,
                         ::testing::ValuesIn(lru_cases()), [](const auto& test_info) {
                           const LruCase& param = test_info.param;
                           return std::string(param.type == kTypeLruHash ? "LruHash"
                                                                          : "LruPercpuHash") +
                                  ((param.flags & kNoCommonLru) ? "PercpuLists" : "CommonList") +
                                  std::to_string(param.cpus) + "Cpus";
                         });

// ---------------------------------------------------------------------------------------------
// LRU facts of fact sheet 4.3, 4.7, 4.10.

// 2 CPUs, max_entries 1000, 1000 inserts from CPU 0: the 8th refill finds 104 free nodes and
// evicts 24 of the oldest keys, so 976 keys remain; the next insert brings the map to 977.
TEST(ReferenceLruTest, CommonLruEvictsBeforeTheMapIsFull) {
  Fixture map(kTypeLruHash, 1000, kZeroSeed, 2);
  for (uint64_t key = 1; key <= 1000; ++key) ASSERT_EQ(map.update(key, key, kUpdateAny), 0);
  EXPECT_EQ(map.keys().size(), 976u);
  EXPECT_EQ(map.lookup(24), kENOENT);
  EXPECT_EQ(map.lookup(25), 0);
  ASSERT_EQ(map.update(1001, 1, kUpdateAny), 0);
  EXPECT_EQ(map.keys().size(), 977u);
}

// NO_COMMON_LRU partitions capacity: max_entries 4 on 2 CPUs, 4 inserts from CPU 0 leave 2
// keys; 2 more from CPU 1 make 4.
TEST(ReferenceLruTest, PercpuListsPartitionTheCapacity) {
  Fixture map(kTypeLruHash, 4, kZeroSeed | kNoCommonLru, 2);
  for (uint64_t key = 1; key <= 4; ++key) ASSERT_EQ(map.update(key, key, kUpdateAny), 0);
  EXPECT_EQ(map.key_set(), (std::set<uint64_t>{3, 4}));
  map.cpu = 1;
  for (uint64_t key = 5; key <= 6; ++key) ASSERT_EQ(map.update(key, key, kUpdateAny), 0);
  EXPECT_EQ(map.key_set(), (std::set<uint64_t>{3, 4, 5, 6}));
}

// LRU_PERCPU_HASH pops nothing for BPF_EXIST: on a full common-LRU map it evicts nothing,
// while LRU_HASH's pop evicts the oldest key, the very key it updates (ENOENT).
TEST(ReferenceLruTest, ExistUpdateOfAFullMapEvictsOnlyOnLruHash) {
  for (uint32_t type : {kTypeLruHash, kTypeLruPercpuHash}) {
    Fixture map(type, 2, kZeroSeed, 2);
    ASSERT_EQ(map.update(1, 1, kUpdateAny), 0);
    ASSERT_EQ(map.update(2, 2, kUpdateAny), 0);
    const int rc = map.update(1, 10, kUpdateExist);
    if (type == kTypeLruHash) {
      EXPECT_EQ(rc, kENOENT);
      EXPECT_EQ(map.key_set(), (std::set<uint64_t>{2}));
    } else {
      EXPECT_EQ(rc, 0);
      EXPECT_EQ(map.key_set(), (std::set<uint64_t>{1, 2}));
    }
  }
}

// 6.18.44's llist LOCAL_FREE: a refill hands out the first node it took off the global FREE
// list first (tests/data/diff/lru-percpu-hash-local-free-order.jsonl): keys 1 and 2 are
// deleted (2's node at FREE's head), the next refill on CPU 0 takes 2's node, then 1's; key 9
// gets 2's node, key 10 gets 1's.
TEST(ReferenceLruTest, RefillHandsOutTheFirstNodeTakenFirst) {
  Fixture map(kTypeLruPercpuHash, 8, kZeroSeed, 2, 4);  // target_free 2
  for (uint64_t key = 1; key <= 4; ++key) ASSERT_EQ(map.update(key, key, kUpdateAny), 0);
  const auto& lru_map = std::get<LruHashModel>(map.model().family());
  const uint32_t node_of_1 = *lru_map.node_of_key(le(1, 4));
  const uint32_t node_of_2 = *lru_map.node_of_key(le(2, 4));
  ASSERT_EQ(map.remove(1), 0);
  ASSERT_EQ(map.remove(2), 0);
  EXPECT_EQ(lru_map.lru().list_nodes(LruListKind::kFree, 0).front(), node_of_2);
  for (uint64_t key : {9, 10}) {
    ASSERT_EQ(map.run(OpCode::kUpdate, key, 0, Bytes(8, 9), Caller::kProgram).rc, 0);
  }
  EXPECT_EQ(*lru_map.node_of_key(le(9, 4)), node_of_2);
  EXPECT_EQ(*lru_map.node_of_key(le(10, 4)), node_of_1);
}

// ---------------------------------------------------------------------------------------------
// DEVMAP and DEVMAP_HASH (fact sheet 6): values name devices of the caller's namespace.

Bytes devmap_value(uint32_t ifindex, int32_t program_fd) {
  Bytes value = le(ifindex, 4);
  const Bytes fd = le(static_cast<uint32_t>(program_fd), 4);
  value.insert(value.end(), fd.begin(), fd.end());
  return value;
}

TEST(ReferenceDevmapTest, ArraySlotsFollowTheKernelsChecks) {
  std::optional<MapModel> model;
  ASSERT_EQ(create_map_model(request(kTypeDevmap, 4, 8, 2), {2, 0}, &model), 0);
  EXPECT_EQ(model->info().map_flags, kRdonlyProg);  // added by the kernel
  auto update = [&](uint64_t key, Bytes value, uint64_t flags) {
    ModelOp op = element_op(OpCode::kUpdate, Caller::kSyscall, 0, le(key, 4), std::move(value));
    op.flags = flags;
    return model->apply(op).rc;
  };
  auto lookup = [&](uint64_t key) {
    return model->apply(element_op(OpCode::kLookup, Caller::kSyscall, 0, le(key, 4)));
  };
  EXPECT_EQ(lookup(0).rc, kENOENT);                                 // empty slot
  EXPECT_EQ(update(0, devmap_value(1, 0), kUpdateNoExist), kEEXIST);  // even when empty
  EXPECT_EQ(update(0, devmap_value(1, -1), kUpdateExist), 0);       // negative fd: none
  EXPECT_EQ(lookup(0).data, devmap_value(1, 0));                    // program id 0
  EXPECT_EQ(update(2, devmap_value(1, 0), kUpdateAny), kE2BIG);
  EXPECT_EQ(update(1, devmap_value(999, 0), kUpdateAny), kEINVAL);  // no such device
  EXPECT_EQ(update(1, devmap_value(1, 1), kUpdateAny), kEINVAL);    // fd 1 is no XDP program
  EXPECT_EQ(update(0, devmap_value(0, 1), kUpdateAny), kEINVAL);    // slot kept
  EXPECT_EQ(lookup(0).rc, 0);
  EXPECT_EQ(update(0, devmap_value(0, 0), kUpdateAny), 0);          // ifindex 0 empties it
  EXPECT_EQ(lookup(0).rc, kENOENT);
  model->set_devices({1, 3});
  EXPECT_EQ(update(1, devmap_value(3, 0), kUpdateAny), 0);
  EXPECT_EQ(model->apply(element_op(OpCode::kDelete, Caller::kSyscall, 0, le(0, 4))).rc, 0);
  EXPECT_EQ(model->apply(element_op(OpCode::kDelete, Caller::kSyscall, 0, le(2, 4))).rc,
            kEINVAL);
  EXPECT_TRUE(model->program_refused(OpCode::kUpdate));
  EXPECT_FALSE(model->program_refused(OpCode::kLookup));
}

// Inserted 9, 1, 17, 3 into 8 buckets (bucket = key & 7): order 17, 1, 9, 3. BPF_EXIST on a
// missing key inserts; a bad device is EINVAL even in a full map (checked before capacity).
TEST(ReferenceDevmapTest, HashBucketsAreTheKeysLowBits) {
  Fixture map(kTypeDevmapHash, 4, 0, 2, 4);
  map.model().set_devices({1});
  for (uint64_t key : {9, 1, 17}) {
    ASSERT_EQ(map.run(OpCode::kUpdate, key, kUpdateAny, devmap_value(1, 0)).rc, 0);
  }
  EXPECT_EQ(map.run(OpCode::kUpdate, 3, kUpdateExist, devmap_value(1, 0)).rc, 0);
  EXPECT_EQ(map.keys(), (std::vector<uint64_t>{17, 1, 9, 3}));
  EXPECT_EQ(map.run(OpCode::kUpdate, 5, kUpdateAny, devmap_value(7, 0)).rc, kEINVAL);
  EXPECT_EQ(map.run(OpCode::kUpdate, 5, kUpdateAny, devmap_value(1, 0)).rc, kE2BIG);
  EXPECT_EQ(map.run(OpCode::kUpdate, 1, kUpdateNoExist, devmap_value(1, 0)).rc, kEEXIST);
  EXPECT_EQ(map.run(OpCode::kUpdate, 9, kUpdateAny, devmap_value(0, 0)).rc, kEINVAL);
  EXPECT_EQ(map.remove(5), kENOENT);
  EXPECT_EQ(map.run(OpCode::kLookupAndDelete, 1).rc, kENOTSUPP);
}

TEST(ReferenceDevmapTest, CreationChecks) {
  EXPECT_EQ(create_rc(request(kTypeDevmap, 4, 4, 2)), 0);
  EXPECT_EQ(create_rc(request(kTypeDevmapHash, 4, 8, 2)), 0);
  EXPECT_EQ(create_rc(request(kTypeDevmap, 4, 6, 2)), kEINVAL);
  EXPECT_EQ(create_rc(request(kTypeDevmap, 8, 4, 2)), kEINVAL);
  EXPECT_EQ(create_rc(request(kTypeDevmap, 4, 4, 2, kRdonlyProg)), kEINVAL);
  EXPECT_EQ(create_rc(request(kTypeDevmapHash, 4, 4, 2, kNoPrealloc)), kEINVAL);
  EXPECT_EQ(create_rc(request(kTypeDevmapHash, 4, 4, (1u << 31) + 1)), kEINVAL);
}

// ---------------------------------------------------------------------------------------------
// BLOOM_FILTER (fact sheet 7).

TEST(ReferenceBloomTest, GeometryFollowsMaxEntriesAndHashCount) {
  struct Case {
    uint32_t max_entries;
    uint64_t map_extra;
    uint32_t hashes;
    uint64_t bits;
  };
  const Case cases[] = {
      {1, 0, 5, 64},                          // 5 x 1 / 5 x 7 = 7 -> at least 64
      {100, 0, 5, 1024},                      // 500 / 5 x 7 = 700 -> 1024
      {100, 3, 3, 512},                       // 300 / 5 x 7 = 420 -> 512
      {0x40000000, 4, 4, uint64_t{1} << 32},  // 2^32 overflows u32
      {0x7fffffff, 1, 1, uint64_t{1} << 32},  // 2^31 - 1 / 5 x 7 > 2^31
  };
  for (const Case& test : cases) {
    CreateRequest attr = request(kTypeBloomFilter, 0, 4, test.max_entries, kZeroSeed);
    attr.map_extra = test.map_extra;
    std::optional<MapModel> model;
    ASSERT_EQ(create_map_model(attr, {2, 0}, &model), 0);
    const auto& bloom = std::get<BloomModel>(model->family());
    EXPECT_EQ(bloom.hash_count(), test.hashes) << test.max_entries;
    EXPECT_EQ(bloom.bit_count(), test.bits) << test.max_entries;
  }
}

TEST(ReferenceBloomTest, PushAndPeek) {
  CreateRequest attr = request(kTypeBloomFilter, 0, 4, 10, kZeroSeed);
  EXPECT_EQ(create_rc([&] { CreateRequest bad = attr; bad.key_size = 4; return bad; }()),
            kEINVAL);
  EXPECT_EQ(create_rc([&] { CreateRequest bad = attr; bad.map_extra = 16; return bad; }()),
            kEINVAL);
  EXPECT_EQ(create_rc(request(kTypeBloomFilter, 0, 4194305, 10)), kE2BIG);
  std::optional<MapModel> model;
  ASSERT_EQ(create_map_model(attr, {2, 0}, &model), 0);
  ModelOp peek = element_op(OpCode::kLookup, Caller::kSyscall, 0, {}, le(7, 4));
  EXPECT_EQ(model->apply(peek).rc, kENOENT);
  ModelOp push = element_op(OpCode::kUpdate, Caller::kSyscall, 0, {}, le(7, 4));
  push.flags = kUpdateNoExist;
  EXPECT_EQ(model->apply(push).rc, kEINVAL);
  push.flags = kUpdateAny;
  EXPECT_EQ(model->apply(push).rc, 0);
  EXPECT_EQ(model->apply(peek).rc, 0);
  EXPECT_EQ(model->apply(peek).data, le(7, 4));  // the buffer comes back as it was
  EXPECT_EQ(model->apply(element_op(OpCode::kDelete, Caller::kSyscall, 0, {})).rc, kEOPNOTSUPP);
  EXPECT_EQ(model->apply(element_op(OpCode::kGetNextKey, Caller::kSyscall, 0, {})).rc,
            kEOPNOTSUPP);
  EXPECT_EQ(model->apply(element_op(OpCode::kLookupAndDelete, Caller::kSyscall, 0, {})).rc,
            kENOTSUPP);
  EXPECT_TRUE(model->program_refused(OpCode::kLookup));
}

// ---------------------------------------------------------------------------------------------
// LPM_TRIE (fact sheet 8; map_tests lpm_trie_map_basic_ops).

// An IPv4 LPM key: prefixlen, then the address bytes.
Bytes ipv4(uint32_t prefixlen, unsigned char a, unsigned char b, unsigned char c,
           unsigned char d) {
  Bytes key = le(prefixlen, 4);
  key.insert(key.end(), {a, b, c, d});
  return key;
}

class LpmFixture {
 public:
  explicit LpmFixture(uint32_t max_entries = 16) {
    EXPECT_EQ(create_map_model(request(kTypeLpmTrie, 8, 4, max_entries, kNoPrealloc), {2, 0},
                               &model_),
              0);
  }
  ModelResult run(OpCode code, std::optional<Bytes> key, uint64_t flags = 0, Bytes value = {}) {
    ModelOp op;
    op.code = code;
    op.key = std::move(key);
    op.flags = flags;
    op.value = std::move(value);
    return model_->apply(op);
  }
  int update(const Bytes& key, uint64_t value, uint64_t flags = kUpdateAny) {
    return run(OpCode::kUpdate, key, flags, le(value, 4)).rc;
  }
  // The value a lookup finds, or -1 for ENOENT.
  int64_t lookup(const Bytes& key) {
    ModelResult result = run(OpCode::kLookup, key);
    return result.rc == 0 ? static_cast<int64_t>(le_value(result.data)) : -1;
  }
  std::vector<Bytes> keys() {
    std::vector<Bytes> keys;
    std::optional<Bytes> at;
    for (ModelResult next = run(OpCode::kGetNextKey, at); next.rc == 0;
         next = run(OpCode::kGetNextKey, at)) {
      keys.push_back(next.data);
      at = next.data;
    }
    return keys;
  }

 private:
  std::optional<MapModel> model_;
};

TEST(ReferenceLpmTest, LookupIsLongestPrefixMatch) {
  LpmFixture trie;
  ASSERT_EQ(trie.update(ipv4(8, 10, 0, 0, 0), 8), 0);
  ASSERT_EQ(trie.update(ipv4(16, 10, 1, 0, 0), 16), 0);
  EXPECT_EQ(trie.lookup(ipv4(32, 10, 1, 2, 3)), 16);
  EXPECT_EQ(trie.lookup(ipv4(32, 10, 2, 0, 0)), 8);
  EXPECT_EQ(trie.lookup(ipv4(12, 10, 1, 0, 0)), 8);
  EXPECT_EQ(trie.lookup(ipv4(32, 11, 0, 0, 0)), -1);
  EXPECT_EQ(trie.lookup(ipv4(33, 10, 1, 2, 3)), -1);  // past max_prefixlen
  // Bits after the prefix are stored: the latest update's come back from get_next_key.
  ASSERT_EQ(trie.update(ipv4(16, 10, 1, 99, 5), 17, kUpdateExist), 0);
  EXPECT_EQ(trie.keys(), (std::vector<Bytes>{ipv4(16, 10, 1, 99, 5), ipv4(8, 10, 0, 0, 0)}));
}

// The selftest's post-order: more specific first, child 0 before child 1; a key that is not in
// the trie restarts at the first.
TEST(ReferenceLpmTest, GetNextKeyWalksPostOrder) {
  LpmFixture trie;
  const Bytes keys[] = {ipv4(16, 192, 168, 0, 0), ipv4(24, 192, 168, 0, 0),
                        ipv4(24, 192, 168, 1, 0), ipv4(28, 192, 168, 1, 128),
                        ipv4(24, 192, 168, 128, 0)};
  for (const Bytes& key : keys) ASSERT_EQ(trie.update(key, 1), 0);
  EXPECT_EQ(trie.keys(), (std::vector<Bytes>{keys[1], keys[3], keys[2], keys[4], keys[0]}));
  ModelResult restart = trie.run(OpCode::kGetNextKey, ipv4(22, 192, 168, 1, 0));
  EXPECT_EQ(restart.data, keys[1]);
  EXPECT_EQ(trie.run(OpCode::kGetNextKey, keys[0]).rc, kENOENT);
}

// The update-flag matrix and a full trie (3 entries): ENOSPC, not E2BIG.
TEST(ReferenceLpmTest, UpdateFlagsAndCapacity) {
  LpmFixture trie(3);
  EXPECT_EQ(trie.update(ipv4(8, 10, 0, 0, 0), 1, kUpdateNoExist | kUpdateExist), kEINVAL);
  EXPECT_EQ(trie.update(ipv4(8, 10, 0, 0, 0), 1, kUpdateExist), kENOENT);
  EXPECT_EQ(trie.update(ipv4(33, 10, 0, 0, 0), 1), kEINVAL);
  EXPECT_EQ(trie.update(ipv4(8, 10, 0, 0, 0), 1, kUpdateNoExist), 0);
  EXPECT_EQ(trie.update(ipv4(8, 10, 0, 0, 0), 1, kUpdateNoExist), kEEXIST);
  EXPECT_EQ(trie.update(ipv4(16, 10, 1, 0, 0), 2), 0);
  EXPECT_EQ(trie.update(ipv4(16, 10, 2, 0, 0), 3), 0);
  // 10.0.0.0/14 is only an intermediate node (between /8 and the two /16s) in the kernel trie.
  EXPECT_EQ(trie.update(ipv4(14, 10, 0, 0, 0), 4, kUpdateExist), kENOENT);
  EXPECT_EQ(trie.update(ipv4(24, 10, 3, 0, 0), 5), kENOSPC);
  EXPECT_EQ(trie.update(ipv4(16, 10, 2, 0, 0), 6, kUpdateExist), 0);
  EXPECT_EQ(trie.run(OpCode::kDelete, ipv4(14, 10, 0, 0, 0)).rc, kENOENT);
  EXPECT_EQ(trie.run(OpCode::kDelete, ipv4(33, 10, 0, 0, 0)).rc, kEINVAL);
  EXPECT_EQ(trie.run(OpCode::kDelete, ipv4(8, 10, 0, 0, 0)).rc, 0);
  EXPECT_EQ(trie.run(OpCode::kLookupAndDelete, ipv4(16, 10, 1, 0, 0)).rc, kENOTSUPP);
}

TEST(ReferenceLpmTest, CreationChecks) {
  EXPECT_EQ(create_rc(request(kTypeLpmTrie, 8, 4, 4, kNoPrealloc)), 0);
  EXPECT_EQ(create_rc(request(kTypeLpmTrie, 8, 4, 4)), kEINVAL);  // NO_PREALLOC mandatory
  EXPECT_EQ(create_rc(request(kTypeLpmTrie, 4, 4, 4, kNoPrealloc)), kEINVAL);
  EXPECT_EQ(create_rc(request(kTypeLpmTrie, 261, 4, 4, kNoPrealloc)), kEINVAL);
  EXPECT_EQ(create_rc(request(kTypeLpmTrie, 260, 4194024, 4, kNoPrealloc)), 0);
  EXPECT_EQ(create_rc(request(kTypeLpmTrie, 8, 4194025, 4, kNoPrealloc)), kEINVAL);
  EXPECT_EQ(create_rc(request(kTypeLpmTrie, 8, 4, 4, kNoPrealloc | kZeroSeed)), kEINVAL);
}

// ---------------------------------------------------------------------------------------------
// The model is a value: copies are independent, equal states compare and hash equal.

TEST(ReferenceModelValueTest, CopiesAreIndependentAndCompareByState) {
  for (uint32_t type : kModelledTypesForValues) {
    Fixture map(type, 4, type == kTypeArray || type == kTypePercpuArray ? 0 : kZeroSeed, 2, 4);
    ASSERT_EQ(map.update(1, 11, kUpdateAny), 0);
    MapModel copy = map.model();
    EXPECT_TRUE(copy == map.model());
    EXPECT_EQ(copy.hash(), map.model().hash());
    ASSERT_EQ(map.update(2, 22, kUpdateAny), 0);
    EXPECT_FALSE(copy == map.model()) << "type " << type;
    EXPECT_NE(copy.hash(), map.model().hash()) << "type " << type;
    ModelOp same = element_op(OpCode::kUpdate, Caller::kSyscall, 0, le(2, 4), map.value_of(22));
    EXPECT_EQ(copy.apply(same), result_of(0));
    EXPECT_TRUE(copy == map.model()) << "type " << type;
    EXPECT_EQ(copy.hash(), map.model().hash()) << "type " << type;
  }
}

// ---------------------------------------------------------------------------------------------
// (b) and (c): random op scripts through the model and another backend.

// The types the random script generator makes maps of.
constexpr uint32_t kGeneratedTypes[] = {
    kTypeHash,    kTypePercpuHash, kTypeArray,       kTypePercpuArray, kTypeLruHash,
    kTypeLruPercpuHash, kTypeDevmap, kTypeDevmapHash, kTypeBloomFilter, kTypeLpmTrie};
constexpr size_t kGeneratedTypeCount = std::size(kGeneratedTypes);

// Runs `scripts` seeded scripts on the model and on the backend `make_other(cpus)` makes;
// fails with SEED, the script's path and the first differing line for at most three
// mismatches. One backend per CPU count serves every script (a SimulatedBackend waits for RCU
// callbacks when it is destroyed, which would dominate the run time).
template <class MakeBackend>
void compare_random_scripts(const std::string& label, uint64_t scripts,
                            const std::vector<int>& cpu_counts, MakeBackend make_other) {
  std::map<int, std::unique_ptr<OpBackend>> others;
  const uint64_t first_seed = env_number("MAPSIM_MODEL_SEED", 1);
  std::cout << "[ SEED     ] MAPSIM_MODEL_SEED=" << first_seed << " scripts=" << scripts
            << " against=" << label << std::endl;
  int mismatches = 0;
  uint64_t successes = 0;
  std::chrono::steady_clock::duration model_time{};
  std::chrono::steady_clock::duration other_time{};
  for (uint64_t seed = first_seed; seed < first_seed + scripts && mismatches < 3; ++seed) {
    RandomScriptOptions options;
    // One type per script, and every (kGeneratedTypeCount + 1)-th script mixes them all.
    options.map_types.assign(std::begin(kGeneratedTypes), std::end(kGeneratedTypes));
    const uint64_t pick = seed % (kGeneratedTypeCount + 1);
    if (pick < kGeneratedTypeCount) options.map_types = {kGeneratedTypes[pick]};
    options.possible_cpus = cpu_counts[seed % cpu_counts.size()];
    const std::string script = random_op_script(seed, options);
    const auto model_start = std::chrono::steady_clock::now();
    ReferenceBackend model(options.possible_cpus);
    const std::vector<std::string> model_lines = run_script(script, model);
    const auto other_start = std::chrono::steady_clock::now();
    std::unique_ptr<OpBackend>& other = others[options.possible_cpus];
    if (other == nullptr) other = make_other(options.possible_cpus);
    const std::vector<std::string> other_lines = run_script(script, *other);
    model_time += other_start - model_start;
    other_time += std::chrono::steady_clock::now() - other_start;
    const std::string difference = first_difference(model_lines, other_lines, other->name());
    for (const std::string& line : model_lines) successes += line.find("\"rc\":0") != line.npos;
    if (difference.empty()) continue;
    ++mismatches;
    const std::string path = write_script(
        script, "mapsim-model-" + label + "-seed" + std::to_string(seed) + ".jsonl");
    ADD_FAILURE() << "SEED=" << seed << " possible_cpus=" << options.possible_cpus
                  << "\nscript: " << path << "\n" << difference
                  << "\nreproduce: mapsim exec --backend " << other->name() << " " << path;
  }
  EXPECT_GT(successes, scripts) << "the scripts hardly ever succeed";
  using Seconds = std::chrono::duration<double>;
  std::cout << "[ TIME     ] model " << Seconds(model_time).count() << " s, " << label << " "
            << Seconds(other_time).count() << " s" << std::endl;
}

// The ops of a generated script as model ops, per map id (maps whose creation the model
// accepts), in script order.
struct ScriptModels {
  std::map<std::string, MapModel> maps;
  std::vector<std::pair<std::string, ModelOp>> ops;
};

std::optional<OpCode> code_of(OpKind kind) {
  switch (kind) {
    case OpKind::kUpdate: return OpCode::kUpdate;
    case OpKind::kLookup: return OpCode::kLookup;
    case OpKind::kDelete: return OpCode::kDelete;
    case OpKind::kGetNextKey: return OpCode::kGetNextKey;
    case OpKind::kLookupAndDelete: return OpCode::kLookupAndDelete;
    case OpKind::kLookupBatch: return OpCode::kLookupBatch;
    case OpKind::kLookupAndDeleteBatch: return OpCode::kLookupAndDeleteBatch;
    case OpKind::kUpdateBatch: return OpCode::kUpdateBatch;
    case OpKind::kDeleteBatch: return OpCode::kDeleteBatch;
    default: return std::nullopt;  // dump and info are not map ops
  }
}

ModelOp model_op_of(OpCode code, const OpLine& line) {
  ModelOp op;
  op.code = code;
  op.caller = line.via == Via::kProgram ? Caller::kProgram : Caller::kSyscall;
  op.cpu = line.cpu;
  op.key = line.key;
  if (!op.key && code != OpCode::kGetNextKey && !is_batch(code)) op.key = Bytes{};
  op.value = line.value;
  op.flags = line.flags;
  op.in_batch = line.in_batch;
  op.count = line.count;
  op.keys = line.keys;
  op.values = line.values;
  op.elem_flags = line.elem_flags;
  return op;
}

ScriptModels models_of(const std::string& script, int cpus) {
  ScriptModels result;
  std::string current;
  int map_lines = 0;
  for (const std::string& text : split_lines(script)) {
    const ScriptLine line = parse_script_line(text);
    if (const auto* map = std::get_if<MapLine>(&line)) {
      current = map->id.value_or(std::to_string(map_lines));
      ++map_lines;
      std::optional<MapModel> model;
      const MapAttr& attr = map->attr;
      CreateRequest request{attr.map_type, attr.key_size,  attr.value_size, attr.max_entries,
                            attr.map_flags, attr.numa_node, attr.map_extra, attr.name};
      if (create_map_model(request, {cpus, 0}, &model) == 0) {
        result.maps.emplace(current, std::move(*model));
      }
      continue;
    }
    const auto* op = std::get_if<OpLine>(&line);
    const std::optional<OpCode> code = op == nullptr ? std::nullopt : code_of(op->kind);
    if (!code) continue;
    const std::string id = op->map_id.value_or(current);
    const auto map = result.maps.find(id);
    if (map == result.maps.end()) continue;
    if (op->via == Via::kProgram && map->second.program_refused(*code)) continue;
    result.ops.emplace_back(id, model_op_of(*code, *op));
  }
  return result;
}

// Determinism and the LRU's own bookkeeping on the ops of generated scripts: a copy of each map
// taken before the first op and a copy taken halfway, fed the same ops, answer the same and end
// equal with equal hashes; after every op on an LRU map every node is on exactly the list its
// state names.
TEST(ReferenceModelValueTest, CopiesFedTheSameOpsStayEqual) {
  uint64_t ops_applied = 0;
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    RandomScriptOptions options;
    options.map_types = {kGeneratedTypes[seed % kGeneratedTypeCount]};
    options.possible_cpus = 1 + static_cast<int>(seed % 4);
    ScriptModels models = models_of(random_op_script(seed, options), options.possible_cpus);
    std::map<std::string, MapModel> first = models.maps;
    std::map<std::string, MapModel> halfway;
    for (size_t index = 0; index < models.ops.size(); ++index) {
      if (index == models.ops.size() / 2) halfway = models.maps;
      const auto& [id, op] = models.ops[index];
      const ModelResult result = models.maps.at(id).apply(op);
      ASSERT_EQ(first.at(id).apply(op), result) << "SEED=" << seed << " op " << index;
      if (index >= models.ops.size() / 2) {
        ASSERT_EQ(halfway.at(id).apply(op), result) << "SEED=" << seed << " op " << index;
      }
      if (const auto* lru = std::get_if<LruHashModel>(&models.maps.at(id).family())) {
        std::string failure;
        ASSERT_TRUE(lru->lru().check_invariants(&failure)) << "SEED=" << seed << " " << failure;
      }
    }
    for (const auto& [id, model] : models.maps) {
      EXPECT_TRUE(first.at(id) == model) << "SEED=" << seed;
      EXPECT_EQ(first.at(id).hash(), model.hash()) << "SEED=" << seed;
      if (!halfway.empty()) {
        EXPECT_TRUE(halfway.at(id) == model) << "SEED=" << seed;
      }
    }
    ops_applied += models.ops.size();
  }
  EXPECT_GT(ops_applied, 150u * 50) << "the scripts hardly reach the models";
  std::cout << "[ OPS      ] " << ops_applied << std::endl;
}

// ---------------------------------------------------------------------------------------------
// Recorded scripts.

const std::filesystem::path kSourceDirectory = std::filesystem::path(MAPSIM_SOURCE_DIR) / "tests";

std::string read_text(const std::filesystem::path& path) {
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> jsonl_files(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The example scripts whose output was recorded on Linux 6.18.44 with 2 possible CPUs
// (scenarios/scripts/expected): the model prints exactly the kernel's lines.
TEST(ReferenceScriptsTest, ExampleScriptsPrintTheKernelsRecordedOutput) {
  const std::filesystem::path scripts = kSourceDirectory.parent_path() / "scenarios" / "scripts";
  const std::vector<std::filesystem::path> expected = jsonl_files(scripts / "expected");
  ASSERT_FALSE(expected.empty());
  for (const std::filesystem::path& recorded : expected) {
    ReferenceBackend model(2);
    const std::vector<std::string> lines =
        run_script(read_text(scripts / recorded.filename()), model);
    EXPECT_EQ(first_difference(lines, split_lines(read_text(recorded)), "kernel"), "")
        << recorded.filename();
  }
}

// scenarios/scripts/lru-premature-eviction.jsonl (64 possible CPUs): 126 free nodes idle on
// CPUs 1..63 while CPU 0 evicts; 140 inserts leave 130 keys, the first ten are gone.
TEST(ReferenceScriptsTest, PrematureEvictionOn64Cpus) {
  const std::filesystem::path script =
      kSourceDirectory.parent_path() / "scenarios" / "scripts" / "lru-premature-eviction.jsonl";
  ReferenceBackend model(64);
  const std::vector<std::string> lines = run_script(read_text(script), model);
  ASSERT_GE(lines.size(), 12u);
  EXPECT_NE(lines.back().find("\"count\":130,"), std::string::npos) << lines.back();
  for (size_t back = 2; back <= 12; ++back) {  // the lookups of 0x1000 .. 0x1009, then 0x100a
    const std::string& line = lines[lines.size() - back];
    const bool present = back == 2;
    EXPECT_NE(line.find(present ? "\"rc\":0" : "\"rc\":-2"), std::string::npos) << line;
  }
}

// The reproducers of simulator/kernel mismatches (tests/data/diff): the model prints the live
// kernel's lines (where bpf() is permitted; they were recorded on 2 possible CPUs).
TEST(ReferenceScriptsTest, RecordedReproducersAgreeWithTheKernel) {
  std::string why;
  if (KernelBackend::probe(&why) != 0) GTEST_SKIP() << "bpf() not usable here: " << why;
  const std::vector<std::filesystem::path> files = jsonl_files(kSourceDirectory / "data" / "diff");
  ASSERT_FALSE(files.empty());
  for (const std::filesystem::path& file : files) {
    KernelBackend kernel;
    ReferenceBackend model(kernel.possible_cpus());
    const std::string script = read_text(file);
    EXPECT_EQ(first_difference(run_script(script, model), run_script(script, kernel), "kernel"),
              "")
        << file.filename();
  }
}

TEST(ReferenceModelAgainstSimulationTest, RandomScriptsAgreeLineByLine) {
  compare_random_scripts("sim", env_number("MAPSIM_MODEL_SCRIPTS", 1500), {1, 2, 3, 4},
                         [](int cpus) { return std::make_unique<SimulatedBackend>(cpus); });
}

// Canary (STYLE G11): a model whose program lookups act like syscall lookups (no LRU reference
// bit) must disagree with the simulated maps on some generated LRU_HASH script; otherwise the
// comparison could not tell the one thing program lookups exist for.
class NoReferenceBitMap : public testing::ForwardingBackendMap {
 public:
  using ForwardingBackendMap::ForwardingBackendMap;
  int lookup(Via via, int cpu, const Bytes& key, uint64_t flags, Bytes* value) override {
    if (via == Via::kSyscall) return inner().lookup(via, cpu, key, flags, value);
    const int rc = inner().lookup(Via::kSyscall, cpu, key, flags, value);
    if (rc == 0) value->resize(info().value_size);  // a program sees value_size bytes
    return rc;
  }
};

TEST(ReferenceModelAgainstSimulationTest, CanaryWithoutReferenceBitIsCaught) {
  constexpr uint64_t kSeedsMax = 200;
  RandomScriptOptions options;
  options.map_types = {kTypeLruHash};
  options.possible_cpus = 2;
  SimulatedBackend sim(2);
  uint64_t caught_at = 0;
  for (uint64_t seed = 1; seed <= kSeedsMax && caught_at == 0; ++seed) {
    const std::string script = random_op_script(seed, options);
    // The model, every map wrapped in the mutant.
    testing::WrappingBackend<NoReferenceBitMap> mutant("model-without-reference-bit",
                                                       std::make_unique<ReferenceBackend>(2));
    if (!first_difference(run_script(script, mutant), run_script(script, sim), "sim").empty()) {
      caught_at = seed;
    }
  }
  EXPECT_NE(caught_at, 0u) << "no LRU_HASH script among " << kSeedsMax
                           << " tells a program lookup from a syscall lookup";
  std::cout << "[ CANARY   ] caught by seed " << caught_at << std::endl;
}

// One script named by MAPSIM_MODEL_SCRIPT (the path a mismatch printed), on
// MAPSIM_MODEL_CPUS possible CPUs (default 2), through the model and the simulated backend;
// the outputs go to <script>.model and <script>.sim. Skipped when the variable is not set.
TEST(ReferenceModelAgainstSimulationTest, NamedScriptAgrees) {
  const char* path = std::getenv("MAPSIM_MODEL_SCRIPT");
  if (path == nullptr || *path == '\0') GTEST_SKIP() << "MAPSIM_MODEL_SCRIPT is not set";
  std::stringstream script;
  script << std::ifstream(path).rdbuf();
  const int cpus = static_cast<int>(env_number("MAPSIM_MODEL_CPUS", 2));
  ReferenceBackend model(cpus);
  SimulatedBackend sim(cpus);
  const std::vector<std::string> model_lines = run_script(script.str(), model);
  const std::vector<std::string> sim_lines = run_script(script.str(), sim);
  std::ofstream model_out(std::string(path) + ".model");
  for (const std::string& line : model_lines) model_out << line << "\n";
  std::ofstream sim_out(std::string(path) + ".sim");
  for (const std::string& line : sim_lines) sim_out << line << "\n";
  EXPECT_EQ(first_difference(model_lines, sim_lines, "sim"), "");
}

TEST(ReferenceModelAgainstKernelTest, RandomScriptsAgreeLineByLine) {
  std::string why;
  if (KernelBackend::probe(&why) != 0) GTEST_SKIP() << "bpf() not usable here: " << why;
  const int cpus = KernelBackend().possible_cpus();
  compare_random_scripts("kernel", env_number("MAPSIM_MODEL_KERNEL_SCRIPTS", 60), {cpus},
                         [](int) { return std::make_unique<KernelBackend>(); });
}

}  // namespace
}  // namespace mapsim::reference
