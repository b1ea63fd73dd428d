// The YAML text of single fields, for the canonical emitter (scenarios/scenario_emit.cc).
//
// Every function is total: whatever a spec holds (even what the parser would refuse) is written
// so that parsing it reports the problem instead of losing it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "scenarios/scenario_spec.h"
#include "scenarios/yaml/sections.h"

namespace mapsim::scenario::yaml {

// A double-quoted YAML string ("a\"b\n").
std::string quoted(std::string_view text);
// `text` as is when it reads back as the same string unquoted (a label, a name), else quoted().
std::string plain_or_quoted(std::string_view text);

// A key: an integer or 0x bytes (0x bytes whenever its length is not key_size, so that the
// parser reports the length).
std::string key_text(const Bytes& key, const MapShape& shape);
// A value in `layout`: one scalar, or for per-CPU syscall buffers with zero padding and unequal
// slots, a flow list "[1, 2]"; per-CPU buffers with non-zero padding (or of a size that does not
// fit the map) as 0x and the whole buffer.
std::string value_text(const Bytes& value, const MapShape& shape, ValueLayout layout);
// "ENOENT" for -2, "0", or the number.
std::string result_code_text(int64_t rc);
// Shortest text that reads back as the same double (std::to_chars).
std::string seconds_text(double seconds);

// The shape the emitter sizes values with (known, whatever the spec holds).
MapShape shape_of(const ScenarioSpec& spec);

}  // namespace mapsim::scenario::yaml
