#include "scenarios/yaml/emit_text.h"

#include <charconv>
#include <cstdio>

#include "scenarios/bpf_names.h"
#include "scenarios/yaml/bytes_text.h"

namespace mapsim::scenario::yaml {
namespace {

// Plain scalars YAML would read as something other than the string itself.
bool reads_as_special(std::string_view text) {
  for (std::string_view special : {"null", "Null", "NULL", "~", "true", "True", "TRUE", "false",
                                   "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on",
                                   "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N"}) {
    if (text == special) return true;
  }
  return false;
}

bool padding_zero(const Bytes& buffer, size_t slot_size, size_t value_size) {
  for (size_t offset = 0; offset < buffer.size(); offset += slot_size) {
    for (size_t pad = value_size; pad < slot_size; ++pad) {
      if (buffer[offset + pad] != 0) return false;
    }
  }
  return true;
}

std::string percpu_text(const Bytes& buffer, const MapShape& shape) {
  const size_t cpus = static_cast<size_t>(shape.possible_cpus);
  const size_t slot_size = shape.syscall_value_size() / cpus;
  if (buffer.size() != shape.syscall_value_size() ||
      !padding_zero(buffer, slot_size, shape.value_size)) {
    return "0x" + hex_from_bytes(buffer);
  }
  std::vector<Bytes> slots;
  for (size_t cpu = 0; cpu < cpus; ++cpu) {
    const auto begin = buffer.begin() + static_cast<std::ptrdiff_t>(cpu * slot_size);
    slots.emplace_back(begin, begin + shape.value_size);
  }
  bool all_equal = true;
  for (const Bytes& slot : slots) all_equal = all_equal && slot == slots[0];
  if (all_equal) return scalar_from_bytes(slots[0]);
  std::string text = "[";
  for (size_t cpu = 0; cpu < cpus; ++cpu) {
    text += (cpu == 0 ? "" : ", ") + scalar_from_bytes(slots[cpu]);
  }
  return text + "]";
}

}  // namespace

std::string quoted(std::string_view text) {
  std::string result = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      result += '\\';
      result += c;
    } else if (c == '\n') {
      result += "\\n";
    } else if (c == '\t') {
      result += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      char escape[8];
      std::snprintf(escape, sizeof(escape), "\\x%02x", byte);
      result += escape;
    } else {
      result += c;
    }
  }
  return result + "\"";
}

std::string plain_or_quoted(std::string_view text) {
  if (label_syntax_ok(text) && !reads_as_special(text)) return std::string(text);
  return quoted(text);
}

// The canonical scalar when `bytes` has the size the field expects; otherwise 0x and the bytes,
// which the parser reports as a wrong length instead of reading an integer into the right size.
std::string sized_scalar(const Bytes& bytes, size_t expected_size) {
  if (bytes.size() != expected_size) return "0x" + hex_from_bytes(bytes);
  return scalar_from_bytes(bytes);
}

std::string key_text(const Bytes& key, const MapShape& shape) {
  return sized_scalar(key, shape.key_size);
}

std::string value_text(const Bytes& value, const MapShape& shape, ValueLayout layout) {
  if (layout == ValueLayout::kSyscall && shape.percpu() && shape.possible_cpus > 0) {
    return percpu_text(value, shape);
  }
  constexpr size_t kAddendBytes = 8;
  return sized_scalar(value, layout == ValueLayout::kAddend ? kAddendBytes : shape.value_size);
}

std::string result_code_text(int64_t rc) {
  if (rc < 0 && rc >= -4095) {
    const std::string_view name = errno_name(static_cast<int>(-rc));
    if (!name.empty()) return std::string(name);
  }
  return std::to_string(rc);
}

std::string seconds_text(double seconds) {
  char buffer[64];
  const auto [end, code] = std::to_chars(buffer, buffer + sizeof(buffer), seconds);
  if (code != std::errc()) return "-1";  // cannot happen for a double; reads back as an error
  return std::string(buffer, end);
}

MapShape shape_of(const ScenarioSpec& spec) {
  MapShape shape;
  shape.known = true;
  shape.type = spec.map.map_type;
  shape.key_size = spec.map.key_size;
  shape.value_size = spec.map.value_size;
  shape.possible_cpus = spec.possible_cpus;
  return shape;
}

}  // namespace mapsim::scenario::yaml
