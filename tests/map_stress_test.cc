// Real threads on one map, each bound to its own CPU slot (RealPlatform): the maps must stay
// correct and free of data races. Runs in the ThreadSanitizer job (test names contain
// "RealThread").
//
// Each thread owns the keys congruent to its index, so it can predict every result of its own
// operations from a private model, except capacity (E2BIG), which depends on the others.
// Meanwhile get_next_key walks and lock-free lookups race with everything.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "impl/create_map.h"
#include "impl/real_platform.h"
#include "impl/uapi.h"

namespace mapsim {
namespace {

using namespace bpf;

constexpr int kThreads = 4;
constexpr int kOpsPerThread = 4000;

struct StressConfig {
  uint32_t type;
  uint32_t flags;
  uint32_t max_entries;
};

class MapStressTest : public ::testing::TestWithParam<StressConfig> {};

// Thread body: random ops on its own keys, checked against its own model.
void run_owner_thread(RealPlatform& platform, Map& map, int cpu,
                      std::map<uint32_t, uint64_t>* model) {
  RealPlatform::CpuBinding binding(platform, cpu);
  std::mt19937 random(1000 + cpu);
  const bool percpu = map.syscall_value_size() != map.value_size();
  const bool array = map.info().map_type == kMapArray || map.info().map_type == kMapPercpuArray;
  std::vector<unsigned char> buffer(map.syscall_value_size());
  for (int op = 0; op < kOpsPerThread; ++op) {
    const uint32_t key = static_cast<uint32_t>(random() % 64) * kThreads + cpu;
    const uint64_t value = random();
    switch (random() % 5) {
      case 0: {  // update
        for (size_t offset = 0; offset < buffer.size(); offset += 8) {
          std::memcpy(&buffer[offset], &value, 8);
        }
        int rc = map.update_elem(&key, buffer.data(), kAny);
        if (array && key >= map.max_entries()) {
          ASSERT_EQ(rc, kE2BIG);
        } else if (rc == 0) {
          (*model)[key] = value;
        } else {
          ASSERT_EQ(rc, kE2BIG);
          ASSERT_EQ(model->count(key), 0u);
        }
        break;
      }
      case 1: {  // syscall lookup
        int rc = map.lookup_elem(&key, buffer.data());
        auto found = model->find(key);
        if (array) {
          ASSERT_EQ(rc, key < map.max_entries() ? 0 : kENOENT);
        } else {
          ASSERT_EQ(rc, found == model->end() ? kENOENT : 0);
        }
        if (rc == 0 && found != model->end()) {
          uint64_t seen;
          std::memcpy(&seen, buffer.data(), 8);
          ASSERT_EQ(seen, found->second);
        }
        break;
      }
      case 2: {  // delete
        int rc = map.delete_elem(&key);
        if (array) {
          ASSERT_EQ(rc, kEINVAL);
        } else {
          ASSERT_EQ(rc, model->erase(key) ? 0 : kENOENT);
        }
        break;
      }
      case 3: {  // program lookup: the live value of this CPU
        void* live = map.prog_lookup(&key);
        auto found = model->find(key);
        if (!array) {
          ASSERT_EQ(live != nullptr, found != model->end());
        }
        if (live != nullptr && found != model->end() && !percpu) {
          uint64_t seen;
          std::memcpy(&seen, live, 8);
          ASSERT_EQ(seen, found->second);
        }
        break;
      }
      default: {  // a short get_next_key walk racing with everyone's updates
        uint32_t current = 0;
        int rc = map.get_next_key(nullptr, &current);
        for (int step = 0; rc == 0 && step < 16; ++step) rc = map.get_next_key(&current, &current);
        ASSERT_TRUE(rc == 0 || rc == kENOENT) << rc;
      }
    }
  }
}

TEST_P(MapStressTest, RealThreadsKeepEveryOwnersModel) {
  const StressConfig config = GetParam();
  RealPlatform platform(kThreads);
  MapAttr attr{config.type, 4, 8, config.max_entries, config.flags, 0, 0, "stress"};
  std::unique_ptr<Map> map;
  {
    RealPlatform::CpuBinding binding(platform, 0);
    ASSERT_EQ(create_map(platform, attr, &map), 0);
  }
  std::vector<std::map<uint32_t, uint64_t>> models(kThreads);
  std::vector<std::thread> threads;
  for (int cpu = 0; cpu < kThreads; ++cpu) {
    threads.emplace_back(run_owner_thread, std::ref(platform), std::ref(*map), cpu, &models[cpu]);
  }
  for (std::thread& thread : threads) thread.join();

  const bool array = config.type == kMapArray || config.type == kMapPercpuArray;
  if (array) return;
  RealPlatform::CpuBinding binding(platform, 0);
  std::map<uint32_t, uint64_t> expected;
  for (const auto& model : models) expected.insert(model.begin(), model.end());
  std::map<uint32_t, bool> walked;
  uint32_t current = 0;
  for (int rc = map->get_next_key(nullptr, &current); rc == 0;
       rc = map->get_next_key(&current, &current)) {
    ASSERT_FALSE(walked[current]) << "key visited twice in a quiescent walk: " << current;
    walked[current] = true;
  }
  EXPECT_EQ(walked.size(), expected.size());
  for (const auto& [key, value] : expected) EXPECT_TRUE(walked.count(key)) << key;
}

INSTANTIATE_TEST_SUITE_P(
    HashAndArray, MapStressTest,
    ::testing::Values(StressConfig{kMapHash, 0, 128}, StressConfig{kMapHash, kFNoPrealloc, 128},
                      StressConfig{kMapHash, 0, 40},  // often full: E2BIG races
                      StressConfig{kMapPercpuHash, 0, 128},
                      StressConfig{kMapPercpuHash, kFNoPrealloc, 60},
                      StressConfig{kMapArray, 0, 200}, StressConfig{kMapPercpuArray, 0, 200}));

}  // namespace
}  // namespace mapsim
