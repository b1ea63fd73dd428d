// Bob Jenkins' lookup3 hash as the kernel uses it for hash maps and bloom filters
// (include/linux/jhash.h; fact sheet 3.3). The bucket of a key, and therefore the iteration
// order users see, depends on these exact bits.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mapsim {

// jhash(): hash `length` bytes; words are read little-endian, as on x86.
uint32_t jhash(const void* bytes, size_t length, uint32_t initval);

// jhash2(): hash `word_count` u32 words.
uint32_t jhash2(const uint32_t* words, size_t word_count, uint32_t initval);

// The hash a kernel hash map computes for a key: jhash2 over u32 words when the key size is a
// multiple of 4, jhash over the bytes otherwise. The key needs no particular alignment.
uint32_t htab_key_hash(const void* key, uint32_t key_size, uint32_t seed);

}  // namespace mapsim
