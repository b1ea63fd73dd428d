#include "model/kernel/kernel_map.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <utility>

#include "impl/assert.h"
#include "impl/uapi.h"
#include "model/kernel/cpu_pin.h"

namespace mapsim {

namespace {

uint64_t address(const void* pointer) { return reinterpret_cast<uintptr_t>(pointer); }

int batch_command(BatchOp op) {
  switch (op) {
    case BatchOp::kLookup: return BPF_MAP_LOOKUP_BATCH;
    case BatchOp::kLookupAndDelete: return BPF_MAP_LOOKUP_AND_DELETE_BATCH;
    case BatchOp::kUpdate: return BPF_MAP_UPDATE_BATCH;
    case BatchOp::kDelete: return BPF_MAP_DELETE_BATCH;
  }
  return BPF_MAP_LOOKUP_BATCH;
}

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
    programs_ = std::make_unique<MapPrograms>(fd_.get(), info_.map_type, info_.key_size,
                                              info_.value_size);
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

int KernelMap::batch(int cpu, const BatchRequest& request, BatchBuffers* buffers) {
  CpuPin pin(cpu);
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  const bool lookup = request.op == BatchOp::kLookup || request.op == BatchOp::kLookupAndDelete;
  if (lookup && request.in_batch) attr.batch.in_batch = address(request.in_batch->data());
  if (lookup) attr.batch.out_batch = address(buffers->out_batch.data());
  attr.batch.keys = address(buffers->keys.data());
  attr.batch.values = address(buffers->values.data());
  attr.batch.count = buffers->count;
  attr.batch.map_fd = static_cast<uint32_t>(fd_.get());
  attr.batch.elem_flags = request.elem_flags;
  attr.batch.flags = request.flags;
  const long rc = syscall(__NR_bpf, batch_command(request.op), &attr, sizeof attr);
  const int error = rc < 0 ? -errno : 0;
  buffers->count = attr.batch.count;
  return error;
}

}  // namespace mapsim
