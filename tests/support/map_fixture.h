// A map on RealPlatform, bound to one CPU of the calling thread, with integer-keyed helpers:
// the shape of the kernel selftests (u64 or u32 keys and values).
#pragma once

#include <memory>
#include <vector>

#include "impl/create_map.h"
#include "impl/real_platform.h"
#include "impl/uapi.h"
#include "tests/support/bytes.h"
#include "tests/support/map_attr.h"

namespace mapsim::testing {

class MapFixture {
 public:
  explicit MapFixture(int possible_cpus) : platform_(possible_cpus) {}

  RealPlatform& platform() { return platform_; }

  // Creates the map; returns create_map's result.
  int create(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
             uint32_t flags = bpf::kFZeroSeed, std::string name = "") {
    return create_map(platform_,
                      make_attr(type, key_size, value_size, max_entries, flags, std::move(name)),
                      &map_);
  }
  Map& map() { return *map_; }

  // Runs the following calls on `cpu`.
  void on_cpu(int cpu) {
    binding_.reset();
    binding_ = std::make_unique<RealPlatform::CpuBinding>(platform_, cpu);
  }

  Bytes key(uint64_t value) const { return le_bytes(value, map_->key_size()); }
  Bytes value(uint64_t value) const { return le_bytes(value, map_->value_size()); }

  int update(uint64_t key_value, uint64_t value, uint64_t flags = bpf::kAny) {
    return map_->update_elem(key(key_value).data(), this->value(value).data(), flags);
  }
  // Syscall lookup; *value gets the first 8 bytes (CPU 0's slot for per-CPU maps).
  int lookup(uint64_t key_value, uint64_t* value = nullptr) {
    Bytes out(map_->syscall_value_size());
    int rc = map_->lookup_elem(key(key_value).data(), out.data());
    if (rc == 0 && value != nullptr) *value = le_value(out);
    return rc;
  }
  int remove(uint64_t key_value) { return map_->delete_elem(key(key_value).data()); }
  int next_key(const uint64_t* key_value, uint64_t* next) {
    Bytes out(map_->key_size());
    int rc = key_value == nullptr ? map_->get_next_key(nullptr, out.data())
                                  : map_->get_next_key(key(*key_value).data(), out.data());
    if (rc == 0) *next = le_value(out);
    return rc;
  }
  // All keys in get_next_key order.
  std::vector<uint64_t> keys() {
    std::vector<uint64_t> result;
    uint64_t current = 0;
    for (int rc = next_key(nullptr, &current); rc == 0; rc = next_key(&current, &current)) {
      result.push_back(current);
    }
    return result;
  }
  bool prog_lookup(uint64_t key_value) {
    return map_->prog_lookup(key(key_value).data()) != nullptr;
  }

 private:
  RealPlatform platform_;
  std::unique_ptr<RealPlatform::CpuBinding> binding_ =
      std::make_unique<RealPlatform::CpuBinding>(platform_, 0);
  std::unique_ptr<Map> map_;
};

}  // namespace mapsim::testing
