// The simulator's pseudo-random numbers: xoshiro256** (Blackman & Vigna, 2018) seeded through
// splitmix64. Fixed here because schedules produced from a seed must stay reproducible across
// builds and standard libraries (std::mt19937's distributions are not portable).
#pragma once

#include <cstdint>

namespace mapsim::sim {

__extension__ typedef unsigned __int128 Uint128;

class Random {
 public:
  explicit Random(uint64_t seed = 0) { reseed(seed); }

  void reseed(uint64_t seed) {
    for (uint64_t& word : state_) {
      seed += 0x9e3779b97f4a7c15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      word = z ^ (z >> 31);
    }
  }

  uint64_t next() {
    const uint64_t result = rotate(state_[1] * 5, 7) * 9;
    const uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = rotate(state_[3], 45);
    return result;
  }

  // Uniform in [0, bound). REQUIRES: bound > 0. (Lemire's multiply-shift; the tiny bias for
  // huge bounds does not matter here.)
  uint64_t below(uint64_t bound) {
    return static_cast<uint64_t>((static_cast<Uint128>(next()) * bound) >> 64);
  }

  // True with probability `probability` (in [0, 1]).
  bool chance(double probability) {
    return static_cast<double>(next() >> 11) * 0x1.0p-53 < probability;
  }

 private:
  static uint64_t rotate(uint64_t value, int bits) {
    return (value << bits) | (value >> (64 - bits));
  }
  uint64_t state_[4];
};

// The index of the `rank`-th set bit of `mask` (rank counts from 0). REQUIRES: rank is below
// popcount(mask).
inline int nth_set_bit(uint64_t mask, int rank) {
  for (int i = 0; i < rank; ++i) mask &= mask - 1;
  return __builtin_ctzll(mask);
}

}  // namespace mapsim::sim
