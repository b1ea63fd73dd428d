// mapsim's LRU maps under benchmark: LRU_HASH / LRU_PERCPU_HASH from create_map<RealPlatform>
// with `kMapFlags` (0 or BPF_F_NO_COMMON_LRU), filled as bench/lru_workload.h plans, driven
// through the program-side calls (Map::prog_lookup sets the reference bit, as the helper does).
// The subject interface is bench/map_bench_harness.h's, so its bodies (bench_lookup_hit) run
// on it unchanged; `kRole` only keeps the lookup rows' map apart from the insert rows' map in
// shared_subject()'s cache.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_workload.h"
#include "bench/lru_workload.h"
#include "bench/mapsim_subject.h"
#include "impl/create_map.h"
#include "impl/map.h"
#include "impl/real_platform.h"
#include "impl/uapi.h"

namespace mapsim::bench {

template <uint32_t kMapFlags, LruRole kRole>
class MapsimLruSubject {
 public:
  // REQUIRES: the calling thread is bound to a CPU slot of bench_platform().
  static std::unique_ptr<MapsimLruSubject> create(const MapConfig& config, int possible_cpus,
                                                  std::string* error) {
    MapAttr attr;
    attr.map_type = lru_map_type(config.kind);
    attr.key_size = sizeof(uint32_t);
    attr.value_size = config.value_size;
    attr.max_entries = config.entries;
    attr.map_flags = kMapFlags;
    std::unique_ptr<Map> map;
    if (int rc = create_map(bench_platform(possible_cpus), attr, &map)) {
      *error = "create_map failed: " + std::to_string(rc);
      return nullptr;
    }
    if (map->max_entries() != config.entries) {
      *error = "max_entries was rounded to " + std::to_string(map->max_entries());
      return nullptr;
    }
    auto subject = std::unique_ptr<MapsimLruSubject>(
        new MapsimLruSubject(std::move(map), possible_cpus));
    if (!subject->fill(config.entries, possible_cpus, error)) return nullptr;
    return subject;
  }

  void* lookup(uint32_t key, int) { return map_->prog_lookup(&key); }
  int update(uint32_t key, const void* value, int) {
    return map_->prog_update(&key, value, bpf::kAny);
  }
  // How many new keys CPU slot `cpu` has inserted so far (lru_new_key's n). Only the thread
  // bound to that slot uses it.
  uint64_t& inserted_count(int cpu) { return inserted_counts_[static_cast<size_t>(cpu)].count; }

 private:
  struct alignas(64) InsertedCount {  // one cache line per CPU slot
    uint64_t count = 0;
  };

  MapsimLruSubject(std::unique_ptr<Map> map, int possible_cpus)
      : map_(std::move(map)), inserted_counts_(static_cast<size_t>(possible_cpus)) {}

  // Every key gets fill_value(key) in every CPU's slot, by a syscall update from the CPU the
  // plan names; then every key is read back, so that a key evicted by a later one is caught.
  bool fill(uint32_t entries, int possible_cpus, std::string* error) {
    for (int cpu = 0; cpu < possible_cpus; ++cpu) {
      RealPlatform::CpuBinding binding(bench_platform(possible_cpus), cpu);
      for (uint32_t key = 0; key < entries; ++key) {
        if (lru_fill_cpu(key, kMapFlags, possible_cpus) != cpu) continue;
        if (int rc = map_->update_elem(&key, expected_value(key).data(), bpf::kAny)) {
          *error = "filling key " + std::to_string(key) + " failed (rc " + std::to_string(rc) + ")";
          return false;
        }
      }
    }
    std::vector<unsigned char> actual(map_->syscall_value_size());
    for (uint32_t key = 0; key < entries; ++key) {
      if (map_->lookup_elem(&key, actual.data()) != 0 || actual != expected_value(key)) {
        *error = "key " + std::to_string(key) + " missing or wrong after the fill (evicted?)";
        return false;
      }
    }
    return true;
  }

  // What a syscall exchanges for `key` after the fill: fill_value(key) in every CPU's slot.
  std::vector<unsigned char> expected_value(uint32_t key) const {
    std::vector<unsigned char> value(map_->syscall_value_size());
    const size_t slot_size = bpf::round_up(map_->value_size(), 8);
    for (size_t slot = 0; slot < value.size() / slot_size; ++slot) {
      fill_value(key, value.data() + slot * slot_size, map_->value_size());
    }
    return value;
  }

  std::unique_ptr<Map> map_;
  std::vector<InsertedCount> inserted_counts_;
};

}  // namespace mapsim::bench
