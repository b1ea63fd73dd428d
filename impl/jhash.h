// Bob Jenkins' lookup3 hash as the kernel uses it for hash maps and bloom filters
// (include/linux/jhash.h; fact sheet 3.3). The bucket of a key, and therefore the iteration
// order users see, depends on these exact bits.
//
// lookup3 from its published description: mix() is six subtract / xor-rotate / add steps,
// final() seven xor / subtract-rotate steps; the initial state is 0xdeadbeef + length +
// initval. jhash2 and the key hash are inline, as the kernel's are: they are on every lookup.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mapsim {

namespace jhash_internal {

inline constexpr uint32_t kInitval = 0xdeadbeef;

constexpr uint32_t rotate_left(uint32_t word, int shift) {
  return (word << shift) | (word >> (32 - shift));
}

struct State {
  uint32_t a, b, c;

  constexpr void mix() {
    a -= c; a ^= rotate_left(c, 4);  c += b;
    b -= a; b ^= rotate_left(a, 6);  a += c;
    c -= b; c ^= rotate_left(b, 8);  b += a;
    a -= c; a ^= rotate_left(c, 16); c += b;
    b -= a; b ^= rotate_left(a, 19); a += c;
    c -= b; c ^= rotate_left(b, 4);  b += a;
  }

  constexpr uint32_t finish() {
    c ^= b; c -= rotate_left(b, 14);
    a ^= c; a -= rotate_left(c, 11);
    b ^= a; b -= rotate_left(a, 25);
    c ^= b; c -= rotate_left(b, 16);
    a ^= c; a -= rotate_left(c, 4);
    b ^= a; b -= rotate_left(a, 14);
    c ^= b; c -= rotate_left(b, 24);
    return c;
  }
};

}  // namespace jhash_internal

// jhash(): hash `length` bytes; words are read little-endian, as on x86.
uint32_t jhash(const void* bytes, size_t length, uint32_t initval);

// jhash2(): hash `word_count` u32 words.
inline uint32_t jhash2(const uint32_t* words, size_t word_count, uint32_t initval) {
  const uint32_t start =
      jhash_internal::kInitval + static_cast<uint32_t>(word_count << 2) + initval;
  jhash_internal::State state{start, start, start};
  while (word_count > 3) {
    state.a += words[0];
    state.b += words[1];
    state.c += words[2];
    state.mix();
    word_count -= 3;
    words += 3;
  }
  switch (word_count) {
    case 3: state.c += words[2]; [[fallthrough]];
    case 2: state.b += words[1]; [[fallthrough]];
    case 1: state.a += words[0]; return state.finish();
    default: return state.c;
  }
}

// The hash a kernel hash map computes for a key: jhash2 over u32 words when the key size is a
// multiple of 4, jhash over the bytes otherwise. On a little-endian host the two agree for
// multiples of 4 (fact sheet 3.3), so an unaligned key takes the byte path without a copy.
inline uint32_t htab_key_hash(const void* key, uint32_t key_size, uint32_t seed) {
  if (key_size % 4 == 0 && reinterpret_cast<uintptr_t>(key) % alignof(uint32_t) == 0) {
    return jhash2(static_cast<const uint32_t*>(key), key_size / 4, seed);
  }
  return jhash(key, key_size, seed);
}

}  // namespace mapsim
