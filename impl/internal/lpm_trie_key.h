// The key of BPF_MAP_TYPE_LPM_TRIE (struct bpf_lpm_trie_key_u8; fact sheet 8.2) and the bit
// arithmetic on it, independent of the platform (STYLE G4).
//
// Layout: a host-order u32 prefixlen, then data_size = key_size - 4 data bytes. The data is a
// big-endian bit string: bit i is bit (7 - i % 8) of byte i / 8, so 10.1.0.0/16 is
// {16, 0x0a, 0x01, 0x00, 0x00}. Bits beyond prefixlen take no part in matching, but a stored
// node keeps all data_size bytes of the key that created it.
#pragma once

#include <cstdint>
#include <cstring>

namespace mapsim::internal {

inline constexpr uint32_t kLpmPrefixlenBytes = 4;  // offsetof(bpf_lpm_trie_key_u8, data)

inline uint32_t lpm_key_prefixlen(const void* key) {
  uint32_t prefixlen;
  std::memcpy(&prefixlen, key, sizeof prefixlen);
  return prefixlen;
}

inline const unsigned char* lpm_key_data(const void* key) {
  return static_cast<const unsigned char*>(key) + kLpmPrefixlenBytes;
}

// Bit `index` of a big-endian bit string. REQUIRES: index < 8 * its byte count.
inline unsigned lpm_extract_bit(const unsigned char* data, uint32_t index) {
  return (data[index / 8] >> (7 - index % 8)) & 1u;
}

// The number of leading bits `left` and `right` share, capped at `limit`
// (the kernel's longest_prefix_match with limit = min(node prefixlen, key prefixlen)).
uint32_t lpm_common_prefix_bits(const unsigned char* left, const unsigned char* right,
                                uint32_t data_size, uint32_t limit);

}  // namespace mapsim::internal
