// Jenkins' lookup3 hash as the kernel uses it for hash maps (include/linux/jhash.h), written
// from the description in fact sheet 3.3 alone, independently of impl/jhash.h. The bucket of a
// key, and so every get_next_key order, follows from these bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mapsim::reference {

// jhash(): `bytes`, 32-bit words read little-endian (x86).
uint32_t reference_jhash(const std::vector<unsigned char>& bytes, uint32_t initval);

// jhash2(): a sequence of u32 words.
uint32_t reference_jhash2(const std::vector<uint32_t>& words, uint32_t initval);

// What a hash map computes for a key: jhash2 over the key's u32 words when its size is a
// multiple of 4, else jhash over its bytes; the seed is the map's hashrnd.
uint32_t reference_key_hash(const std::vector<unsigned char>& key, uint32_t seed);

}  // namespace mapsim::reference
