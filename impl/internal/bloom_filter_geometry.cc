#include "impl/internal/bloom_filter_geometry.h"

#include <bit>

#include "impl/internal/create_checks.h"
#include "impl/jhash.h"
#include "impl/uapi.h"

namespace mapsim::internal {
namespace {

using namespace mapsim::bpf;

constexpr uint32_t kAccessMask = kFRdonly | kFRdonlyProg | kFWronly | kFWronlyProg;
constexpr uint32_t kBloomCreateFlagMask = kFNumaNode | kFZeroSeed | kAccessMask;
constexpr uint64_t kHashCountMask = 0xF;  // map_extra's low 4 bits
constexpr uint32_t kDefaultHashCount = 5;
constexpr uint32_t kBitsPerLong = 64;

// The kernel's u32 bit count, or false when the computation leaves u32 (check_mul_overflow)
// or passes 2^31: then the array has the largest size, 2^32 bits.
bool bit_count_fits(uint32_t max_entries, uint32_t hash_count, uint32_t* bits) {
  const uint64_t product = uint64_t{max_entries} * hash_count;
  if (product > UINT32_MAX) return false;
  const uint64_t scaled = (product / 5) * 7;  // integer division first, as the kernel does
  if (scaled > UINT32_MAX || scaled > (uint64_t{1} << 31)) return false;
  *bits = static_cast<uint32_t>(scaled);
  return true;
}

}  // namespace

int bloom_alloc_check(const MapAttr& attr) {
  // A bigger value could not even be copied in from userspace.
  if (attr.value_size > kKmallocMaxSize) return kE2BIG;
  return 0;
}

int bloom_compute_geometry(const MapAttr& attr, BloomGeometry* geometry) {
  if (attr.key_size != 0 || attr.value_size == 0 || attr.max_entries == 0 ||
      (attr.map_flags & ~kBloomCreateFlagMask) || !map_flags_access_ok(attr.map_flags) ||
      (attr.map_extra & ~kHashCountMask)) {
    return kEINVAL;
  }
  const uint32_t requested = static_cast<uint32_t>(attr.map_extra);
  geometry->hash_count = requested == 0 ? kDefaultHashCount : requested;
  uint32_t bits = 0;
  if (!bit_count_fits(attr.max_entries, geometry->hash_count, &bits)) {
    geometry->bit_mask = UINT32_MAX;
    return 0;
  }
  bits = bits <= kBitsPerLong ? kBitsPerLong : std::bit_ceil(bits);
  geometry->bit_mask = bits - 1;
  return 0;
}

uint32_t bloom_bit_index(const BloomGeometry& geometry, uint32_t seed, const void* value,
                         uint32_t value_size, uint32_t hash_index) {
  // The kernel picks jhash2 for u32-multiple sizes and jhash otherwise: the same choice hash
  // maps make for their keys, which htab_key_hash() reproduces (for any alignment).
  return htab_key_hash(value, value_size, seed + hash_index) & geometry.bit_mask;
}

}  // namespace mapsim::internal
