// The cost of creating a large LRU map: BPF_MAP_CREATE of an LRU_HASH map with 1M entries on a
// platform of 512 possible CPUs (a large server), common LRU or per-CPU lists. Requirement:
// under 2 s and under 1 GiB per creation.
//
// Time: manual time around create_map() alone (the platform's construction, the check that the
// map works and the destruction are not timed). Memory, as counters (bytes, 1024-based):
//   bytes_in_use   RealPlatform::bytes_in_use() right after creation: every block the map
//                  holds, headers included (a fresh platform per iteration, so nothing else)
//   rss_growth     resident set growth of the process across the creation (pages touched)
//   peak_rss       the process's peak resident set so far (getrusage ru_maxrss); run these rows
//                  first, before the other rows' maps exist, for it to be the creation's peak
#pragma once

#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>

#include "impl/create_map.h"
#include "impl/map.h"
#include "impl/real_platform.h"
#include "impl/uapi.h"

namespace mapsim::bench {

inline constexpr int kLargeMapPossibleCpus = 512;
inline constexpr uint32_t kLargeMapEntries = 1u << 20;

// Resident bytes of this process now (/proc/self/statm), or 0 if unreadable.
inline double resident_bytes() {
  std::FILE* file = std::fopen("/proc/self/statm", "r");
  if (file == nullptr) return 0;
  unsigned long total_pages = 0;
  unsigned long resident_pages = 0;
  const bool read = std::fscanf(file, "%lu %lu", &total_pages, &resident_pages) == 2;
  std::fclose(file);
  return read ? double(resident_pages) * double(sysconf(_SC_PAGESIZE)) : 0;
}

inline double peak_resident_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) * 1024;  // ru_maxrss is in KiB on Linux
}

// A created map must work: a key inserted from CPU 0 is found with its value.
inline bool large_map_works(Map& map) {
  const uint32_t key = kLargeMapEntries + 7;
  const uint64_t value = 0x1122334455667788;
  uint64_t read = 0;
  return map.update_elem(&key, &value, bpf::kNoExist) == 0 && map.lookup_elem(&key, &read) == 0 &&
         read == value;
}

inline void bench_lru_create_large(benchmark::State& state, uint32_t map_flags) {
  MapAttr attr;
  attr.map_type = bpf::kMapLruHash;
  attr.key_size = sizeof(uint32_t);
  attr.value_size = sizeof(uint64_t);
  attr.max_entries = kLargeMapEntries;
  attr.map_flags = map_flags;
  double bytes_in_use = 0;
  double rss_growth = 0;
  for (auto _ : state) {
    RealPlatform platform(kLargeMapPossibleCpus);
    RealPlatform::CpuBinding binding(platform, 0);
    std::unique_ptr<Map> map;
    const double rss_before = resident_bytes();
    const auto start = std::chrono::steady_clock::now();
    const int rc = create_map(platform, attr, &map);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    rss_growth = resident_bytes() - rss_before;
    bytes_in_use = double(platform.bytes_in_use());
    if (rc != 0 || map->max_entries() != kLargeMapEntries || !large_map_works(*map)) {
      state.SkipWithError(rc != 0 ? "create_map failed" : "the created map does not work");
      break;
    }
    state.SetIterationTime(elapsed.count());
  }
  using benchmark::Counter;
  state.counters["bytes_in_use"] = Counter(bytes_in_use, Counter::kDefaults, Counter::kIs1024);
  state.counters["rss_growth"] = Counter(rss_growth, Counter::kDefaults, Counter::kIs1024);
  state.counters["peak_rss"] =
      Counter(peak_resident_bytes(), Counter::kDefaults, Counter::kIs1024);
}

}  // namespace mapsim::bench
