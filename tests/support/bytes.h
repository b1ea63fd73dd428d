// Byte helpers for tests: integers to little-endian key/value buffers and back.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace mapsim::testing {

using Bytes = std::vector<unsigned char>;

// `size` bytes holding `value` little-endian (truncated or zero-extended).
Bytes le_bytes(uint64_t value, size_t size);
// The first min(8, size) bytes of `bytes` as a little-endian integer.
uint64_t le_value(const Bytes& bytes);
std::string to_hex(const Bytes& bytes);

}  // namespace mapsim::testing
