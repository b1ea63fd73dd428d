#include "synth/symbolic_word.h"

#include <bit>

#include "impl/assert.h"

namespace mapsim::synth {

SymbolicWord::SymbolicWord(const z3::expr& term) : term_(term) {
  MAPSIM_ASSERT(term.is_bv(), "a hash word is a bit-vector");
  MAPSIM_ASSERT(term.get_sort().bv_size() == 32, "a hash word has 32 bits");
}

uint32_t SymbolicWord::constant() const {
  MAPSIM_ASSERT(is_constant(), "only a constant word has a value without a model");
  return constant_;
}

z3::expr SymbolicWord::term(z3::context& context) const {
  return term_ ? *term_ : context.bv_val(constant_, 32);
}

z3::context& SymbolicWord::context_of(const SymbolicWord& left, const SymbolicWord& right) {
  MAPSIM_ASSERT(left.term_ || right.term_, "two constants fold without a context");
  return left.term_ ? left.term_->ctx() : right.term_->ctx();
}

SymbolicWord operator+(const SymbolicWord& left, const SymbolicWord& right) {
  if (left.is_constant() && right.is_constant()) {
    return SymbolicWord(left.constant_ + right.constant_);
  }
  z3::context& context = SymbolicWord::context_of(left, right);
  return SymbolicWord(left.term(context) + right.term(context));
}

SymbolicWord operator-(const SymbolicWord& left, const SymbolicWord& right) {
  if (left.is_constant() && right.is_constant()) {
    return SymbolicWord(left.constant_ - right.constant_);
  }
  z3::context& context = SymbolicWord::context_of(left, right);
  return SymbolicWord(left.term(context) - right.term(context));
}

SymbolicWord operator^(const SymbolicWord& left, const SymbolicWord& right) {
  if (left.is_constant() && right.is_constant()) {
    return SymbolicWord(left.constant_ ^ right.constant_);
  }
  z3::context& context = SymbolicWord::context_of(left, right);
  return SymbolicWord(left.term(context) ^ right.term(context));
}

uint32_t rotate_left(uint32_t word, int shift) {
  MAPSIM_ASSERT(shift > 0 && shift < 32, "lookup3 rotates by 1..31 bits");
  return std::rotl(word, shift);
}

SymbolicWord rotate_left(const SymbolicWord& word, int shift) {
  if (word.is_constant()) return SymbolicWord(rotate_left(word.constant(), shift));
  MAPSIM_ASSERT(shift > 0 && shift < 32, "lookup3 rotates by 1..31 bits");
  z3::expr term = *word.term_;  // z3::expr::rotate_left is not const
  return SymbolicWord(term.rotate_left(static_cast<unsigned>(shift)));
}

SymbolicWord load_word(const std::vector<SymbolicByte>& key, size_t offset, size_t count) {
  MAPSIM_ASSERT(count >= 1 && count <= 4, "a word holds 1..4 key bytes");
  MAPSIM_ASSERT(offset + count <= key.size(), "the word lies inside the key");
  const SymbolicByte* term_byte = nullptr;
  uint32_t constant = 0;
  for (size_t index = 0; index < count; ++index) {
    const SymbolicByte& byte = key[offset + index];
    if (byte.term) term_byte = &byte;
    constant |= uint32_t{byte.constant} << (8 * index);
  }
  if (term_byte == nullptr) return SymbolicWord(constant);
  // Little-endian: the byte at the highest offset is the most significant; concat() takes the
  // most significant part first.
  z3::context& context = term_byte->term->ctx();
  z3::expr_vector parts(context);
  if (count < 4) parts.push_back(context.bv_val(0, 8 * static_cast<unsigned>(4 - count)));
  for (size_t index = count; index-- > 0;) {
    const SymbolicByte& byte = key[offset + index];
    parts.push_back(byte.term ? *byte.term : context.bv_val(byte.constant, 8));
  }
  const z3::expr word = z3::concat(parts);
  return SymbolicWord(word);
}

}  // namespace mapsim::synth
