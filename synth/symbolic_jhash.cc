#include "synth/symbolic_jhash.h"

#include <algorithm>

#include "impl/assert.h"

namespace mapsim::synth {
namespace {

constexpr uint32_t kJhashInitval = 0xdeadbeef;
constexpr size_t kBlockBytes = 12;

}  // namespace

size_t jhash_mixed_block_count(size_t length) {
  MAPSIM_ASSERT(length >= 1, "maps never hash an empty key");
  return (length - 1) / kBlockBytes;
}

SymbolicState jhash_start(size_t length, uint32_t seed) {
  const uint32_t start = kJhashInitval + static_cast<uint32_t>(length) + seed;
  return SymbolicState{SymbolicWord(start), SymbolicWord(start), SymbolicWord(start)};
}

SymbolicState jhash_block_words(const std::vector<SymbolicByte>& key, size_t offset,
                                size_t count) {
  MAPSIM_ASSERT(count >= 1 && count <= kBlockBytes, "a block holds 1..12 bytes");
  SymbolicWord words[3] = {SymbolicWord(0u), SymbolicWord(0u), SymbolicWord(0u)};
  for (size_t lane = 0; lane < 3 && 4 * lane < count; ++lane) {
    words[lane] = load_word(key, offset + 4 * lane, std::min<size_t>(4, count - 4 * lane));
  }
  return SymbolicState{words[0], words[1], words[2]};
}

void add_words(SymbolicState& state, const SymbolicState& words) {
  state.a += words.a;
  state.b += words.b;
  state.c += words.c;
}

void subtract_words(SymbolicState& state, const SymbolicState& words) {
  state.a -= words.a;
  state.b -= words.b;
  state.c -= words.c;
}

SymbolicState symbolic_jhash_final_state(const std::vector<SymbolicByte>& key, uint32_t seed) {
  const size_t mixed_blocks = jhash_mixed_block_count(key.size());
  SymbolicState state = jhash_start(key.size(), seed);
  for (size_t block = 0; block < mixed_blocks; ++block) {
    add_words(state, jhash_block_words(key, block * kBlockBytes, kBlockBytes));
    lookup3_mix(state);
  }
  const size_t tail_offset = mixed_blocks * kBlockBytes;
  add_words(state, jhash_block_words(key, tail_offset, key.size() - tail_offset));
  lookup3_final(state);
  return state;
}

SymbolicWord symbolic_jhash(const std::vector<SymbolicByte>& key, uint32_t seed) {
  return symbolic_jhash_final_state(key, seed).c;
}

}  // namespace mapsim::synth
