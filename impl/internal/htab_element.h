// The element of the hash-table family and its memory layout (kernel struct htab_elem).
//
//   HtabElement header   next (nulls-list link), free_next, hash
//   [node area]          node_bytes reserved for the map flavour (the LRU node of LRU maps)
//   key                  key_size bytes, area rounded up to 8
//   value                round_up(value_size, 8) bytes, or for per-CPU maps a pointer to the
//                        element's per-CPU area: possible_cpus slots of round_up(value_size, 8)
//
// The bucket chains are "nulls" lists (kernel hlist_nulls): the last link of a chain is not
// NULL but an odd marker (bucket index << 1 | 1). A lock-free reader that followed an element
// which was deleted and reused in another bucket ends on the wrong marker and restarts; that is
// what makes immediate reuse of preallocated elements safe for readers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "impl/uapi.h"

namespace mapsim::internal {

template <class P>
struct HtabElement {
  // Nulls-list link: an element address (even) or a nulls marker (odd). Written under the
  // bucket lock, read by lock-free readers.
  typename P::template Atomic<uintptr_t> next{0};
  // Per-CPU free-list link; only touched under that free list's lock (or before publication),
  // and as the private list of a batch delete (under the bucket lock that unlinked it).
  typename P::template Plain<HtabElement*> free_next{nullptr};
  // The key's full 32-bit hash; compared before the key bytes. Rewritten when a preallocated
  // element is reused while stale readers may still look at it, hence racy.
  typename P::template Racy<uint32_t> hash{0};
};

constexpr uintptr_t nulls_marker(uint32_t bucket_index) {
  return (uintptr_t{bucket_index} << 1) | 1;
}
constexpr bool is_nulls_marker(uintptr_t link) { return (link & 1) != 0; }
constexpr uint32_t nulls_bucket(uintptr_t link) { return static_cast<uint32_t>(link >> 1); }

// Byte offsets inside one element; computed once per map.
struct HtabLayout {
  uint32_t key_size = 0;
  uint32_t value_size = 0;
  bool percpu_values = false;
  uint32_t node_offset = 0;     ///< bytes from element start to the node area
  uint32_t key_offset = 0;      ///< bytes from element start to the key
  uint32_t value_offset = 0;    ///< bytes from element start to the value (or per-CPU pointer)
  uint32_t element_size = 0;    ///< bytes per element, a multiple of 8
  uint32_t value_stride = 0;    ///< round_up(value_size, 8): one value slot

  static HtabLayout make(size_t header_bytes, uint32_t node_bytes, uint32_t key_size,
                         uint32_t value_size, bool percpu_values) {
    HtabLayout layout;
    layout.key_size = key_size;
    layout.value_size = value_size;
    layout.percpu_values = percpu_values;
    layout.value_stride = static_cast<uint32_t>(bpf::round_up(value_size, 8));
    layout.node_offset = static_cast<uint32_t>(bpf::round_up(header_bytes, 8));
    layout.key_offset = layout.node_offset + static_cast<uint32_t>(bpf::round_up(node_bytes, 8));
    layout.value_offset = layout.key_offset + static_cast<uint32_t>(bpf::round_up(key_size, 8));
    layout.element_size =
        layout.value_offset + (percpu_values ? uint32_t{sizeof(void*)} : layout.value_stride);
    return layout;
  }
};

}  // namespace mapsim::internal
