// The atomic add a BPF program performs through the value pointer bpf_map_lookup_elem()
// returned (`__sync_fetch_and_add(&value->counter, n)`, BPF_ATOMIC | BPF_ADD): one visible
// read-modify-write of 4 or 8 bytes of map value memory.
//
// Under the simulator the add is a scheduling point on the memory it touches (the arena block
// and the bytes within it), so DPOR orders it against the map's own copies of that value and a
// concurrent delete and reuse of the element can land before it. Adding to freed memory is a
// use after free. In direct mode (setup) it takes effect at once.
#pragma once

#include <cstdint>

namespace mapsim::scenario {

// Adds `addend` (truncated to `width` bytes) to the little-endian integer of `width` bytes at
// `address` and returns the new value. REQUIRES: width is 4 or 8; an execution is current.
uint64_t value_atomic_add(void* address, unsigned width, uint64_t addend);

}  // namespace mapsim::scenario
