#include "impl/internal/lpm_trie_checks.h"

#include "impl/internal/create_checks.h"
#include "impl/internal/lpm_trie_key.h"
#include "impl/uapi.h"

namespace mapsim::internal {

int lpm_trie_check_attr(const MapAttr& attr) {
  using namespace mapsim::bpf;
  constexpr uint32_t kCreateFlagMask =
      kFNoPrealloc | kFNumaNode | kFRdonly | kFRdonlyProg | kFWronly | kFWronlyProg;
  const bool bad_flags = !(attr.map_flags & kFNoPrealloc) || (attr.map_flags & ~kCreateFlagMask) ||
                         !map_flags_access_ok(attr.map_flags);
  const bool bad_key = attr.key_size < kLpmPrefixlenBytes + kLpmDataSizeMin ||
                       attr.key_size > kLpmPrefixlenBytes + kLpmDataSizeMax;
  const bool bad_value = attr.value_size < 1 || attr.value_size > kLpmValueSizeMax;
  if (attr.max_entries == 0 || bad_flags || bad_key || bad_value) return kEINVAL;
  return 0;
}

}  // namespace mapsim::internal
