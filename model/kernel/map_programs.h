// MapPrograms: the via:"prog" operations of one kernel map, performed by real BPF programs
// (map_program_text.h) loaded on first use and cached per kind for the map's lifetime.
//
// Limits: key_size and value_size up to kKeySizeMax / kValueSizeMax bytes (the program copies
// a looked-up value with one load and one store per 8 bytes, and keeps inputs in a scratch
// ARRAY map). Larger sizes are refused with std::length_error rather than answered wrongly.
// Program loading (except the verifier's EACCES) or test-run failures throw
// std::runtime_error with the kernel's reason.
#pragma once

#include <cstdint>
#include <vector>

#include "model/kernel/map_program_text.h"
#include "model/kernel/owned_fd.h"

namespace mapsim {

class MapPrograms {
 public:
  using Bytes = std::vector<unsigned char>;

  static constexpr uint32_t kKeySizeMax = 65536;
  static constexpr uint32_t kValueSizeMax = 65536;

  // REQUIRES: map_fd stays open while this object lives. value_size is the map's value_size
  // (one CPU's slot for per-CPU maps). The map's type picks the program type
  // (map_program_text.h): sleepable programs may use only hash and array maps among mapsim's
  // types.
  MapPrograms(int map_fd, uint32_t map_type, uint32_t key_size, uint32_t value_size);

  // Each runs one program on the calling thread's CPU. REQUIRES: the thread is pinned to `cpu`
  // (CpuPin); the program's own bpf_get_smp_processor_id() is asserted to be `cpu`.
  // key: key_size bytes; value: value_size bytes. Results are the helper's return values (a
  // NULL from the lookup helper is -ENOENT); a found value is stored in *value. A program the
  // verifier refuses for the map's access flags (BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG; device
  // maps are RDONLY_PROG) is never run: the result is BPF_PROG_LOAD's -EACCES.
  int lookup(int cpu, const Bytes& key, Bytes* value);
  int update(int cpu, const Bytes& key, const Bytes& value, uint64_t flags);
  int remove(int cpu, const Bytes& key);

 private:
  struct Run {
    ProgramKind kind;
    const Bytes* key;
    const Bytes* value;  ///< nullptr: no value input
    uint64_t flags;
  };

  // The loaded program's fd, or -EACCES when the verifier refuses it; throws on other failures.
  int program_fd(ProgramKind kind);
  void ensure_scratch();
  // Runs the program; returns the scratch value after the run.
  Bytes run(int cpu, int fd, const Run& request);
  static int64_t read_s64(const Bytes& scratch, uint32_t offset);

  int map_fd_;
  bool sleepable_;  ///< BPF_PROG_TYPE_SYSCALL (sleepable), else BPF_PROG_TYPE_RAW_TRACEPOINT
  ScratchLayout layout_;
  OwnedFd scratch_fd_;
  OwnedFd program_fds_[3];  ///< indexed by ProgramKind
};

}  // namespace mapsim
