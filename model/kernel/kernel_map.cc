#include "model/kernel/kernel_map.h"

#include <bpf/bpf.h>

#include <utility>

#include "impl/assert.h"
#include "impl/uapi.h"
#include "model/kernel/cpu_pin.h"

namespace mapsim {

namespace {

bool is_per_cpu_value_type(uint32_t map_type) {
  return map_type == bpf::kMapPercpuHash || map_type == bpf::kMapPercpuArray ||
         map_type == bpf::kMapLruPercpuHash || map_type == bpf::kMapPercpuCgroupStorage;
}

}  // namespace

KernelMap::KernelMap(OwnedFd fd, const MapInfo& info, int possible_cpus)
    : fd_(std::move(fd)), info_(info) {
  syscall_value_size_ = is_per_cpu_value_type(info.map_type)
                            ? bpf::round_up(info.value_size, 8) * possible_cpus
                            : info.value_size;
}

const void* KernelMap::key_pointer(const Bytes& key) const {
  MAPSIM_ASSERT(key.size() == info_.key_size, "keys are exactly key_size bytes");
  // A user passes NULL where there is no key (BLOOM_FILTER, key_size 0), a buffer otherwise.
  return info_.key_size == 0 ? nullptr : key.data();
}

MapPrograms& KernelMap::programs() {
  if (!programs_) {
    programs_ = std::make_unique<MapPrograms>(fd_.get(), info_.key_size, info_.value_size);
  }
  return *programs_;
}

int KernelMap::lookup(Via via, int cpu, const Bytes& key, uint64_t flags, Bytes* value) {
  CpuPin pin(cpu);
  if (via == Via::kProgram) return programs().lookup(cpu, key, value);
  value->resize(syscall_value_size_);
  return bpf_map_lookup_elem_flags(fd_.get(), key_pointer(key), value->data(), flags);
}

int KernelMap::update(Via via, int cpu, const Bytes& key, const Bytes& value, uint64_t flags) {
  CpuPin pin(cpu);
  if (via == Via::kProgram) return programs().update(cpu, key, value, flags);
  MAPSIM_ASSERT(value.size() == syscall_value_size_, "syscall values are whole buffers");
  return bpf_map_update_elem(fd_.get(), key_pointer(key), value.data(), flags);
}

int KernelMap::remove(Via via, int cpu, const Bytes& key) {
  CpuPin pin(cpu);
  if (via == Via::kProgram) return programs().remove(cpu, key);
  return bpf_map_delete_elem(fd_.get(), key_pointer(key));
}

int KernelMap::get_next_key(int cpu, const std::optional<Bytes>& key, Bytes* next_key) {
  CpuPin pin(cpu);
  next_key->resize(info_.key_size);
  const void* key_argument = key.has_value() ? key_pointer(*key) : nullptr;
  return bpf_map_get_next_key(fd_.get(), key_argument, next_key->data());
}

int KernelMap::lookup_and_delete(int cpu, const Bytes& key, uint64_t flags, Bytes* value) {
  CpuPin pin(cpu);
  value->resize(syscall_value_size_);
  return bpf_map_lookup_and_delete_elem_flags(fd_.get(), key_pointer(key), value->data(), flags);
}

}  // namespace mapsim
