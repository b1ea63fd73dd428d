// KernelMap: one map of the live kernel, operated through bpf(2) (libbpf's thin wrappers) and,
// for via:"prog", through real BPF programs (map_programs.h).
//
// Every operation runs with the calling thread pinned to the operation's CPU (CpuPin), since
// the kernel picks per-CPU free lists, LRU lists and per-CPU value slots by the CPU a call runs
// on. Pointers are passed as a user program would pass them: a key buffer of key_size bytes
// (NULL only for maps whose key_size is 0, and for get_next_key's "first key"), value buffers of
// syscall_value_size() bytes. Results are 0 or -errno exactly as the kernel returns them.
#pragma once

#include <memory>

#include "model/kernel/map_programs.h"
#include "model/kernel/owned_fd.h"
#include "scenarios/op_backend.h"

namespace mapsim {

class KernelMap : public BackendMap {
 public:
  KernelMap(OwnedFd fd, const MapInfo& info, int possible_cpus);

  const MapInfo& info() const override { return info_; }
  size_t syscall_value_size() const override { return syscall_value_size_; }
  int fd() const { return fd_.get(); }

  // lookup: for a syscall lookup *value is resized to syscall_value_size() and passed to the
  // kernel as the value buffer (its prior bytes are what a BLOOM_FILTER lookup tests).
  // Program lookups ignore `flags` (programs have no lookup flags).
  int lookup(Via via, int cpu, const Bytes& key, uint64_t flags, Bytes* value) override;
  int update(Via via, int cpu, const Bytes& key, const Bytes& value, uint64_t flags) override;
  int remove(Via via, int cpu, const Bytes& key) override;
  int get_next_key(int cpu, const std::optional<Bytes>& key, Bytes* next_key) override;
  int lookup_and_delete(int cpu, const Bytes& key, uint64_t flags, Bytes* value) override;
  // BPF_MAP_*_BATCH through raw bpf(2) (libbpf's wrappers would do, but the raw call keeps
  // NULL in_batch, the count written back on every path and the attr exactly as given).
  int batch(int cpu, const BatchRequest& request, BatchBuffers* buffers) override;

 private:
  const void* key_pointer(const Bytes& key) const;
  MapPrograms& programs();

  OwnedFd fd_;
  MapInfo info_;
  size_t syscall_value_size_;
  std::unique_ptr<MapPrograms> programs_;  ///< created by the first via:"prog" operation
};

}  // namespace mapsim
