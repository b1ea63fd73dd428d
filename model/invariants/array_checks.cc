// ARRAY / PERCPU_ARRAY and BLOOM_FILTER: no links, nothing that moves; their invariants are
// the layout users see through it (value stride, per-CPU slots, the bit array's geometry).
#include "model/invariants/family_checks.h"

namespace mapsim::invariants {

std::string check_array_map(const ArrayMapView& view) {
  const uint64_t stride = (uint64_t{view.value_size} + 7) / 8 * 8;
  if (view.value_stride != stride) {
    return "value stride " + std::to_string(view.value_stride) + " for value_size " +
           std::to_string(view.value_size) + " (expected " + std::to_string(stride) + ")";
  }
  const uint64_t cpus = static_cast<uint64_t>(view.possible_cpus);
  const uint64_t element = view.percpu ? stride * cpus : stride;
  if (view.element_bytes != element) {
    return "an index takes " + std::to_string(view.element_bytes) + " bytes, expected " +
           std::to_string(element);
  }
  const uint64_t syscall = view.percpu ? stride * cpus : view.value_size;
  if (view.syscall_value_size != syscall) {
    return "syscall value size " + std::to_string(view.syscall_value_size) + ", expected " +
           std::to_string(syscall);
  }
  if (!view.values_allocated) return "the value array is missing";
  return "";
}

std::string check_bloom_filter(const BloomFilterView& view) {
  if (view.hash_count < 1 || view.hash_count > 15) {
    return "hash count " + std::to_string(view.hash_count) + " is outside 1..15";
  }
  const uint64_t bits = uint64_t{view.bit_mask} + 1;
  if (bits < 64 || (bits & (bits - 1)) != 0) {
    return "bit count " + std::to_string(bits) + " is not a power of two of at least 64";
  }
  if (view.word_count != bits / 64) {
    return std::to_string(view.word_count) + " words hold " + std::to_string(bits) + " bits";
  }
  if (!view.words_allocated) return "the bit array is missing";
  return "";
}

}  // namespace mapsim::invariants
