// BloomModel: the reference model of BPF_MAP_TYPE_BLOOM_FILTER (fact sheet 7).
//
// Geometry: k = map_extra & 0xF hash functions (0 means 5); nr = max_entries x k, then
// (nr / 5) x 7; if either product overflows u32 or nr > 2^31 the filter has 2^32 bits,
// otherwise max(64, roundup_pow_of_two(nr)) bits. Bit i of a value = jhash2 of its u32 words
// (value_size % 4 == 0) or jhash of its bytes, with initval seed + i, & (bits - 1); the seed is
// 0 with BPF_F_ZERO_SEED.
// Ops (the key is empty: key_size 0):
// - update ("push"): flags other than BPF_ANY -> EINVAL; sets the value's k bits; never full;
// - lookup ("peek"): op.value is the item to test (the syscall's value buffer, an op script's
//   "value"); any of its k bits clear -> ENOENT, else 0, and the buffer is not written;
// - delete, get_next_key -> EOPNOTSUPP (95); lookup_and_delete and batches -> ENOTSUPP (524);
// - programs use push/peek helpers, not lookup/update/delete: map_model.h refuses those.
// The set bits are kept as a set of bit numbers, so a 2^32-bit filter costs nothing until used.
#pragma once

#include <cstdint>
#include <set>

#include "model/reference/model_op.h"
#include "model/reference/state_hasher.h"

namespace mapsim::reference {

class BloomModel {
 public:
  // REQUIRES: `info` passed the bloom filter creation checks (create_model.h).
  BloomModel(const ModelInfo& info, uint32_t seed);

  ModelResult apply(const ModelOp& op);

  uint32_t hash_count() const { return hash_count_; }
  uint64_t bit_count() const { return uint64_t{bit_mask_} + 1; }

  bool operator==(const BloomModel&) const = default;
  void hash_into(StateHasher& hasher) const {
    hasher.add(std::vector<uint32_t>(bits_.begin(), bits_.end()));
  }

 private:
  uint32_t bit_of(const Bytes& value, uint32_t index) const;

  ModelInfo info_;
  uint32_t seed_;
  uint32_t hash_count_;
  uint32_t bit_mask_;
  std::set<uint32_t> bits_;  ///< the bits that are set
};

}  // namespace mapsim::reference
