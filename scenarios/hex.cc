#include "scenarios/hex.h"

#include "impl/hex_text.h"

namespace mapsim {

std::string hex_from_bytes(const Bytes& bytes) { return hex_text(bytes); }

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
