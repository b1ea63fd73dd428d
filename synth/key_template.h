// KeyTemplate: which bytes of a key are fixed and which the solver may choose.
//
// Text form (command line, scenario files, the cache): two characters per byte in memory order,
// either two hex digits (a fixed byte) or "xx" (a free byte), like the op scripts' little-endian
// hex keys. A text shorter than the key fixes a prefix: the remaining bytes are free. So for an
// 8-byte key, "" leaves every byte free, "0a0b" keeps the prefix 0a 0b, and "xxxxxxxx00000000"
// frees the low u32 of a little-endian u64 and keeps the high one zero.
//
// "Free" means the solver may choose the byte; it need not vary all of them (a key with a fully
// free 12-byte block is solved through that block alone, the other free bytes staying zero:
// synth/key_encoding.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mapsim::synth {

using Bytes = std::vector<unsigned char>;

class KeyTemplate {
 public:
  // Every byte free.
  explicit KeyTemplate(uint32_t key_size) : bytes_(key_size) {}

  // Parses the text form for a key of `key_size` bytes. On failure returns nullopt and says
  // why in *error.
  static std::optional<KeyTemplate> parse(std::string_view text, uint32_t key_size,
                                          std::string* error);

  uint32_t key_size() const { return static_cast<uint32_t>(bytes_.size()); }
  bool is_free(size_t index) const { return !bytes_[index].has_value(); }
  // REQUIRES: !is_free(index).
  uint8_t fixed_byte(size_t index) const;
  size_t free_byte_count() const;
  // Whether `key` (key_size bytes) has the template's fixed bytes.
  bool matches(const Bytes& key) const;
  // The full-length text form ("xx" for each free byte): the canonical spelling.
  std::string text() const;

 private:
  std::vector<std::optional<uint8_t>> bytes_;  ///< nullopt: free
};

}  // namespace mapsim::synth
