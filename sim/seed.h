// Seeds (STYLE G10): every random choice of a run derives from one 64-bit seed, and a seed can
// be given as a number or as a git commit hash, so CI can run with varied seeds whose failures
// stay reproducible ("seed=<commit>").
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/result.h"

namespace mapsim::sim {

// Accepts a decimal number ("42"), a hex number ("0x2a"), or a 40-digit git commit hash
// (its first 16 hex digits). Anything else is an error naming the input.
Result<uint64_t> parse_seed(std::string_view text);

}  // namespace mapsim::sim
