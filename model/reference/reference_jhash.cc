#include "model/reference/reference_jhash.h"

namespace mapsim::reference {
namespace {

constexpr uint32_t kInitval = 0xdeadbeef;  // JHASH_INITVAL

uint32_t rotate_left(uint32_t word, int bits) { return (word << bits) | (word >> (32 - bits)); }

// __jhash_mix: six steps "x -= z; x ^= rol(z, r); z += y".
void mix(uint32_t& a, uint32_t& b, uint32_t& c) {
  a -= c; a ^= rotate_left(c, 4);  c += b;
  b -= a; b ^= rotate_left(a, 6);  a += c;
  c -= b; c ^= rotate_left(b, 8);  b += a;
  a -= c; a ^= rotate_left(c, 16); c += b;
  b -= a; b ^= rotate_left(a, 19); a += c;
  c -= b; c ^= rotate_left(b, 4);  b += a;
}

// __jhash_final: seven steps "x ^= y; x -= rol(y, r)"; the result is c.
uint32_t final_mix(uint32_t a, uint32_t b, uint32_t c) {
  c ^= b; c -= rotate_left(b, 14);
  a ^= c; a -= rotate_left(c, 11);
  b ^= a; b -= rotate_left(a, 25);
  c ^= b; c -= rotate_left(b, 16);
  a ^= c; a -= rotate_left(c, 4);
  b ^= a; b -= rotate_left(a, 14);
  c ^= b; c -= rotate_left(b, 24);
  return c;
}

uint32_t little_endian_word(const std::vector<unsigned char>& bytes, size_t at) {
  return uint32_t{bytes[at]} | uint32_t{bytes[at + 1]} << 8 | uint32_t{bytes[at + 2]} << 16 |
         uint32_t{bytes[at + 3]} << 24;
}

}  // namespace

uint32_t reference_jhash(const std::vector<unsigned char>& bytes, uint32_t initval) {
  const size_t length = bytes.size();
  uint32_t a = kInitval + static_cast<uint32_t>(length) + initval;
  uint32_t b = a;
  uint32_t c = a;
  size_t at = 0;
  while (length - at > 12) {
    a += little_endian_word(bytes, at);
    b += little_endian_word(bytes, at + 4);
    c += little_endian_word(bytes, at + 8);
    mix(a, b, c);
    at += 12;
  }
  if (length == at) return c;  // only for an empty input
  // The 1..12 tail bytes: byte j goes into a, b or c, shifted by 8 x (j mod 4).
  uint32_t* targets[3] = {&a, &b, &c};
  for (size_t j = 0; at + j < length; ++j) {
    *targets[j / 4] += uint32_t{bytes[at + j]} << (8 * (j % 4));
  }
  return final_mix(a, b, c);
}

uint32_t reference_jhash2(const std::vector<uint32_t>& words, uint32_t initval) {
  const size_t count = words.size();
  uint32_t a = kInitval + static_cast<uint32_t>(count * 4) + initval;
  uint32_t b = a;
  uint32_t c = a;
  size_t at = 0;
  while (count - at > 3) {
    a += words[at];
    b += words[at + 1];
    c += words[at + 2];
    mix(a, b, c);
    at += 3;
  }
  if (count == at) return c;
  uint32_t* targets[3] = {&a, &b, &c};
  for (size_t j = 0; at + j < count; ++j) *targets[j] += words[at + j];
  return final_mix(a, b, c);
}

uint32_t reference_key_hash(const std::vector<unsigned char>& key, uint32_t seed) {
  if (key.size() % 4 != 0) return reference_jhash(key, seed);
  std::vector<uint32_t> words;
  for (size_t at = 0; at < key.size(); at += 4) words.push_back(little_endian_word(key, at));
  return reference_jhash2(words, seed);
}

}  // namespace mapsim::reference
