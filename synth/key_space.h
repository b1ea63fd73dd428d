// Exact counts of the keys a template allows whose hash hits a target, by hashing every one of
// them: how an impossible request ("4 keys in bucket 3" when only 2 of the 256 one-byte keys
// land there) is told apart from a hard one before any solving. Only for small key spaces.
#pragma once

#include <cstdint>
#include <optional>

#include "synth/hash_target.h"
#include "synth/key_template.h"

namespace mapsim::synth {

// Key spaces of up to 2^24 keys (three free bytes) are counted; 2^24 hashes take a fraction of
// a second.
inline constexpr size_t kEnumerableFreeBytesMax = 3;

// How many keys fitting `key_template` hash (as the kernel does, with `seed`) onto `target`,
// not counting `excluded`. REQUIRES: key_template.free_byte_count() <= kEnumerableFreeBytesMax.
uint64_t count_keys_on_target(const KeyTemplate& key_template, uint32_t seed,
                              const HashTarget& target, const std::optional<Bytes>& excluded);

}  // namespace mapsim::synth
