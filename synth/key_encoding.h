// KeyEncoding: a key of a given template as Z3 terms, and its hash as a term, ready for the
// constraint "the hash hits the target".
//
// Two encodings, chosen by the template:
//
// - Backward, when some 12-byte block of the key is entirely free (every key of 12 bytes or
//   more with no template, whatever its size). The solver's variables are the state (a, b, c)
//   that final() leaves behind, and the key's block is computed from it by running the rounds
//   backwards (synth/lookup3_steps.h): unfinal, minus the tail's words, then unmix and minus the
//   fixed words of every block after the free one, then unmix once more and minus the state
//   the blocks before it left. Each of those steps is a bijection, so every state gives exactly
//   one block, distinct states give distinct keys, and "the hash has these low bits" is a
//   constraint on the variable c itself: the solver never has to invert the hash. The key's
//   other free bytes stay zero. The last fully free block is used (fewest rounds to undo).
//
// - Forward, otherwise (keys of 1..11 bytes, or templates that fix a byte in every block).
//   Every free byte is an 8-bit variable and the hash is jhash computed forward over them
//   (synth/symbolic_jhash.h). The solver then inverts the low bits of the hash by search, which
//   costs roughly twice as much per extra target bit: fine for the bucket counts of test maps
//   (a few thousand buckets), slow for 2^16 and more. Because every free byte is a variable,
//   "unsat" here proves that no further key fits the template.
#pragma once

#include <z3++.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "synth/key_template.h"
#include "synth/symbolic_word.h"

namespace mapsim::synth {

enum class EncodingDirection { kForward, kBackward };

struct KeyEncoding {
  EncodingDirection direction = EncodingDirection::kForward;
  uint32_t seed = 0;                  ///< the map's hashrnd
  // The solver's unknowns: the free bytes (forward, 8 bits each) or final()'s state a, b, c
  // (backward, 32 bits each). Keys are distinct exactly when these values are (backward: the
  // rounds are bijections), so blocking clauses name them, not the key bytes: a clause over
  // bytes computed through the inverse rounds is one a SAT solver struggles to satisfy.
  std::vector<z3::expr> variables;
  std::vector<SymbolicByte> key;      ///< key_size bytes: constants or terms of the variables
  SymbolicWord hash{0u};              ///< the key's hash (backward: the variable c)
  std::vector<size_t> varied_bytes;   ///< offsets of the bytes that are terms
  std::string summary;                ///< for users: "backward through bytes 0..11", ...
};

KeyEncoding encode_key_hash(z3::context& context, const KeyTemplate& key_template,
                            uint32_t seed);

// The values the encoding's variables take for `key` (in the order of `variables`), or nullopt
// when the key lies outside the encoded space (it differs in a byte the encoding holds
// constant). REQUIRES: key.size() == encoding.key.size().
std::optional<std::vector<uint32_t>> variable_values_for_key(const KeyEncoding& encoding,
                                                             const Bytes& key);

}  // namespace mapsim::synth
