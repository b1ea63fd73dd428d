// The atomic add of the program sequences (kLookupAddElseInsert, kAddThroughPointer; history.h):
// the counter is the first 8 bytes of the value (the first 4 when value_size < 8),
// little-endian, in the adding CPU's slot of a per-CPU map; the add wraps around as the
// kernel's atomic add instruction does.
#pragma once

#include <cstdint>
#include <optional>

#include "model/reference/map_model.h"
#include "model/reference/model_op.h"

namespace mapsim::linearizability {

// The counter width of a map: 8 bytes, or 4 when value_size < 8.
inline uint32_t counter_bytes_of(uint32_t value_size) { return value_size >= 8 ? 8 : 4; }

// The little-endian integer in the first min(bytes, 8) bytes of `value`.
uint64_t little_endian_prefix(const reference::Bytes& value, uint32_t bytes);

// Adds `addend` to the counter at the front of `slot`, wrapping. REQUIRES: slot holds it.
void add_to_counter(reference::Bytes& slot, uint32_t counter_bytes, uint64_t addend);

// The counter bytes at the front of `slot`. REQUIRES: slot holds them.
reference::Bytes counter_of(const reference::Bytes& slot, uint32_t counter_bytes);

// The add on a reference model, in place as the program's atomic add is: looks the key up as a
// program on `cpu`, adds to the counter of that CPU's value and writes it back with BPF_EXIST.
// Returns the counter after the add, or nullopt (and no change) when the key is absent.
// The write-back moves a HASH key to the head of its chain (the model has no in-place write
// for HASH); only get_next_key order can see that, and the checker does not combine the two.
std::optional<reference::Bytes> model_counter_add(reference::MapModel& model, int cpu,
                                                  const reference::Bytes& key,
                                                  uint64_t addend, uint32_t counter_bytes);

}  // namespace mapsim::linearizability
