#include "synth/key_encoding.h"

#include <optional>

#include "impl/assert.h"
#include "synth/symbolic_jhash.h"

namespace mapsim::synth {
namespace {

constexpr size_t kBlockBytes = 12;

std::string byte_range_text(size_t first, size_t last) {
  return first == last ? "byte " + std::to_string(first)
                       : "bytes " + std::to_string(first) + ".." + std::to_string(last);
}

// The template's fixed bytes as constants; free bytes are zero for now.
std::vector<SymbolicByte> constant_key(const KeyTemplate& key_template) {
  std::vector<SymbolicByte> key(key_template.key_size());
  for (size_t index = 0; index < key.size(); ++index) {
    if (!key_template.is_free(index)) key[index].constant = key_template.fixed_byte(index);
  }
  return key;
}

// The last block whose 12 bytes are all free: the tail counts only when it is a whole block
// (key sizes that are multiples of 12). nullopt when there is none.
std::optional<size_t> last_free_block(const KeyTemplate& key_template) {
  const size_t blocks = jhash_mixed_block_count(key_template.key_size()) + 1;
  for (size_t block = blocks; block-- > 0;) {
    const size_t offset = block * kBlockBytes;
    if (offset + kBlockBytes > key_template.key_size()) continue;  // a short tail
    bool all_free = true;
    for (size_t index = offset; index < offset + kBlockBytes && all_free; ++index) {
      all_free = key_template.is_free(index);
    }
    if (all_free) return block;
  }
  return std::nullopt;
}

KeyEncoding encode_forward(z3::context& context, const KeyTemplate& key_template,
                           uint32_t seed) {
  KeyEncoding encoding;
  encoding.direction = EncodingDirection::kForward;
  encoding.key = constant_key(key_template);
  for (size_t index = 0; index < encoding.key.size(); ++index) {
    if (!key_template.is_free(index)) continue;
    const std::string name = "key_byte_" + std::to_string(index);
    encoding.key[index].term = context.bv_const(name.c_str(), 8);
    encoding.variables.push_back(*encoding.key[index].term);
    encoding.varied_bytes.push_back(index);
  }
  encoding.hash = symbolic_jhash(encoding.key, seed);
  encoding.summary = "forward over " + std::to_string(encoding.varied_bytes.size()) +
                     " free bytes (every free byte a variable)";
  return encoding;
}

// The words of block `free_block` that make final() end in `result` (see the file comment).
SymbolicState free_block_words(const std::vector<SymbolicByte>& key, size_t free_block,
                               uint32_t seed, const SymbolicState& result) {
  const size_t mixed_blocks = jhash_mixed_block_count(key.size());
  SymbolicState before_free = jhash_start(key.size(), seed);
  for (size_t block = 0; block < free_block; ++block) {
    add_words(before_free, jhash_block_words(key, block * kBlockBytes, kBlockBytes));
    lookup3_mix(before_free);
  }
  SymbolicState state = result;
  lookup3_unfinal(state);
  if (free_block < mixed_blocks) {
    const size_t tail_offset = mixed_blocks * kBlockBytes;
    subtract_words(state, jhash_block_words(key, tail_offset, key.size() - tail_offset));
    for (size_t block = mixed_blocks; block-- > free_block + 1;) {
      lookup3_unmix(state);
      subtract_words(state, jhash_block_words(key, block * kBlockBytes, kBlockBytes));
    }
    lookup3_unmix(state);
  }
  subtract_words(state, before_free);
  return state;
}

KeyEncoding encode_backward(z3::context& context, const KeyTemplate& key_template,
                            uint32_t seed, size_t free_block) {
  KeyEncoding encoding;
  encoding.direction = EncodingDirection::kBackward;
  encoding.key = constant_key(key_template);  // free bytes outside the block stay zero
  encoding.variables = {context.bv_const("final_a", 32), context.bv_const("final_b", 32),
                        context.bv_const("final_c", 32)};
  const SymbolicState result{SymbolicWord(encoding.variables[0]),
                             SymbolicWord(encoding.variables[1]),
                             SymbolicWord(encoding.variables[2])};
  const SymbolicState words = free_block_words(encoding.key, free_block, seed, result);
  const size_t offset = free_block * kBlockBytes;
  const SymbolicWord* lanes[3] = {&words.a, &words.b, &words.c};
  for (size_t index = 0; index < kBlockBytes; ++index) {
    const unsigned low = 8 * static_cast<unsigned>(index % 4);
    encoding.key[offset + index].term = lanes[index / 4]->term(context).extract(low + 7, low);
    encoding.varied_bytes.push_back(offset + index);
  }
  encoding.hash = result.c;
  encoding.summary = "backward through " + byte_range_text(offset, offset + kBlockBytes - 1) +
                     " (other free bytes zero)";
  return encoding;
}

}  // namespace

KeyEncoding encode_key_hash(z3::context& context, const KeyTemplate& key_template,
                            uint32_t seed) {
  MAPSIM_ASSERT(key_template.key_size() >= 1, "maps never hash an empty key");
  KeyEncoding encoding;
  if (const std::optional<size_t> block = last_free_block(key_template)) {
    encoding = encode_backward(context, key_template, seed, *block);
  } else {
    encoding = encode_forward(context, key_template, seed);
  }
  encoding.seed = seed;
  return encoding;
}

std::optional<std::vector<uint32_t>> variable_values_for_key(const KeyEncoding& encoding,
                                                             const Bytes& key) {
  MAPSIM_ASSERT(key.size() == encoding.key.size(), "a key has key_size bytes");
  std::vector<SymbolicByte> constant(key.size());
  for (size_t index = 0; index < key.size(); ++index) {
    const SymbolicByte& byte = encoding.key[index];
    if (!byte.term && byte.constant != key[index]) return std::nullopt;
    constant[index].constant = key[index];
  }
  if (encoding.direction == EncodingDirection::kForward) {
    std::vector<uint32_t> values;
    for (size_t offset : encoding.varied_bytes) values.push_back(key[offset]);
    return values;
  }
  const SymbolicState state = symbolic_jhash_final_state(constant, encoding.seed);
  return std::vector<uint32_t>{state.a.constant(), state.b.constant(), state.c.constant()};
}

}  // namespace mapsim::synth
