// HashTarget: which hashes a wanted key may have. A bucket of a map with n_buckets buckets is
// "hash & (n_buckets - 1) == bucket" (fact sheet 3.3); a full collision with another key is
// "hash == its hash". Both are a mask of low bits and the value those bits must have.
#pragma once

#include <bit>
#include <cstdint>

namespace mapsim::synth {

struct HashTarget {
  uint32_t mask = 0;   ///< low bits that must match: n_buckets - 1, or all ones
  uint32_t value = 0;  ///< what those bits must be (value & ~mask == 0)

  bool hit(uint32_t hash) const { return (hash & mask) == value; }
  // How many low bits are fixed (mask is always a run of low bits).
  unsigned bits() const { return static_cast<unsigned>(std::popcount(mask)); }
};

}  // namespace mapsim::synth
