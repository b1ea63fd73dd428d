// Hex text <-> raw bytes, for keys and values in op scripts (spec/op-script.md).
//
// The text is the bytes in memory order, two digits per byte: on x86 that is the
// little-endian encoding of an integer, so the u32 key 1 is "01000000". Input accepts either
// case; output is always lowercase, so two backends' outputs compare as strings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mapsim {

using Bytes = std::vector<unsigned char>;  // the same alias as scenarios/op_backend.h

std::string hex_from_bytes(const Bytes& bytes);

// Parses `text` into *bytes. On failure returns false and says why in *error (without naming
// the field; the caller knows which field it parsed). The empty string is zero bytes.
bool bytes_from_hex(std::string_view text, Bytes* bytes, std::string* error);

}  // namespace mapsim
