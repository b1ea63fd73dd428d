#include "synth/key_space.h"

#include <vector>

#include "impl/assert.h"
#include "impl/jhash.h"

namespace mapsim::synth {

uint64_t count_keys_on_target(const KeyTemplate& key_template, uint32_t seed,
                              const HashTarget& target, const std::optional<Bytes>& excluded) {
  MAPSIM_ASSERT(key_template.free_byte_count() <= kEnumerableFreeBytesMax,
                "only small key spaces are enumerated");
  Bytes key(key_template.key_size());
  std::vector<size_t> free_offsets;
  for (size_t index = 0; index < key.size(); ++index) {
    if (key_template.is_free(index)) {
      free_offsets.push_back(index);
    } else {
      key[index] = key_template.fixed_byte(index);
    }
  }
  const uint64_t space = uint64_t{1} << (8 * free_offsets.size());
  uint64_t hits = 0;
  for (uint64_t assignment = 0; assignment < space; ++assignment) {
    for (size_t slot = 0; slot < free_offsets.size(); ++slot) {
      key[free_offsets[slot]] = static_cast<unsigned char>(assignment >> (8 * slot));
    }
    if (target.hit(htab_key_hash(key.data(), key_template.key_size(), seed))) ++hits;
  }
  // The excluded key is in the space when it has the fixed bytes; take it out if it hit.
  if (excluded && key_template.matches(*excluded) &&
      target.hit(htab_key_hash(excluded->data(), key_template.key_size(), seed))) {
    --hits;
  }
  return hits;
}

}  // namespace mapsim::synth
