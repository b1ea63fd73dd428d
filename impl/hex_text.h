// Hex text of raw bytes, the one spelling every layer uses: the bytes in memory order, two
// lowercase digits per byte (on x86 the u32 key 1 is "01000000", spec/op-script.md). It lives
// at the bottom layer because op scripts (scenarios/), key synthesis (synth/) and invariant
// reports (model/invariants/) all print keys and none of them may depend on another.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mapsim {

inline std::string hex_text(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(size * 2);
  for (size_t index = 0; index < size; ++index) {
    text += kDigits[bytes[index] >> 4];
    text += kDigits[bytes[index] & 0xf];
  }
  return text;
}

inline std::string hex_text(const std::vector<unsigned char>& bytes) {
  return hex_text(bytes.data(), bytes.size());
}

inline std::string hex_text(std::string_view bytes) {
  return hex_text(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// The value of one hex digit (either case), or -1.
inline int hex_digit_value(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
  return -1;
}

}  // namespace mapsim
