#include "model/kernel/kernel_backend.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "impl/assert.h"
#include "impl/uapi.h"
#include "model/kernel/cpu_pin.h"
#include "model/kernel/kernel_map.h"
#include "model/kernel/owned_fd.h"

namespace mapsim {

namespace {

// BPF_MAP_CREATE with exactly the caller's fields; the name's bytes are copied raw (at most the
// 16 bytes of the field, so a 16-character name has no NUL, as a user's raw attr would).
// Returns the new fd or -errno.
int create_map_syscall(const MapAttr& attr) {
  union bpf_attr request;
  std::memset(&request, 0, sizeof request);
  request.map_type = attr.map_type;
  request.key_size = attr.key_size;
  request.value_size = attr.value_size;
  request.max_entries = attr.max_entries;
  request.map_flags = attr.map_flags;
  if (attr.map_flags & bpf::kFNumaNode) request.numa_node = attr.numa_node;
  request.map_extra = attr.map_extra;
  std::memcpy(request.map_name, attr.name.data(),
              std::min(attr.name.size(), sizeof request.map_name));
  long fd = syscall(__NR_bpf, BPF_MAP_CREATE, &request, sizeof request);
  return fd < 0 ? -errno : static_cast<int>(fd);
}

MapInfo read_map_info(int fd) {
  bpf_map_info kernel_info;
  std::memset(&kernel_info, 0, sizeof kernel_info);
  uint32_t length = sizeof kernel_info;
  int rc = bpf_obj_get_info_by_fd(fd, &kernel_info, &length);
  MAPSIM_ASSERT(rc == 0, "OBJ_GET_INFO_BY_FD on a map we just created");
  MapInfo info;
  info.map_type = kernel_info.type;
  info.key_size = kernel_info.key_size;
  info.value_size = kernel_info.value_size;
  info.max_entries = kernel_info.max_entries;
  info.map_flags = kernel_info.map_flags;
  info.map_extra = kernel_info.map_extra;
  info.name.assign(kernel_info.name, strnlen(kernel_info.name, sizeof kernel_info.name));
  return info;
}

// A program that returns 0, loaded the way MapPrograms loads its programs.
int probe_program(std::string* why) {
  const bpf_insn text[] = {
      {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0},
      {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
  };
  LIBBPF_OPTS(bpf_prog_load_opts, options);
  options.prog_flags = BPF_F_SLEEPABLE;
  int fd = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, "mapsim_probe", "GPL", text, 2, &options);
  if (fd < 0) {
    *why = std::string("BPF_PROG_LOAD of a syscall program: ") + std::strerror(-fd);
    return fd;
  }
  OwnedFd program(fd);
  LIBBPF_OPTS(bpf_test_run_opts, run);
  int rc = bpf_prog_test_run_opts(program.get(), &run);
  if (rc != 0) *why = std::string("BPF_PROG_TEST_RUN: ") + std::strerror(-rc);
  return rc;
}

int probe_uncached(std::string* why) {
  for (uint32_t type : {bpf::kMapArray, bpf::kMapLruHash}) {
    MapAttr attr;
    attr.map_type = type;
    attr.key_size = 4;
    attr.value_size = 8;
    attr.max_entries = 1;
    int fd = create_map_syscall(attr);
    if (fd < 0) {
      *why = std::string("BPF_MAP_CREATE (") + (type == bpf::kMapArray ? "ARRAY" : "LRU_HASH") +
             ") failed: " + std::strerror(-fd) +
             " (the kernel backend needs bpf(2) with CAP_BPF, e.g. root)";
      return fd;
    }
    close(fd);
  }
  return probe_program(why);
}

}  // namespace

int KernelBackend::probe(std::string* why) {
  static const auto verdict = [] {
    std::string reason;
    int rc = probe_uncached(&reason);
    return std::make_pair(rc, reason);
  }();
  if (why != nullptr) *why = verdict.second;
  return verdict.first;
}

int KernelBackend::possible_cpus() const { return libbpf_num_possible_cpus(); }

int KernelBackend::create_map(int cpu, const MapAttr& attr, std::unique_ptr<BackendMap>* out) {
  int fd;
  {
    CpuPin pin(cpu);
    fd = create_map_syscall(attr);
  }
  if (fd < 0) return fd;
  OwnedFd owned(fd);
  MapInfo info = read_map_info(owned.get());
  *out = std::make_unique<KernelMap>(std::move(owned), info, possible_cpus());
  return 0;
}

void KernelBackend::declare_devices(const std::map<uint32_t, std::string>& devices) {
  for (const auto& [ifindex, name] : devices) {
    char found[IF_NAMESIZE] = {};
    if (if_indextoname(ifindex, found) == nullptr || name != found) {
      throw std::runtime_error("this thread's network namespace has no device '" + name +
                               "' with ifindex " + std::to_string(ifindex) +
                               (found[0] != '\0' ? " (that ifindex is '" + std::string(found) +
                                                        "')"
                                                  : std::string()));
    }
  }
}

}  // namespace mapsim
