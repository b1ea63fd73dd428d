#include "scenarios/bpf_names.h"

#include <array>
#include <cerrno>
#include <utility>

#include "impl/uapi.h"

namespace mapsim {
namespace {

// Indexed by enum bpf_map_type (fact sheet 1.2).
constexpr std::array<std::string_view, bpf::kMapTypeCount> kMapTypeNames = {
    "unspec",          "hash",          "array",           "prog_array",
    "perf_event_array", "percpu_hash",  "percpu_array",    "stack_trace",
    "cgroup_array",    "lru_hash",      "lru_percpu_hash", "lpm_trie",
    "array_of_maps",   "hash_of_maps",  "devmap",          "sockmap",
    "cpumap",          "xskmap",        "sockhash",        "cgroup_storage",
    "reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack",
    "sk_storage",      "devmap_hash",   "struct_ops",      "ringbuf",
    "inode_storage",   "task_storage",  "bloom_filter",    "user_ringbuf",
    "cgrp_storage",    "arena",
};
static_assert(bpf::kMapArena == 33 && kMapTypeNames[33] == "arena",
              "the name table follows enum bpf_map_type position by position");
static_assert(kMapTypeNames[bpf::kMapLruPercpuHash] == "lru_percpu_hash",
              "the name table follows enum bpf_map_type position by position");

constexpr std::pair<std::string_view, uint32_t> kMapFlags[] = {
    {"BPF_F_NO_PREALLOC", bpf::kFNoPrealloc},   {"BPF_F_NO_COMMON_LRU", bpf::kFNoCommonLru},
    {"BPF_F_NUMA_NODE", bpf::kFNumaNode},       {"BPF_F_RDONLY", bpf::kFRdonly},
    {"BPF_F_WRONLY", bpf::kFWronly},            {"BPF_F_STACK_BUILD_ID", bpf::kFStackBuildId},
    {"BPF_F_ZERO_SEED", bpf::kFZeroSeed},       {"BPF_F_RDONLY_PROG", bpf::kFRdonlyProg},
    {"BPF_F_WRONLY_PROG", bpf::kFWronlyProg},   {"BPF_F_CLONE", bpf::kFClone},
    {"BPF_F_MMAPABLE", bpf::kFMmapable},        {"BPF_F_PRESERVE_ELEMS", bpf::kFPreserveElems},
    {"BPF_F_INNER_MAP", bpf::kFInnerMap},       {"BPF_F_LINK", bpf::kFLink},
    {"BPF_F_PATH_FD", bpf::kFPathFd},           {"BPF_F_VTYPE_BTF_OBJ_FD", bpf::kFVtypeBtfObjFd},
    {"BPF_F_TOKEN_FD", bpf::kFTokenFd},         {"BPF_F_SEGV_ON_FAULT", bpf::kFSegvOnFault},
    {"BPF_F_NO_USER_CONV", bpf::kFNoUserConv},
};

constexpr std::pair<std::string_view, uint64_t> kElementFlags[] = {
    {"BPF_ANY", bpf::kAny},
    {"BPF_NOEXIST", bpf::kNoExist},
    {"BPF_EXIST", bpf::kExist},
    {"BPF_F_LOCK", bpf::kFLock},
};

// The errnos BPF map commands and helpers return (fact sheet; ENOTSUPP is the kernel's 524).
constexpr std::pair<std::string_view, int> kErrnos[] = {
    {"EPERM", EPERM},         {"ENOENT", ENOENT},       {"ESRCH", ESRCH},
    {"EINTR", EINTR},         {"EIO", EIO},             {"E2BIG", E2BIG},
    {"EBADF", EBADF},         {"EAGAIN", EAGAIN},       {"ENOMEM", ENOMEM},
    {"EACCES", EACCES},       {"EFAULT", EFAULT},       {"EBUSY", EBUSY},
    {"EEXIST", EEXIST},       {"ENODEV", ENODEV},       {"EINVAL", EINVAL},
    {"ENOSPC", ENOSPC},       {"ERANGE", ERANGE},       {"EDEADLK", EDEADLK},
    {"ENOSYS", ENOSYS},       {"ELOOP", ELOOP},         {"EOVERFLOW", EOVERFLOW},
    {"EOPNOTSUPP", EOPNOTSUPP}, {"ETIMEDOUT", ETIMEDOUT}, {"ENOTSUPP", 524},
};
static_assert(EDEADLK == 35 && EOPNOTSUPP == 95 && ETIMEDOUT == 110,
              "errno values are the x86-64 Linux ones the kernel facts are written in");

}  // namespace

std::optional<int> errno_from_name(std::string_view name) {
  for (const auto& [errno_text, value] : kErrnos) {
    if (errno_text == name) return value;
  }
  return std::nullopt;
}

std::string_view errno_name(int positive_errno) {
  for (const auto& [errno_text, value] : kErrnos) {
    if (value == positive_errno) return errno_text;
  }
  return {};
}

std::string_view element_flag_name(uint64_t flag) {
  if (flag == 0) return {};
  for (const auto& [flag_name, value] : kElementFlags) {
    if (value == flag) return flag_name;
  }
  return {};
}

std::string_view map_flag_name(uint32_t flag) {
  for (const auto& [flag_name, value] : kMapFlags) {
    if (value == flag) return flag_name;
  }
  return {};
}

std::optional<uint32_t> map_type_from_name(std::string_view name) {
  for (uint32_t type = 0; type < kMapTypeNames.size(); ++type) {
    if (kMapTypeNames[type] == name) return type;
  }
  return std::nullopt;
}

std::string_view map_type_name(uint32_t type) {
  return type < kMapTypeNames.size() ? kMapTypeNames[type] : std::string_view();
}

std::string describe_map_type(uint32_t type) {
  std::string text = std::to_string(type);
  if (!map_type_name(type).empty()) text += " (" + std::string(map_type_name(type)) + ")";
  return text;
}

std::optional<uint32_t> map_flag_from_name(std::string_view name) {
  for (const auto& [flag_name, value] : kMapFlags) {
    if (flag_name == name) return value;
  }
  return std::nullopt;
}

std::optional<uint64_t> element_flag_from_name(std::string_view name) {
  for (const auto& [flag_name, value] : kElementFlags) {
    if (flag_name == name) return value;
  }
  return std::nullopt;
}

}  // namespace mapsim
