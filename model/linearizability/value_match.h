// Whether an observed value is the one the specification expects.
//
// Per-CPU values are compared slot by slot on value_size bytes: the padding up to the 8-byte
// slot stride is left out, because which stale padding an insert's element carries depends on
// the order in which concurrent frees reached the free lists, which no sequential order of the
// map ops decides (the reference model test checks padding on sequential runs).
#pragma once

#include <algorithm>

#include "model/linearizability/prepared_history.h"

namespace mapsim::linearizability {

// Slot `cpu` of two per-CPU areas, on value_size bytes.
inline bool slot_equal(const MapShape& shape, int cpu, const reference::Bytes& expected,
                       const reference::Bytes& observed) {
  const size_t offset = shape.slot_stride * static_cast<size_t>(cpu);
  const size_t bytes = shape.info.value_size;
  if (expected.size() < offset + bytes || observed.size() < offset + bytes) return false;
  return std::equal(expected.begin() + static_cast<ptrdiff_t>(offset),
                    expected.begin() + static_cast<ptrdiff_t>(offset + bytes),
                    observed.begin() + static_cast<ptrdiff_t>(offset));
}

// A value as a syscall (whole per-CPU area) or a program (value_size bytes) reads it.
inline bool value_equal(const MapShape& shape, reference::Caller caller,
                        const reference::Bytes& expected, const reference::Bytes& observed) {
  if (!shape.percpu || caller == reference::Caller::kProgram) return expected == observed;
  if (expected.size() != observed.size()) return false;
  if (expected.empty()) return true;  // no value: a failed lookup
  for (int cpu = 0; cpu < shape.possible_cpus; ++cpu) {
    if (!slot_equal(shape, cpu, expected, observed)) return false;
  }
  return true;
}

}  // namespace mapsim::linearizability
