// measure_lru_fill_curve(): the real LRU map on RealPlatform, filled key by key.
#include "viz/lru_fill_curve.h"

#include <algorithm>
#include <memory>

#include "impl/create_map.h"
#include "impl/real_platform.h"
#include "impl/uapi.h"

namespace mapsim::viz {
namespace {

uint64_t count_keys(Map& map) {
  uint32_t key = 0;
  uint32_t next = 0;
  uint64_t count = 0;
  for (int error = map.get_next_key(nullptr, &next); error == 0;
       error = map.get_next_key(&key, &next)) {
    ++count;
    key = next;
  }
  return count;
}

std::string validate(const LruFillConfig& config) {
  if (config.possible_cpus < 1 || config.possible_cpus > RealPlatform::kMaxPossibleCpus) {
    return "possible_cpus must be in [1, " + std::to_string(RealPlatform::kMaxPossibleCpus) +
           "], got " + std::to_string(config.possible_cpus);
  }
  if (config.inserting_cpus < 0 || config.inserting_cpus > config.possible_cpus) {
    return "inserting_cpus must be in [0, possible_cpus], got " +
           std::to_string(config.inserting_cpus);
  }
  if (config.max_entries == 0) return "max_entries must be at least 1";
  if (config.samples_max == 0) return "samples_max must be at least 1";
  return "";
}

}  // namespace

std::string LruFillCurve::describe() const {
  const int inserting = config.inserting_cpus == 0 ? config.possible_cpus : config.inserting_cpus;
  std::string text = config.percpu_hash ? "LRU_PERCPU_HASH" : "LRU_HASH";
  text += config.percpu_lists ? " (per-CPU lists)" : " (common LRU)";
  text += " max_entries=" + std::to_string(config.max_entries) + ", " +
          std::to_string(config.possible_cpus) + " possible CPUs, inserts from ";
  text += inserting == 1 ? "CPU 0" : "CPUs 0-" + std::to_string(inserting - 1) + " round-robin";
  return text;
}

LruFillCurve measure_lru_fill_curve(const LruFillConfig& config) {
  LruFillCurve curve;
  curve.config = config;
  if (std::string problem = validate(config); !problem.empty()) {
    curve.error = "fill curve: " + problem;
    return curve;
  }
  RealPlatform platform(config.possible_cpus);
  MapAttr attr;
  attr.map_type = config.percpu_hash ? bpf::kMapLruPercpuHash : bpf::kMapLruHash;
  attr.key_size = 4;
  attr.value_size = 8;
  attr.max_entries = config.max_entries;
  attr.map_flags = bpf::kFZeroSeed | (config.percpu_lists ? bpf::kFNoCommonLru : 0);
  std::unique_ptr<Map> map;
  const RealPlatform::CpuBinding outer(platform, 0);  // one RCU registration for the whole run
  if (int error = create_map(platform, attr, &map); error != 0) {
    curve.error = "fill curve: map creation failed with " + std::to_string(error);
    return curve;
  }
  curve.capacity = map->max_entries();
  const int inserting = config.inserting_cpus == 0 ? config.possible_cpus : config.inserting_cpus;
  const uint64_t inserts = config.inserts != 0 ? config.inserts : 2 * uint64_t{curve.capacity};
  curve.sample_stride = std::max<uint64_t>(1, (inserts + config.samples_max - 1) /
                                                  config.samples_max);
  std::vector<uint64_t> value(map->syscall_value_size() / 8 + 1, 0);
  curve.points.emplace_back(0, 0);
  for (uint64_t inserted = 1; inserted <= inserts; ++inserted) {
    const uint32_t key = static_cast<uint32_t>(inserted - 1);
    value[0] = key;
    {
      const RealPlatform::CpuBinding binding(platform, static_cast<int>(key % inserting));
      if (map->update_elem(&key, value.data(), bpf::kAny) != 0) ++curve.failed_inserts;
    }
    if (inserted % curve.sample_stride != 0 && inserted != inserts &&
        inserted != curve.capacity) {
      continue;
    }
    const uint64_t retained = count_keys(*map);
    curve.points.emplace_back(inserted, retained);
    if (curve.first_premature_eviction == 0 &&
        retained < std::min<uint64_t>(inserted, curve.capacity)) {
      curve.first_premature_eviction = inserted;
    }
    if (inserted == curve.capacity) curve.retained_at_capacity = retained;
  }
  return curve;
}

}  // namespace mapsim::viz
