#include "synth/key_hex.h"

#include "impl/hex_text.h"

namespace mapsim::synth {

std::string hex_from_bytes(const Bytes& bytes) { return hex_text(bytes); }

std::optional<unsigned char> byte_from_hex(std::string_view pair) {
  if (pair.size() != 2) return std::nullopt;
  const int high = hex_digit_value(pair[0]);
  const int low = hex_digit_value(pair[1]);
  if (high < 0 || low < 0) return std::nullopt;
  return static_cast<unsigned char>(high << 4 | low);
}

std::optional<Bytes> bytes_from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  Bytes bytes;
  bytes.reserve(text.size() / 2);
  for (size_t index = 0; index < text.size(); index += 2) {
    const std::optional<unsigned char> byte = byte_from_hex(text.substr(index, 2));
    if (!byte) return std::nullopt;
    bytes.push_back(*byte);
  }
  return bytes;
}

}  // namespace mapsim::synth
