// Read-only views of the maps without links: ARRAY / PERCPU_ARRAY and BLOOM_FILTER. They have
// no lists to corrupt; what can go wrong is the layout (value stride, per-CPU slots, the bit
// array's geometry), so that is what they show. Test-only, like impl/inspection/hash_view.h.
#pragma once

#include <cstdint>

namespace mapsim {

struct ArrayMapView {
  bool percpu = false;
  uint32_t max_entries = 0;
  uint32_t value_size = 0;
  int possible_cpus = 0;
  uint32_t value_stride = 0;   ///< bytes of one value slot
  uint64_t element_bytes = 0;  ///< bytes of one index (all CPUs' slots for PERCPU_ARRAY)
  uint64_t syscall_value_size = 0;
  bool values_allocated = false;
};

struct BloomFilterView {
  uint32_t hash_count = 0;  ///< k
  uint32_t bit_mask = 0;    ///< bits - 1
  uint64_t word_count = 0;  ///< u64 words of the bit array
  bool words_allocated = false;
  uint64_t bits_set = 0;    ///< population count of the array
};

}  // namespace mapsim
