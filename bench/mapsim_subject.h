// mapsim's own maps under benchmark: a map from create_map<RealPlatform>, filled with the keys
// 0 .. entries-1, driven through the program-side calls (what a BPF program does, and what the
// kernel's in-kernel costs measure) or the syscall-side calls (which copy values).
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_workload.h"
#include "impl/create_map.h"
#include "impl/map.h"
#include "impl/real_platform.h"
#include "impl/uapi.h"

namespace mapsim::bench {

// The platform every benchmark thread binds to (one CPU slot per thread). Never destroyed:
// benchmark maps live until the process exits.
inline RealPlatform& bench_platform(int possible_cpus) {
  static RealPlatform* platform = new RealPlatform(possible_cpus);
  return *platform;
}

inline uint32_t bpf_map_type_of(MapKind kind) {
  switch (kind) {
    case MapKind::kHash: return bpf::kMapHash;
    case MapKind::kPercpuHash: return bpf::kMapPercpuHash;
    case MapKind::kArray: return bpf::kMapArray;
  }
  return bpf::kMapUnspec;
}

class MapsimSubject {
 public:
  // REQUIRES: the calling thread is bound to a CPU slot of bench_platform().
  static std::unique_ptr<MapsimSubject> create(const MapConfig& config, int possible_cpus,
                                               std::string* error) {
    MapAttr attr;
    attr.map_type = bpf_map_type_of(config.kind);
    attr.key_size = sizeof(uint32_t);
    attr.value_size = config.value_size;
    attr.max_entries = config.entries;
    std::unique_ptr<Map> map;
    if (int rc = create_map(bench_platform(possible_cpus), attr, &map)) {
      *error = "create_map failed: " + std::to_string(rc);
      return nullptr;
    }
    auto subject = std::make_unique<MapsimSubject>(std::move(map));
    if (!subject->fill(config.entries, error)) return nullptr;
    return subject;
  }

  explicit MapsimSubject(std::unique_ptr<Map> map)
      : map_(std::move(map)), syscall_value_(map_->syscall_value_size()) {}

  void* lookup(uint32_t key, int) { return map_->prog_lookup(&key); }
  int update(uint32_t key, const void* value, int) {
    return map_->prog_update(&key, value, bpf::kAny);
  }
  int syscall_lookup(uint32_t key, void* value) { return map_->lookup_elem(&key, value); }
  int syscall_update(uint32_t key, const void* value) {
    return map_->update_elem(&key, value, bpf::kAny);
  }
  size_t syscall_value_size() const { return map_->syscall_value_size(); }

 private:
  // Every key gets fill_value(key) in every CPU's slot (syscall update), then is read back.
  bool fill(uint32_t entries, std::string* error) {
    const size_t slot_size = bpf::round_up(map_->value_size(), 8);
    const size_t slots = map_->syscall_value_size() / slot_size;
    std::vector<unsigned char> expected(map_->syscall_value_size());
    for (uint32_t key = 0; key < entries; ++key) {
      for (size_t slot = 0; slot < slots; ++slot) {
        fill_value(key, expected.data() + slot * slot_size, map_->value_size());
      }
      int rc = map_->update_elem(&key, expected.data(), bpf::kAny);
      if (rc == 0) rc = map_->lookup_elem(&key, syscall_value_.data());
      if (rc != 0 || syscall_value_ != expected) {
        *error = "filling key " + std::to_string(key) + " failed (rc " + std::to_string(rc) + ")";
        return false;
      }
    }
    return true;
  }

  std::unique_ptr<Map> map_;
  std::vector<unsigned char> syscall_value_;  // scratch for the read-back check
};

}  // namespace mapsim::bench
