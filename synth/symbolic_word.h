// SymbolicWord: one 32-bit word of the hash computation, either a known constant or a Z3
// bit-vector term over the bytes the solver chooses.
//
// Arithmetic on two constants folds to a constant, so only the part of jhash that depends on
// the solver's bytes becomes a formula: a 4 KiB key whose free bytes sit in one 12-byte block
// costs one block's worth of terms, and a key with no free byte hashes to a plain number (which
// is how the encoding is tested against impl/jhash.h). All arithmetic is mod 2^32, as in the
// kernel's u32 code.
#pragma once

#include <z3++.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace mapsim::synth {

class SymbolicWord {
 public:
  explicit SymbolicWord(uint32_t constant) : constant_(constant) {}
  // REQUIRES: term is a 32-bit bit-vector.
  explicit SymbolicWord(const z3::expr& term);

  bool is_constant() const { return !term_.has_value(); }
  // REQUIRES: is_constant().
  uint32_t constant() const;
  // The word as a term of `context` (a numeral for constants).
  z3::expr term(z3::context& context) const;

  friend SymbolicWord operator+(const SymbolicWord& left, const SymbolicWord& right);
  friend SymbolicWord operator-(const SymbolicWord& left, const SymbolicWord& right);
  friend SymbolicWord operator^(const SymbolicWord& left, const SymbolicWord& right);
  SymbolicWord& operator+=(const SymbolicWord& other) { return *this = *this + other; }
  SymbolicWord& operator-=(const SymbolicWord& other) { return *this = *this - other; }
  SymbolicWord& operator^=(const SymbolicWord& other) { return *this = *this ^ other; }
  friend SymbolicWord rotate_left(const SymbolicWord& word, int shift);

 private:
  // The context of whichever operand is a term (at least one is, when this is called).
  static z3::context& context_of(const SymbolicWord& left, const SymbolicWord& right);

  std::optional<z3::expr> term_;  ///< nullopt: the word is constant_
  uint32_t constant_ = 0;
};

// rol32(): rotate left by `shift` bits, 0 < shift < 32. The uint32_t overload lets the lookup3
// steps (synth/lookup3_steps.h) run on plain numbers as well as on SymbolicWords.
uint32_t rotate_left(uint32_t word, int shift);
SymbolicWord rotate_left(const SymbolicWord& word, int shift);

// One key byte: a constant, or an 8-bit term.
struct SymbolicByte {
  std::optional<z3::expr> term;  ///< nullopt: the byte is `constant`
  uint8_t constant = 0;
};

// The u32 word made of `count` (1..4) bytes starting at key[offset], little-endian as the
// kernel reads them on x86; missing high bytes are zero (jhash's tail).
// REQUIRES: 1 <= count <= 4, offset + count <= key.size().
SymbolicWord load_word(const std::vector<SymbolicByte>& key, size_t offset, size_t count);

}  // namespace mapsim::synth
