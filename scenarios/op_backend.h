// OpBackend: what runs the operations of an op script (../shared/spec/op-script.md).
//
// Two implementations must give the same answers for the same script: the simulated
// implementation (mapsim's own maps, scenarios/simulated_backend.h) and the live kernel through
// bpf(2) (model/kernel/kernel_backend.h). Everything is raw bytes and kernel errnos, so the two
// can be compared line by line.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "impl/map_attr.h"

namespace mapsim {

using Bytes = std::vector<unsigned char>;

// Who performs an operation: userspace through bpf(2), or a BPF program through the helpers.
enum class Via { kSyscall, kProgram };

// The batch commands (docs/op-script-batch.md; impl/map_batch.h).
enum class BatchOp { kLookup, kLookupAndDelete, kUpdate, kDelete };

// The scalar arguments of a batch command (the buffers are in BatchBuffers).
struct BatchRequest {
  BatchOp op = BatchOp::kLookup;
  std::optional<Bytes> in_batch;  ///< lookups only; nullopt is a NULL in_batch
  uint32_t count = 0;             ///< the count passed in
  uint64_t elem_flags = 0;
  uint64_t flags = 0;
};

// The caller's memory, passed to the command and read back after it. The caller prepares
// out_batch (the token size, filled with 0xff, so that an unwritten token shows) and keys and
// values: for lookups the output arrays (entries of key_size and syscall_value_size() bytes, as
// many as the map can return), for update and delete the `count` entries to apply.
struct BatchBuffers {
  Bytes out_batch;
  Bytes keys;
  Bytes values;
  uint32_t count = 0;  ///< in: the count passed; out: what the call wrote back
};

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
  // A syscall lookup first resizes *value to syscall_value_size(), keeping its bytes: they are
  // the item a BLOOM_FILTER lookup tests (the kernel reads that buffer and writes nothing).
  // An empty key is passed as a NULL key pointer (maps with key_size 0).
  virtual int lookup(Via via, int cpu, const Bytes& key, uint64_t flags, Bytes* value) = 0;
  // Syscall: value is syscall_value_size() bytes. Program: value is value_size bytes, handed to
  // the helper from an 8-byte-aligned buffer of round_up(value_size, 8) bytes whose padding is
  // zero (the kernel copies whole words for per-CPU values).
  virtual int update(Via via, int cpu, const Bytes& key, const Bytes& value, uint64_t flags) = 0;
  virtual int remove(Via via, int cpu, const Bytes& key) = 0;
  // key == nullopt asks for the first key.
  virtual int get_next_key(int cpu, const std::optional<Bytes>& key, Bytes* next_key) = 0;
  virtual int lookup_and_delete(int cpu, const Bytes& key, uint64_t flags, Bytes* value) = 0;
  // A BPF_MAP_*_BATCH command on `cpu` with the caller's buffers. The default throws
  // std::runtime_error: a backend without batch commands cannot run the line.
  virtual int batch(int cpu, const BatchRequest& request, BatchBuffers* buffers);
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
  // The network devices of the namespace later operations run in (ifindex -> name): the
  // simulated backend takes them as its device table, the kernel backend checks that its
  // namespace has them. Throws std::runtime_error when it cannot (the line becomes an error).
  // The default throws: a backend without a notion of devices.
  virtual void declare_devices(const std::map<uint32_t, std::string>& devices);
};

}  // namespace mapsim
