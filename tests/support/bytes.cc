#include "tests/support/bytes.h"

#include "impl/hex_text.h"

namespace mapsim::testing {

Bytes le_bytes(uint64_t value, size_t size) {
  Bytes bytes(size, 0);
  for (size_t index = 0; index < size && index < 8; ++index) {
    bytes[index] = static_cast<unsigned char>(value >> (8 * index));
  }
  return bytes;
}

uint64_t le_value(const Bytes& bytes) {
  uint64_t value = 0;
  for (size_t index = 0; index < bytes.size() && index < 8; ++index) {
    value |= uint64_t{bytes[index]} << (8 * index);
  }
  return value;
}

std::string to_hex(const Bytes& bytes) { return hex_text(bytes); }

}  // namespace mapsim::testing
