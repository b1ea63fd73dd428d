#include "model/linearizability/counter_add.h"

#include <algorithm>

#include "impl/assert.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::linearizability {

using reference::Bytes;

uint64_t little_endian_prefix(const Bytes& value, uint32_t bytes) {
  const size_t count = std::min<size_t>({value.size(), bytes, 8});
  uint64_t number = 0;
  for (size_t i = 0; i < count; ++i) number |= uint64_t{value[i]} << (8 * i);
  return number;
}

void add_to_counter(Bytes& slot, uint32_t counter_bytes, uint64_t addend) {
  MAPSIM_ASSERT(counter_bytes == 4 || counter_bytes == 8, "REQUIRES: a u32 or u64 counter");
  MAPSIM_ASSERT(slot.size() >= counter_bytes, "REQUIRES: the slot holds the counter");
  const uint64_t sum = little_endian_prefix(slot, counter_bytes) + addend;
  for (uint32_t i = 0; i < counter_bytes; ++i) {
    slot[i] = static_cast<unsigned char>(sum >> (8 * i));
  }
}

Bytes counter_of(const Bytes& slot, uint32_t counter_bytes) {
  MAPSIM_ASSERT(slot.size() >= counter_bytes, "REQUIRES: the slot holds the counter");
  return Bytes(slot.begin(), slot.begin() + counter_bytes);
}

std::optional<Bytes> model_counter_add(reference::MapModel& model, int cpu, const Bytes& key,
                                       uint64_t addend, uint32_t counter_bytes) {
  reference::ModelOp lookup;
  lookup.code = reference::OpCode::kLookup;
  lookup.caller = reference::Caller::kProgram;
  lookup.cpu = cpu;
  lookup.key = key;
  reference::ModelResult found = model.apply(lookup);
  if (found.rc != 0) return std::nullopt;
  add_to_counter(found.data, counter_bytes, addend);
  reference::ModelOp write = lookup;
  write.code = reference::OpCode::kUpdate;
  write.value = found.data;
  write.flags = reference::kUpdateExist;
  const reference::ModelResult written = model.apply(write);
  MAPSIM_ASSERT(written.rc == 0, "a present key takes a BPF_EXIST update of its own value");
  return counter_of(found.data, counter_bytes);
}

}  // namespace mapsim::linearizability
