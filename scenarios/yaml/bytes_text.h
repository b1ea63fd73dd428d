// Keys and values written as one scalar (docs/scenario-format.md "Keys and values").
//
// Two forms, never confused with each other:
//   - an integer: unquoted decimal, optionally negative, stored little-endian (x86 memory order)
//     in the field's size; it must fit (0..2^(8 size)-1, or down to -2^(8 size - 1) as two's
//     complement); fields wider than 8 bytes are zero-extended (0xff-extended when negative);
//   - bytes: "0x" and two hex digits per byte, in memory order, exactly the field's size. This is
//     the op scripts' hex with a prefix: the u32 10 is 0x0a000000 (and 0x0000000a is 167772160).
// A quoted scalar is never an integer: "01000000" is refused rather than guessed at.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "scenarios/hex.h"

namespace mapsim::scenario::yaml {

// Exactly `size` bytes from `text`, or nullopt and *error (what is wrong and what was expected,
// without the field's name). `plain`: the scalar was unquoted.
std::optional<Bytes> bytes_from_scalar(std::string_view text, bool plain, size_t size,
                                       std::string* error);

// The canonical scalar: an integer when 1 to 8 bytes hold a little-endian value below 2^32
// (keys and counters read best that way), else 0x and the bytes.
std::string scalar_from_bytes(const Bytes& bytes);

}  // namespace mapsim::scenario::yaml
