// The live kernel's maps under benchmark, through bpf(2) (libbpf's thin syscall wrappers): the
// reference for mapsim's syscall-side rows, measured in the same run on the same machine.
// Program-side costs of the kernel cannot be timed from userspace call by call; the kernel
// column of the program-side rows comes from docs/benchmarks.md's reference measurement.
#pragma once

#include <bpf/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_workload.h"

namespace mapsim::bench {

class KernelSubject {
 public:
  static std::unique_ptr<KernelSubject> create(const MapConfig& config, int possible_cpus,
                                               std::string* error) {
    // The bpf(2) numbers of the three kinds benchmarked (include/uapi/linux/bpf.h).
    const bpf_map_type type = config.kind == MapKind::kHash         ? BPF_MAP_TYPE_HASH
                              : config.kind == MapKind::kPercpuHash ? BPF_MAP_TYPE_PERCPU_HASH
                                                                    : BPF_MAP_TYPE_ARRAY;
    const int fd = bpf_map_create(type, "mapsim_bench", sizeof(uint32_t), config.value_size,
                                  config.entries, nullptr);
    if (fd < 0) {
      *error = std::string("bpf(BPF_MAP_CREATE) failed: ") + std::strerror(errno) +
               " (needs root or CAP_BPF)";
      return nullptr;
    }
    const size_t slot_size = (config.value_size + 7) / 8 * 8;
    const size_t slots = config.kind == MapKind::kPercpuHash ? possible_cpus : 1;
    auto subject = std::make_unique<KernelSubject>(fd, slot_size * slots);
    std::vector<unsigned char> value(slot_size * slots);
    for (uint32_t key = 0; key < config.entries; ++key) {
      for (size_t slot = 0; slot < slots; ++slot) {
        fill_value(key, value.data() + slot * slot_size, config.value_size);
      }
      if (bpf_map_update_elem(fd, &key, value.data(), BPF_ANY) != 0) {
        *error = std::string("bpf(BPF_MAP_UPDATE_ELEM) failed: ") + std::strerror(errno);
        return nullptr;
      }
    }
    return subject;
  }

  KernelSubject(int fd, size_t syscall_value_size)
      : fd_(fd), syscall_value_size_(syscall_value_size) {}
  ~KernelSubject() { close(fd_); }
  KernelSubject(const KernelSubject&) = delete;
  KernelSubject& operator=(const KernelSubject&) = delete;

  int syscall_lookup(uint32_t key, void* value) {
    return bpf_map_lookup_elem(fd_, &key, value) == 0 ? 0 : -errno;
  }
  int syscall_update(uint32_t key, const void* value) {
    return bpf_map_update_elem(fd_, &key, value, BPF_ANY) == 0 ? 0 : -errno;
  }
  size_t syscall_value_size() const { return syscall_value_size_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  size_t syscall_value_size_;
};

}  // namespace mapsim::bench
