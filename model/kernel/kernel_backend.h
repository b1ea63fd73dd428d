// KernelBackend: runs op scripts on this machine's kernel through bpf(2), the reference that
// the simulated implementation is compared with (differential test, `mapsim exec --backend
// kernel`).
//
// - create_map issues BPF_MAP_CREATE itself (not libbpf's bpf_map_create, which truncates map
//   names to 15 characters and so would turn the kernel's EINVAL for a 16-character name into
//   a success) while pinned to the op's CPU, then reads the effective attributes back with
//   OBJ_GET_INFO_BY_FD.
// - Maps are KernelMaps (kernel_map.h): every operation is pinned to its CPU; via:"prog"
//   operations are performed by BPF programs (map_programs.h).
// - Where bpf() is not permitted, probe() says why; callers (tests) skip instead of failing.
#pragma once

#include <memory>
#include <string>

#include "scenarios/op_backend.h"

namespace mapsim {

class KernelBackend : public OpBackend {
 public:
  // 0 when everything this backend needs works here: BPF_MAP_CREATE (including the types that
  // need CAP_BPF, such as LRU_HASH) and loading and test-running a BPF_PROG_TYPE_SYSCALL
  // program. Otherwise a negative errno, with a human reason in *why. The answer is computed
  // once per process.
  static int probe(std::string* why);

  KernelBackend() = default;

  std::string name() const override { return "kernel"; }
  int possible_cpus() const override;
  int create_map(int cpu, const MapAttr& attr, std::unique_ptr<BackendMap>* out) override;
  // Checks that the calling thread's network namespace has each device at its ifindex (the
  // kernel resolves DEVMAP ifindexes there); throws std::runtime_error naming a mismatch.
  void declare_devices(const std::map<uint32_t, std::string>& devices) override;
};

}  // namespace mapsim
