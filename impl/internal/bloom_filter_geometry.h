// The platform-independent half of BPF_MAP_TYPE_BLOOM_FILTER (kernel/bpf/bloom_filter.c; fact
// sheet 7; STYLE G4): the creation checks, the size of the bit array, and which bits a value
// sets. The bit positions are part of what users observe (false positives), so they follow
// the kernel bit for bit:
//
//   k      = map_extra & 0xF, and 0 means 5                       (hash functions)
//   bits   = max_entries * k, then (bits / 5) * 7 (1/ln 2 ~ 7/5), in u32 arithmetic;
//            a u32 overflow in either product, or bits > 2^31, gives 2^32 bits;
//            otherwise at least 64 (BITS_PER_LONG), rounded up to a power of two
//   bit(i) = hash(value, seed + i) & (bits - 1), i = 0 .. k-1, where hash is jhash2 over the
//            u32 words when value_size is a multiple of 4, jhash over the bytes otherwise
//   seed   = 0 with BPF_F_ZERO_SEED, else get_random_u32() at creation
#pragma once

#include <cstdint>

#include "impl/map_attr.h"

namespace mapsim::internal {

// bloom_map_alloc_check(): value_size above KMALLOC_MAX_SIZE is E2BIG. It runs before every
// other bloom check (and, in the kernel, before the CAP_BPF check).
int bloom_alloc_check(const MapAttr& attr);

struct BloomGeometry {
  uint32_t hash_count = 0;  ///< k: bits set per pushed value (1..15)
  uint32_t bit_mask = 0;    ///< bits - 1; bits is a power of two from 64 to 2^32
  uint64_t bit_count() const { return uint64_t{bit_mask} + 1; }
  uint64_t word_count() const { return bit_count() / 64; }  ///< u64 words of the bit array
};

// The attribute checks of bloom_map_alloc() (EINVAL), then the geometry.
int bloom_compute_geometry(const MapAttr& attr, BloomGeometry* geometry);

// The bit that hash function `hash_index` picks for `value` (value_size bytes, no alignment
// needed).
uint32_t bloom_bit_index(const BloomGeometry& geometry, uint32_t seed, const void* value,
                         uint32_t value_size, uint32_t hash_index);

}  // namespace mapsim::internal
