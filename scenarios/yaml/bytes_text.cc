#include "scenarios/yaml/bytes_text.h"

#include <algorithm>
#include <cstdint>

#include "scenarios/yaml/reader.h"

namespace mapsim::scenario::yaml {
namespace {

constexpr size_t kIntegerBytesMax = 8;

std::string bytes_form(size_t size) {
  return "0x followed by " + std::to_string(2 * size) + " hex digits (the " +
         std::to_string(size) + " bytes in memory order)";
}

std::string both_forms(size_t size) {
  return "an integer (unquoted) or " + bytes_form(size);
}

std::optional<Bytes> bytes_from_hex_scalar(std::string_view digits, size_t size,
                                           std::string* error) {
  Bytes bytes;
  std::string hex_error;
  if (!bytes_from_hex(digits, &bytes, &hex_error)) {
    *error = hex_error + "; expected " + bytes_form(size);
    return std::nullopt;
  }
  if (bytes.size() != size) {
    *error = "expected " + bytes_form(size) + ", got " + std::to_string(digits.size()) +
             " hex digits";
    return std::nullopt;
  }
  return bytes;
}

// Little-endian `size` bytes of `magnitude` (negated as two's complement when `negative`).
Bytes little_endian(uint64_t magnitude, bool negative, size_t size) {
  const uint64_t word = negative ? ~magnitude + 1 : magnitude;
  Bytes bytes(size, negative ? 0xff : 0x00);
  for (size_t index = 0; index < size && index < kIntegerBytesMax; ++index) {
    bytes[index] = static_cast<unsigned char>(word >> (8 * index));
  }
  return bytes;
}

std::optional<Bytes> bytes_from_integer(std::string_view text, size_t size, std::string* error) {
  const bool negative = !text.empty() && text[0] == '-';
  const std::optional<uint64_t> magnitude = parse_decimal(negative ? text.substr(1) : text);
  if (!magnitude || (negative && *magnitude == 0)) {
    *error = "expected " + both_forms(size) + ", got '" + std::string(text) + "'";
    if (text.size() > 1 && text[0] == '0') {
      *error += " (no leading zeros; for bytes in memory order write 0x" + std::string(text) + ")";
    }
    return std::nullopt;
  }
  const unsigned bits = static_cast<unsigned>(8 * std::min(size, kIntegerBytesMax));
  const uint64_t unsigned_max = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  const uint64_t negative_max = uint64_t{1} << (bits - 1);
  if ((!negative && *magnitude > unsigned_max) || (negative && *magnitude > negative_max)) {
    *error = std::string(text) + " does not fit in " + std::to_string(size) +
             (size == 1 ? " byte" : " bytes") + " (" + (negative ? "-" : "") +
             std::to_string(negative ? negative_max : unsigned_max) + " is the " +
             (negative ? "lowest" : "largest") + ")";
    return std::nullopt;
  }
  return little_endian(*magnitude, negative, size);
}

}  // namespace

std::optional<Bytes> bytes_from_scalar(std::string_view text, bool plain, size_t size,
                                       std::string* error) {
  if (text.substr(0, 2) == "0x") return bytes_from_hex_scalar(text.substr(2), size, error);
  if (!plain) {
    *error = "expected " + both_forms(size) + ", got the quoted string \"" + std::string(text) +
             "\" (a quoted value is never an integer; op-script hex takes a 0x prefix here)";
    return std::nullopt;
  }
  if (size == 0) {
    *error = "expected 0x (zero bytes), got '" + std::string(text) + "'";
    return std::nullopt;
  }
  return bytes_from_integer(text, size, error);
}

std::string scalar_from_bytes(const Bytes& bytes) {
  if (!bytes.empty() && bytes.size() <= kIntegerBytesMax) {
    uint64_t value = 0;
    for (size_t index = 0; index < bytes.size(); ++index) {
      value |= uint64_t{bytes[index]} << (8 * index);
    }
    if (value <= UINT32_MAX) return std::to_string(value);
  }
  return "0x" + hex_from_bytes(bytes);
}

}  // namespace mapsim::scenario::yaml
