// OpBackend: what runs the operations of an op script (../shared/spec/op-script.md).
//
// Two implementations must give the same answers for the same script: the simulated
// implementation (mapsim's own maps, scenarios/simulated_backend.h) and the live kernel through
// bpf(2) (model/kernel/kernel_backend.h). Everything is raw bytes and kernel errnos, so the two
// can be compared line by line.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "impl/map_attr.h"

namespace mapsim {

using Bytes = std::vector<unsigned char>;

// Who performs an operation: userspace through bpf(2), or a BPF program through the helpers.
enum class Via { kSyscall, kProgram };

// One map as created by a backend. Every call runs on `cpu` (the op's "cpu" field) and returns
// 0 or a negative errno exactly as the kernel does.
class BackendMap {
 public:
  virtual ~BackendMap() = default;

  virtual const MapInfo& info() const = 0;
  // Bytes of a value exchanged through the syscall (per-CPU maps: every possible CPU's slot).
  virtual size_t syscall_value_size() const = 0;

  // Syscall lookup copies syscall_value_size() bytes into *value; a program lookup (the
  // bpf_map_lookup_elem helper, which sets the LRU reference bit) copies the value_size bytes
  // it points to (this CPU's slot for per-CPU maps). A NULL from the helper is -ENOENT.
  virtual int lookup(Via via, int cpu, const Bytes& key, uint64_t flags, Bytes* value) = 0;
  // Syscall: value is syscall_value_size() bytes. Program: value is value_size bytes, handed to
  // the helper from an 8-byte-aligned buffer of round_up(value_size, 8) bytes whose padding is
  // zero (the kernel copies whole words for per-CPU values).
  virtual int update(Via via, int cpu, const Bytes& key, const Bytes& value, uint64_t flags) = 0;
  virtual int remove(Via via, int cpu, const Bytes& key) = 0;
  // key == nullopt asks for the first key.
  virtual int get_next_key(int cpu, const std::optional<Bytes>& key, Bytes* next_key) = 0;
  virtual int lookup_and_delete(int cpu, const Bytes& key, uint64_t flags, Bytes* value) = 0;
};

class OpBackend {
 public:
  virtual ~OpBackend() = default;

  // "sim" or "kernel": printed in diagnostics.
  virtual std::string name() const = 0;
  virtual int possible_cpus() const = 0;
  // MAP_CREATE on `cpu`. On success stores the map and returns 0; otherwise the negative errno
  // (bpf::kENOSYS from the simulated backend for a kernel map type mapsim does not model).
  virtual int create_map(int cpu, const MapAttr& attr, std::unique_ptr<BackendMap>* out) = 0;
};

}  // namespace mapsim
