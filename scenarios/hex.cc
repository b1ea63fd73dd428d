#include "scenarios/hex.h"

namespace mapsim {
namespace {

// The value of one hex digit, or -1.
int hex_digit_value(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
  return -1;
}

}  // namespace

std::string hex_from_bytes(const Bytes& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0xf];
  }
  return text;
}

bool bytes_from_hex(std::string_view text, Bytes* bytes, std::string* error) {
  for (size_t position = 0; position < text.size(); ++position) {
    const char digit = text[position];
    if (hex_digit_value(digit) >= 0) continue;
    // Quote only printable ASCII, so the message stays valid UTF-8 whatever the input was.
    const bool printable = digit > ' ' && digit < 0x7f;
    *error = (printable ? "'" + std::string(1, digit) + "'" : std::string("a non-hex byte")) +
             " at position " + std::to_string(position) + " is not a hex digit";
    return false;
  }
  if (text.size() % 2 != 0) {
    *error = "odd number of hex digits (" + std::to_string(text.size()) +
             "); each byte takes two";
    return false;
  }
  bytes->clear();
  bytes->reserve(text.size() / 2);
  for (size_t position = 0; position < text.size(); position += 2) {
    const int high = hex_digit_value(text[position]);
    const int low = hex_digit_value(text[position + 1]);
    bytes->push_back(static_cast<unsigned char>(high * 16 + low));
  }
  return true;
}

}  // namespace mapsim
