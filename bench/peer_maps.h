// The peers mapsim's maps are measured against, on the same workload: std::unordered_map under
// one std::mutex (what a userspace programmer writes first) and oneTBB's concurrent_hash_map (a
// production concurrent hash map with per-element locks).
//
// A peer plays a BPF map: lookup() returns a pointer to the live value and update() overwrites
// (or inserts) a key, the way the helpers bpf_map_lookup_elem / bpf_map_update_elem do. Per-CPU
// peers keep one value per CPU under each key, and both calls act on the caller's CPU's value.
// Returning a pointer past the lock mirrors the BPF contract (the value stays allocated), not a
// use a real program of these containers would make with concurrent deletes.
#pragma once

#include <tbb/concurrent_hash_map.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "bench/bench_workload.h"

namespace mapsim::bench {

// What a peer stores under a key: one value, or one per CPU.
template <size_t Size, bool kPerCpu>
using PeerStored = std::conditional_t<kPerCpu, std::vector<Value<Size>>, Value<Size>>;

template <size_t Size>
void* peer_slot(Value<Size>& stored, int) { return &stored; }

template <size_t Size>
void* peer_slot(std::vector<Value<Size>>& stored, int cpu) {
  return &stored[static_cast<size_t>(cpu)];
}

// A stored value for a new key, every CPU's slot holding fill_value(key).
template <size_t Size, bool kPerCpu>
PeerStored<Size, kPerCpu> peer_initial_value(uint32_t key, int possible_cpus) {
  Value<Size> value;
  fill_value(key, value.bytes, Size);
  if constexpr (kPerCpu) {
    return std::vector<Value<Size>>(static_cast<size_t>(possible_cpus), value);
  } else {
    return value;
  }
}

template <size_t Size, bool kPerCpu>
class MutexUnorderedMapPeer {
 public:
  using Stored = PeerStored<Size, kPerCpu>;

  static std::unique_ptr<MutexUnorderedMapPeer> create(const MapConfig& config,
                                                        int possible_cpus, std::string*) {
    auto peer = std::make_unique<MutexUnorderedMapPeer>(possible_cpus);
    peer->map_.reserve(config.entries);
    for (uint32_t key = 0; key < config.entries; ++key) {
      peer->map_.emplace(key, peer_initial_value<Size, kPerCpu>(key, possible_cpus));
    }
    return peer;
  }

  explicit MutexUnorderedMapPeer(int possible_cpus) : possible_cpus_(possible_cpus) {}

  void* lookup(uint32_t key, int cpu) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto found = map_.find(key);
    return found == map_.end() ? nullptr : peer_slot(found->second, cpu);
  }

  int update(uint32_t key, const void* value, int cpu) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto [position, inserted] = map_.try_emplace(key);
    if (inserted) position->second = peer_initial_value<Size, kPerCpu>(key, possible_cpus_);
    std::memcpy(peer_slot(position->second, cpu), value, Size);
    return 0;
  }

 private:
  int possible_cpus_;
  std::mutex mutex_;
  std::unordered_map<uint32_t, Stored> map_;
};

template <size_t Size, bool kPerCpu>
class TbbHashMapPeer {
 public:
  using Stored = PeerStored<Size, kPerCpu>;
  using Table = tbb::concurrent_hash_map<uint32_t, Stored>;

  static std::unique_ptr<TbbHashMapPeer> create(const MapConfig& config, int possible_cpus,
                                                 std::string*) {
    auto peer = std::make_unique<TbbHashMapPeer>(config.entries, possible_cpus);
    for (uint32_t key = 0; key < config.entries; ++key) {
      peer->map_.emplace(key, peer_initial_value<Size, kPerCpu>(key, possible_cpus));
    }
    return peer;
  }

  TbbHashMapPeer(uint32_t entries, int possible_cpus)
      : possible_cpus_(possible_cpus), map_(entries) {}

  void* lookup(uint32_t key, int cpu) {
    typename Table::const_accessor accessor;
    if (!map_.find(accessor, key)) return nullptr;
    return peer_slot(const_cast<Stored&>(accessor->second), cpu);
  }

  int update(uint32_t key, const void* value, int cpu) {
    typename Table::accessor accessor;  // the element's write lock
    if (map_.insert(accessor, key)) {
      accessor->second = peer_initial_value<Size, kPerCpu>(key, possible_cpus_);
    }
    std::memcpy(peer_slot(accessor->second, cpu), value, Size);
    return 0;
  }

 private:
  int possible_cpus_;
  Table map_;
};

}  // namespace mapsim::bench
