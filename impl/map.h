// mapsim::Map: one BPF map as userspace and BPF programs see it, shaped like libbpf's
// bpf_map_*_elem() calls. Every call returns 0 or a negative errno, exactly the value the
// Linux 6.18 kernel returns for the same call on the same state.
//
// Contract:
// - Syscall-side calls copy values: per-CPU maps exchange round_up(value_size, 8) bytes per
//   possible CPU (syscall_value_size()), CPU 0's slot first, padding included.
// - Program-side calls act as the BPF helpers do on the *current* CPU of the platform: lookup
//   returns a pointer to the live value (this CPU's slot for per-CPU maps) and sets the LRU
//   reference bit; update and delete act on this CPU's slot, per-CPU lists and free lists.
// - The syscall layer (this class) does the checks the kernel does before reaching the map type
//   (fd permissions from BPF_F_RDONLY/WRONLY, BPF_F_LOCK without a spin lock, flags on lookup,
//   the key pointer: NULL for maps whose key_size is 0, such as BLOOM_FILTER, where any other
//   pointer is EINVAL; a NULL key of any other map is EFAULT); the map types do the rest.
// - Thread safety: any number of threads may call concurrently, each bound to its own CPU slot
//   of the platform (RealPlatform::CpuBinding).
#pragma once

#include <cstddef>
#include <cstdint>

#include "impl/map_attr.h"
#include "impl/map_batch.h"

namespace mapsim {

struct MapInspection;  // impl/map_inspection.h

class Map {
 public:
  explicit Map(const MapInfo& info);
  virtual ~Map();
  Map(const Map&) = delete;
  Map& operator=(const Map&) = delete;

  const MapInfo& info() const { return info_; }
  uint32_t key_size() const { return info_.key_size; }
  uint32_t value_size() const { return info_.value_size; }
  uint32_t max_entries() const { return info_.max_entries; }
  // Bytes a syscall lookup writes and a syscall update reads.
  size_t syscall_value_size() const { return syscall_value_size_; }

  // ---- syscall side (bpf(2) commands) ----
  int lookup_elem(const void* key, void* value, uint64_t flags = 0);
  int update_elem(const void* key, const void* value, uint64_t flags);
  int delete_elem(const void* key);
  // key == nullptr asks for the first key.
  int get_next_key(const void* key, void* next_key);
  int lookup_and_delete_elem(const void* key, void* value, uint64_t flags = 0);

  // ---- batch commands (impl/map_batch.h; defined in impl/map_batch.cc) ----
  int lookup_batch(const void* in_batch, void* out_batch, void* keys, void* values,
                   uint32_t* count, const BatchOptions& options = {});
  int lookup_and_delete_batch(const void* in_batch, void* out_batch, void* keys, void* values,
                              uint32_t* count, const BatchOptions& options = {});
  int update_batch(const void* keys, const void* values, uint32_t* count,
                   const BatchOptions& options = {});
  int delete_batch(const void* keys, uint32_t* count, const BatchOptions& options = {});
  uint32_t batch_token_size() const;

  // ---- program side (BPF helpers, on the platform's current CPU) ----
  // bpf_map_lookup_elem(): the live value, or nullptr.
  virtual void* prog_lookup(const void* key) = 0;
  // bpf_map_lookup_percpu_elem(): `cpu`'s slot of a per-CPU map; nullptr for other types, a
  // missing key, or cpu >= possible CPUs.
  virtual void* prog_lookup_percpu(const void* key, uint32_t cpu);
  // bpf_map_update_elem() / bpf_map_delete_elem() from a program.
  virtual int prog_update(const void* key, const void* value, uint64_t flags) = 0;
  virtual int prog_delete(const void* key) = 0;

  // ---- test-only inspection (impl/map_inspection.h; defined in impl/map.cc) ----
  // A read-only view of the internal state for invariant checks; never called by map code.
  // Types without a view return an empty one.
  virtual MapInspection inspect() const;

 protected:
  // The type-specific halves of the syscall commands, called after the syscall layer's checks.
  virtual int sys_lookup(const void* key, void* value) = 0;
  virtual int sys_update(const void* key, const void* value, uint64_t flags) = 0;
  virtual int sys_delete(const void* key) = 0;
  virtual int sys_get_next_key(const void* key, void* next_key) = 0;
  // Types without lookup_and_delete return ENOTSUPP (524), as 6.18 does (fact sheet 2.9).
  virtual int sys_lookup_and_delete(const void* key, void* value);
  // The type-specific halves of the batch commands, after the permission checks. The defaults
  // return ENOTSUPP (524), as 6.18 does for a type without that batch op (fact sheet 2.11).
  virtual int sys_lookup_batch(const BatchCall& call);
  virtual int sys_lookup_and_delete_batch(const BatchCall& call);
  virtual int sys_update_batch(const BatchCall& call);
  virtual int sys_delete_batch(const BatchCall& call);
  // kernel/bpf/syscall.c's generic implementations, for the types whose ops name them.
  int generic_lookup_batch(const BatchCall& call);
  int generic_update_batch(const BatchCall& call);
  int generic_delete_batch(const BatchCall& call);

  void set_syscall_value_size(size_t bytes) { syscall_value_size_ = bytes; }

 private:
  bool fd_readable() const;
  bool fd_writable() const;
  int check_key_pointer(const void* key) const;

  MapInfo info_;
  uint32_t fd_flags_;  // BPF_F_RDONLY / BPF_F_WRONLY as given at creation
  size_t syscall_value_size_;
};

}  // namespace mapsim
