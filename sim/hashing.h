// Small non-cryptographic hashing for trace hashes and fingerprints. The exact function is part
// of the schedule format (stored hashes are compared on replay), so it is pinned here.
#pragma once

#include <cstdint>
#include <string_view>

namespace mapsim::sim {

// Folds `value` into `hash` (a splitmix64 finaliser over hash ^ value).
constexpr uint64_t hash_mix(uint64_t hash, uint64_t value) {
  uint64_t x = hash ^ (value + 0x9e3779b97f4a7c15ull + (hash << 6) + (hash >> 2));
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

constexpr uint64_t hash_text(uint64_t hash, std::string_view text) {
  hash = hash_mix(hash, text.size());
  for (char c : text) hash = hash_mix(hash, static_cast<unsigned char>(c));
  return hash;
}

}  // namespace mapsim::sim
