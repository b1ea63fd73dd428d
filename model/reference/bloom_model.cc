#include "model/reference/bloom_model.h"

#include "impl/assert.h"
#include "model/reference/reference_jhash.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::reference {
namespace {

// bloom_map_alloc(): the bit count minus one.
uint32_t bloom_bit_mask(uint32_t max_entries, uint32_t hash_count) {
  const uint64_t product = uint64_t{max_entries} * hash_count;
  if (product > UINT32_MAX) return UINT32_MAX;
  const uint64_t scaled = product / 5 * 7;
  if (scaled > UINT32_MAX || scaled > (uint64_t{1} << 31)) return UINT32_MAX;
  uint64_t bits = 64;  // BITS_PER_LONG
  while (bits < scaled) bits <<= 1;
  return static_cast<uint32_t>(bits - 1);
}

}  // namespace

BloomModel::BloomModel(const ModelInfo& info, uint32_t seed)
    : info_(info),
      seed_(seed),
      hash_count_((info.map_extra & 0xF) == 0 ? 5 : static_cast<uint32_t>(info.map_extra & 0xF)),
      bit_mask_(bloom_bit_mask(info.max_entries, hash_count_)) {}

// hash(): the same key hash as the hash maps', with initval seed + index.
uint32_t BloomModel::bit_of(const Bytes& value, uint32_t index) const {
  return reference_key_hash(value, seed_ + index) & bit_mask_;
}

ModelResult BloomModel::apply(const ModelOp& op) {
  switch (element_op_code(op.code)) {
    case ElementOpCode::kLookup:
      MAPSIM_ASSERT(op.value.size() == info_.value_size, "REQUIRES: the item to test");
      for (uint32_t index = 0; index < hash_count_; ++index) {
        if (bits_.count(bit_of(op.value, index)) == 0) return result_of(kENOENT);
      }
      return result_of(0, op.value);  // the buffer, which the kernel leaves as it was
    case ElementOpCode::kUpdate:
      if (op.flags != kUpdateAny) return result_of(kEINVAL);
      for (uint32_t index = 0; index < hash_count_; ++index) bits_.insert(bit_of(op.value, index));
      return result_of(0);
    case ElementOpCode::kDelete:
    case ElementOpCode::kGetNextKey:
      return result_of(kEOPNOTSUPP);
    case ElementOpCode::kLookupAndDelete:
      return result_of(kENOTSUPP);
  }
  MAPSIM_ASSERT(false, "every op code is handled");
  return {};
}

}  // namespace mapsim::reference
