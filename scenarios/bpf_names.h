// The names op scripts use for map types and flags (spec/op-script.md; fact sheet 1.2-1.4).
//
// Map types are the kernel's enum bpf_map_type names without the BPF_MAP_TYPE_ prefix, in
// lowercase ("hash", "lru_percpu_hash"). Flags are the kernel's macro names ("BPF_NOEXIST",
// "BPF_F_ZERO_SEED"). Lookups are exact and case-sensitive: a near miss is an input error,
// never a guess.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mapsim {

std::optional<uint32_t> map_type_from_name(std::string_view name);
// "hash" for 1; "" for a number that is no kernel map type.
std::string_view map_type_name(uint32_t type);
// "1 (hash)", or "99" when the number has no name: for messages.
std::string describe_map_type(uint32_t type);

// BPF_MAP_CREATE flags (u32).
std::optional<uint32_t> map_flag_from_name(std::string_view name);
// Element-operation flags (u64): BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK.
std::optional<uint64_t> element_flag_from_name(std::string_view name);
// The name of a single element flag bit ("BPF_NOEXIST" for 1); "" for 0 and unnamed bits.
std::string_view element_flag_name(uint64_t flag);
// The name of a single creation flag bit ("BPF_F_NO_PREALLOC" for 1); "" for unnamed bits.
std::string_view map_flag_name(uint32_t flag);

// Errno names of the results map operations return ("ENOENT" -> 2, positive), including the
// kernel-internal ENOTSUPP (524) that BPF commands leak to userspace.
std::optional<int> errno_from_name(std::string_view name);
// "ENOENT" for 2; "" for a number without a name here.
std::string_view errno_name(int positive_errno);

}  // namespace mapsim
