#include "model/reference/array_model.h"

#include "impl/assert.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::reference {
namespace {

uint32_t index_of_key(const Bytes& key) {
  MAPSIM_ASSERT(key.size() == 4, "array keys are u32 indices");
  return uint32_t{key[0]} | uint32_t{key[1]} << 8 | uint32_t{key[2]} << 16 |
         uint32_t{key[3]} << 24;
}

}  // namespace

ArrayModel::ArrayModel(const ModelInfo& info, int possible_cpus)
    : info_(info), slots_(info.value_size, possible_cpus) {
  const Bytes zeros = percpu() ? slots_.zero_area() : Bytes(info.value_size, 0);
  values_.assign(info.max_entries, zeros);
}

bool ArrayModel::percpu() const { return info_.type == kTypePercpuArray; }

uint32_t ArrayModel::index_of(const Bytes& key) const { return index_of_key(key); }

ModelResult ArrayModel::apply(const ModelOp& op) {
  switch (element_op_code(op.code)) {
    case ElementOpCode::kLookup:
      return lookup(op);
    case ElementOpCode::kUpdate:
      return result_of(update(op));
    case ElementOpCode::kDelete:
      return result_of(kEINVAL);  // elements cannot be deleted, whatever the index
    case ElementOpCode::kGetNextKey:
      return get_next_key(op);
    case ElementOpCode::kLookupAndDelete:
      return result_of(kENOTSUPP);
  }
  MAPSIM_ASSERT(false, "every op code is handled");
  return {};
}

ModelResult ArrayModel::lookup(const ModelOp& op) const {
  const uint32_t index = index_of(*op.key);
  if (index >= info_.max_entries) return result_of(kENOENT);
  if (!percpu() || op.caller == Caller::kSyscall) return result_of(0, values_[index]);
  return result_of(0, slots_.cpu_value(values_[index], op.cpu));
}

// array_map_update_elem(): the program path of both types and the syscall path of ARRAY.
// Order: flags, index (E2BIG), NOEXIST (every element exists), BPF_F_LOCK without a spin lock.
int ArrayModel::update(const ModelOp& op) {
  if (percpu() && op.caller == Caller::kSyscall) return update_percpu_from_syscall(op);
  if ((op.flags & ~kElemLock) > kUpdateExist) return kEINVAL;
  const uint32_t index = index_of(*op.key);
  if (index >= info_.max_entries) return kE2BIG;
  if (op.flags & kUpdateNoExist) return kEEXIST;
  if (op.flags & kElemLock) return kEINVAL;
  if (percpu()) {
    slots_.write_from_program(values_[index], op.cpu, op.value);
  } else {
    values_[index] = op.value;
  }
  return 0;
}

// bpf_percpu_array_update(): BPF_F_LOCK is one more invalid flag here.
int ArrayModel::update_percpu_from_syscall(const ModelOp& op) {
  if (op.flags > kUpdateExist) return kEINVAL;
  const uint32_t index = index_of(*op.key);
  if (index >= info_.max_entries) return kE2BIG;
  if (op.flags == kUpdateNoExist) return kEEXIST;
  slots_.write_from_syscall(values_[index], op.value);
  return 0;
}

ModelResult ArrayModel::get_next_key(const ModelOp& op) const {
  return array_index_next_key(op.key, info_.max_entries);
}

ModelResult array_index_next_key(const std::optional<Bytes>& key, uint32_t max_entries) {
  uint32_t next = 0;
  if (key) {
    const uint32_t index = index_of_key(*key);
    if (index < max_entries) {
      if (index == max_entries - 1) return result_of(kENOENT);
      next = index + 1;
    }
  }
  return result_of(0, Bytes{static_cast<unsigned char>(next),
                            static_cast<unsigned char>(next >> 8),
                            static_cast<unsigned char>(next >> 16),
                            static_cast<unsigned char>(next >> 24)});
}

}  // namespace mapsim::reference
