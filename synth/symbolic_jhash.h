// The kernel's key hash (fact sheet 3.3) over SymbolicBytes: the same computation as
// impl/jhash.h, step for step, but on words that may be Z3 terms. With every byte constant it
// folds to the number impl's jhash returns, which is how the encoding is tested.
//
// jhash2 over key_size/4 words and jhash over key_size bytes are one computation on a
// little-endian host (fact sheet 3.3: the initial value counts bytes in both, 4m == key_size;
// both mix while more than 12 bytes remain; the tail words go to a, b, c in order; words are
// read little-endian), so one byte-wise encoding serves both of the kernel's choices. Answers
// are still checked with impl's htab_key_hash, which makes the kernel's choice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "synth/lookup3_steps.h"
#include "synth/symbolic_word.h"

namespace mapsim::synth {

using SymbolicState = Lookup3State<SymbolicWord>;

// Blocks a key of `length` bytes is cut into: (length - 1) / 12 blocks of 12 bytes that are
// added and mixed, then a tail of 1..12 bytes that is added before final().
// REQUIRES: length >= 1.
size_t jhash_mixed_block_count(size_t length);

// The state before any block: a = b = c = 0xdeadbeef + length + seed.
SymbolicState jhash_start(size_t length, uint32_t seed);

// The words of key[offset, offset + count) as lookup3 adds them to (a, b, c): bytes 0-3 to a,
// 4-7 to b, 8-11 to c; missing bytes are zero. REQUIRES: 1 <= count <= 12.
SymbolicState jhash_block_words(const std::vector<SymbolicByte>& key, size_t offset,
                                size_t count);

// state += words, element-wise; state -= words.
void add_words(SymbolicState& state, const SymbolicState& words);
void subtract_words(SymbolicState& state, const SymbolicState& words);

// The state final() leaves for `key` (its size is the key size); the hash is its c.
// REQUIRES: !key.empty().
SymbolicState symbolic_jhash_final_state(const std::vector<SymbolicByte>& key, uint32_t seed);

// The hash of `key`: symbolic_jhash_final_state(key, seed).c.
SymbolicWord symbolic_jhash(const std::vector<SymbolicByte>& key, uint32_t seed);

}  // namespace mapsim::synth
