// lookup3 from its published description (fact sheet 3.3): mix() is six subtract / xor-rotate /
// add steps, final() seven xor / subtract-rotate steps; the initial state is
// 0xdeadbeef + length + initval.
#include "impl/jhash.h"

#include <cstring>

namespace mapsim {
namespace {

constexpr uint32_t kJhashInitval = 0xdeadbeef;

constexpr uint32_t rotate_left(uint32_t word, int shift) {
  return (word << shift) | (word >> (32 - shift));
}

struct State {
  uint32_t a, b, c;

  void mix() {
    a -= c; a ^= rotate_left(c, 4);  c += b;
    b -= a; b ^= rotate_left(a, 6);  a += c;
    c -= b; c ^= rotate_left(b, 8);  b += a;
    a -= c; a ^= rotate_left(c, 16); c += b;
    b -= a; b ^= rotate_left(a, 19); a += c;
    c -= b; c ^= rotate_left(b, 4);  b += a;
  }

  uint32_t finish() {
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

uint32_t load_le32(const uint8_t* bytes) {
  return uint32_t{bytes[0]} | uint32_t{bytes[1]} << 8 | uint32_t{bytes[2]} << 16 |
         uint32_t{bytes[3]} << 24;
}

}  // namespace

uint32_t jhash(const void* data, size_t length, uint32_t initval) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  const uint32_t start = kJhashInitval + static_cast<uint32_t>(length) + initval;
  State state{start, start, start};
  while (length > 12) {
    state.a += load_le32(bytes);
    state.b += load_le32(bytes + 4);
    state.c += load_le32(bytes + 8);
    state.mix();
    length -= 12;
    bytes += 12;
  }
  if (length == 0) return state.c;  // only for empty input; maps never hash zero bytes
  uint32_t* lanes[3] = {&state.a, &state.b, &state.c};
  for (size_t index = 0; index < length; ++index) {
    *lanes[index / 4] += uint32_t{bytes[index]} << (8 * (index % 4));
  }
  return state.finish();
}

uint32_t jhash2(const uint32_t* words, size_t word_count, uint32_t initval) {
  const uint32_t start = kJhashInitval + static_cast<uint32_t>(word_count << 2) + initval;
  State state{start, start, start};
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

uint32_t htab_key_hash(const void* key, uint32_t key_size, uint32_t seed) {
  // On a little-endian host jhash2 over the words equals jhash over the bytes (fact sheet 3.3),
  // and jhash reads bytes, so unaligned keys need no copy. Both paths are kept to mirror the
  // kernel's choice and so that a test can hold them equal.
  if (key_size % 4 == 0 && reinterpret_cast<uintptr_t>(key) % alignof(uint32_t) == 0) {
    return jhash2(static_cast<const uint32_t*>(key), key_size / 4, seed);
  }
  return jhash(key, key_size, seed);
}

}  // namespace mapsim
