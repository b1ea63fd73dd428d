// Hex text of key bytes in memory order (the op scripts' convention, spec/op-script.md: the u32
// key 1 is "01000000"), for the cache and the templates; the formatting is impl/hex_text.h's,
// shared with scenarios/hex.h (scenario loading calls synth/, so synth/ cannot use that).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mapsim::synth {

using Bytes = std::vector<unsigned char>;

// Lowercase, two digits per byte.
std::string hex_from_bytes(const Bytes& bytes);
// Two hex digits (either case) as a byte; nullopt for anything else.
std::optional<unsigned char> byte_from_hex(std::string_view pair);
// A whole hex string; nullopt when a character is not a hex digit or the length is odd.
std::optional<Bytes> bytes_from_hex(std::string_view text);

}  // namespace mapsim::synth
