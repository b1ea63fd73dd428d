// Flags by name (docs/scenario-format.md "Flags"): the kernel's macro names, exactly
// (scenarios/bpf_names.h), written as one name, "A|B", a list of names, or an unsigned integer
// for raw values (bits without a name can only be written that way).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scenarios/yaml/reader.h"

namespace mapsim::scenario::yaml {

enum class FlagSet : uint8_t {
  kMapCreate,  ///< BPF_MAP_CREATE map_flags (u32): BPF_F_NO_PREALLOC, ...
  kElement,    ///< element-operation flags (u64): BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK
};

// "BPF_NOEXIST|BPF_F_LOCK" (or one name) to the OR of the flags; nullopt and *error (naming the
// unknown name and listing the valid ones) otherwise.
std::optional<uint64_t> flags_from_text(std::string_view text, FlagSet set, std::string* error);
// A flags field: a name string, a list of names or an integer.
std::optional<uint64_t> read_flags(Context& context, const Value& value, FlagSet set);
// "BPF_NOEXIST|BPF_F_LOCK"; "" for 0; nullopt when a set bit has no name.
std::optional<std::string> flags_text(uint64_t flags, FlagSet set);

}  // namespace mapsim::scenario::yaml
