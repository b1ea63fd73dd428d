#include "synth/key_template.h"

#include "impl/assert.h"
#include "synth/key_hex.h"

namespace mapsim::synth {

std::optional<KeyTemplate> KeyTemplate::parse(std::string_view text, uint32_t key_size,
                                              std::string* error) {
  if (text.size() % 2 != 0) {
    *error = "odd number of characters (" + std::to_string(text.size()) +
             "): each byte is two hex digits or xx";
    return std::nullopt;
  }
  if (text.size() / 2 > key_size) {
    *error = "has " + std::to_string(text.size() / 2) + " bytes, more than the key size " +
             std::to_string(key_size);
    return std::nullopt;
  }
  KeyTemplate key_template(key_size);
  for (size_t index = 0; index < text.size() / 2; ++index) {
    const std::string_view pair = text.substr(2 * index, 2);
    if (pair == "xx" || pair == "XX") continue;
    const std::optional<uint8_t> byte = byte_from_hex(pair);
    if (!byte) {
      *error = "byte " + std::to_string(index) + " is '" + std::string(pair) +
               "': expected two hex digits or xx";
      return std::nullopt;
    }
    key_template.bytes_[index] = *byte;
  }
  return key_template;
}

uint8_t KeyTemplate::fixed_byte(size_t index) const {
  MAPSIM_ASSERT(!is_free(index), "a free byte has no fixed value");
  return *bytes_[index];
}

size_t KeyTemplate::free_byte_count() const {
  size_t count = 0;
  for (const auto& byte : bytes_) count += byte ? 0 : 1;
  return count;
}

bool KeyTemplate::matches(const Bytes& key) const {
  if (key.size() != bytes_.size()) return false;
  for (size_t index = 0; index < key.size(); ++index) {
    if (bytes_[index] && *bytes_[index] != key[index]) return false;
  }
  return true;
}

std::string KeyTemplate::text() const {
  std::string result;
  for (const auto& byte : bytes_) result += byte ? hex_from_bytes(Bytes{*byte}) : "xx";
  return result;
}

}  // namespace mapsim::synth
