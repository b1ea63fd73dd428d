// The workload shared by every map benchmark: which map, how full, which keys, and in what order.
//
// A map of `entries` slots (a power of two) holds the 4-byte keys 0 .. entries-1. Lookups that
// hit walk those keys in a scrambled order (i * odd constant mod entries, a full-period
// permutation), so consecutive operations touch unrelated buckets, as traffic through a BPF
// program does; misses walk entries .. 2*entries-1 the same way. Each thread starts at its own
// offset of the permutation. Computing the key costs one multiply and one mask, and no memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <tuple>

namespace mapsim::bench {

enum class MapKind { kHash, kPercpuHash, kArray };

struct MapConfig {
  MapKind kind = MapKind::kHash;
  uint32_t entries = 0;      ///< max_entries, filled completely (a power of two)
  uint32_t value_size = 0;   ///< bytes (per CPU for per-CPU maps)

  friend bool operator<(const MapConfig& left, const MapConfig& right) {
    return std::tie(left.kind, left.entries, left.value_size) <
           std::tie(right.kind, right.entries, right.value_size);
  }
};

// The largest value the benchmarks use, in bytes.
inline constexpr uint32_t kMaxValueSize = 64;

// A value of `Size` bytes as the peers store it; 8-byte aligned like a BPF map value.
template <size_t Size>
struct Value {
  alignas(8) unsigned char bytes[Size];
};

// The value stored under `key` when a map is filled: recognisable bytes, so a wrong copy shows.
inline void fill_value(uint32_t key, void* value, size_t size) {
  auto* bytes = static_cast<unsigned char*>(value);
  for (size_t index = 0; index < size; ++index) {
    bytes[index] = static_cast<unsigned char>(key + index);
  }
}

class KeySequence {
 public:
  // Odd, so that multiplying by it permutes the integers modulo any power of two.
  static constexpr uint32_t kScramble = 2654435761u;

  KeySequence(uint32_t entries, int thread_index)
      : mask_(entries - 1), index_(static_cast<uint32_t>(thread_index) * (entries / 2 + 1)) {}

  // The next key present in a filled map.
  uint32_t next_hit() { return (index_++ * kScramble) & mask_; }
  // The next key absent from a filled map.
  uint32_t next_miss() { return next_hit() + mask_ + 1; }

 private:
  uint32_t mask_;
  uint32_t index_;
};

constexpr bool is_power_of_two(uint32_t value) { return value != 0 && (value & (value - 1)) == 0; }

}  // namespace mapsim::bench
