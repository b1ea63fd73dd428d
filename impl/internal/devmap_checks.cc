#include "impl/internal/devmap_checks.h"

#include "impl/assert.h"
#include "impl/uapi.h"

namespace mapsim::internal {
namespace {

using namespace mapsim::bpf;

constexpr uint32_t kDevmapCreateFlagMask = kFNumaNode | kFRdonly | kFWronly;
// struct bpf_devmap_val: 4 bytes (ifindex) or 8 bytes (ifindex and program fd / id).
constexpr uint32_t kDevmapValueSizeLegacy = 4;
constexpr uint32_t kDevmapValueSizeWithProgram = 8;

}  // namespace

int devmap_alloc_check(const MapAttr& attr) {
  if (attr.max_entries == 0 || attr.key_size != 4 ||
      (attr.value_size != kDevmapValueSizeLegacy &&
       attr.value_size != kDevmapValueSizeWithProgram) ||
      (attr.map_flags & ~kDevmapCreateFlagMask)) {
    return kEINVAL;
  }
  // roundup_pow_of_two() into the u32 n_buckets: 0 for anything above 2^31 (overflow check).
  if (attr.map_type == kMapDevmapHash && attr.max_entries > (1u << 31)) return kEINVAL;
  return 0;
}

uint32_t devmap_hash_bucket_count(uint32_t max_entries) {
  MAPSIM_ASSERT(max_entries != 0 && max_entries <= (1u << 31), "devmap_alloc_check passed");
  uint32_t count = 1;
  while (count < max_entries) count <<= 1;
  return count;
}

}  // namespace mapsim::internal
