#include "impl/internal/lpm_trie_key.h"

#include <algorithm>
#include <bit>

namespace mapsim::internal {

uint32_t lpm_common_prefix_bits(const unsigned char* left, const unsigned char* right,
                                uint32_t data_size, uint32_t limit) {
  // Eight bytes at a time as big-endian words (the kernel's fast path on 64-bit hosts), then
  // byte by byte; the first differing bit ends the common prefix.
  uint32_t matched = 0;
  uint32_t index = 0;
  for (; index + 8 <= data_size && matched < limit; index += 8) {
    uint64_t left_word;
    uint64_t right_word;
    std::memcpy(&left_word, left + index, 8);
    std::memcpy(&right_word, right + index, 8);
    const uint64_t difference = __builtin_bswap64(left_word ^ right_word);
    if (difference != 0) return std::min(limit, matched + std::countl_zero(difference));
    matched += 64;
  }
  for (; index < data_size && matched < limit; ++index) {
    const auto difference = static_cast<unsigned char>(left[index] ^ right[index]);
    if (difference != 0) return std::min(limit, matched + std::countl_zero(difference));
    matched += 8;
  }
  return std::min(limit, matched);
}

}  // namespace mapsim::internal
