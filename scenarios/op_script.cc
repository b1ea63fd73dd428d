// Parsing one op-script line (spec/op-script.md). A FieldReader walks one JSON object and keeps
// the first problem it meets, so each parse function reads like the field list it checks.
#include "scenarios/op_script.h"

#include <nlohmann/json.hpp>

#include <array>
#include <climits>
#include <utility>
#include <vector>

#include "scenarios/bpf_names.h"

namespace mapsim {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<OpKind, std::string_view>, 11> kOpNames = {{
    {OpKind::kUpdate, "update"},
    {OpKind::kLookup, "lookup"},
    {OpKind::kDelete, "delete"},
    {OpKind::kLookupAndDelete, "lookup_and_delete"},
    {OpKind::kGetNextKey, "get_next_key"},
    {OpKind::kDump, "dump"},
    {OpKind::kInfo, "info"},
    {OpKind::kLookupBatch, "lookup_batch"},
    {OpKind::kLookupAndDeleteBatch, "lookup_and_delete_batch"},
    {OpKind::kUpdateBatch, "update_batch"},
    {OpKind::kDeleteBatch, "delete_batch"},
}};

// The fields each op takes besides "op" (the table of spec/op-script.md, plus "map").
std::vector<std::string_view> op_fields(OpKind kind) {
  switch (kind) {
    case OpKind::kUpdate: return {"key", "value", "flags", "via", "cpu", "map"};
    case OpKind::kLookup: return {"key", "value", "via", "cpu", "flags", "map"};
    case OpKind::kDelete: return {"key", "via", "cpu", "map"};
    case OpKind::kLookupAndDelete: return {"key", "cpu", "flags", "map"};
    case OpKind::kGetNextKey: return {"key", "cpu", "map"};
    case OpKind::kDump: return {"cpu", "map"};
    case OpKind::kInfo: return {"map"};
    case OpKind::kLookupBatch:
    case OpKind::kLookupAndDeleteBatch:
      return {"in_batch", "count", "elem_flags", "flags", "cpu", "map"};
    case OpKind::kUpdateBatch:
      return {"keys", "values", "count", "elem_flags", "flags", "cpu", "map"};
    case OpKind::kDeleteBatch: return {"keys", "count", "elem_flags", "flags", "cpu", "map"};
  }
  return {};
}

const std::vector<std::string_view> kMapFields = {
    "id", "type", "key_size", "value_size", "max_entries", "flags", "cpu", "name", "map_extra"};

// A JSON value quoted in a message, cut short so one bad line cannot flood the output.
std::string shown(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  constexpr size_t kMaxShown = 40;
  if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "...";
  return text;
}

std::string joined(const std::vector<std::string_view>& names) {
  std::string text;
  for (std::string_view name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

class FieldReader {
 public:
  explicit FieldReader(const json& object) : object_(object) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  bool has(const char* field) const { return object_.contains(field); }

  // Keeps the first problem only: later ones are often consequences of it.
  void fail(std::string_view field, const std::string& message) {
    if (error_.empty()) error_ = std::string(field) + ": " + message;
  }

  // Every field must be in `allowed` (or be `exempt`, the field that chose the line's kind).
  void reject_unknown(const std::vector<std::string_view>& allowed, const std::string& owner,
                      std::string_view exempt = "") {
    for (const auto& [field, value] : object_.items()) {
      bool known = !exempt.empty() && field == exempt;
      for (std::string_view name : allowed) known = known || field == name;
      if (!known) fail(field, "unknown field; " + owner + " takes " + joined(allowed));
    }
  }

  void require(const char* field, const std::string& why) {
    if (!has(field)) fail(field, "missing; " + why);
  }

  // An integer in [0, max]; nullopt when absent or wrong.
  std::optional<uint64_t> unsigned_integer(const char* field, uint64_t max) {
    if (!has(field)) return std::nullopt;
    const json& value = object_.at(field);
    if (value.is_number_unsigned() && value.get<uint64_t>() <= max) return value.get<uint64_t>();
    fail(field, "expected an integer from 0 to " + std::to_string(max) + ", got " +
                    shown(value));
    return std::nullopt;
  }

  std::optional<std::string> string(const char* field, const char* what) {
    if (!has(field)) return std::nullopt;
    const json& value = object_.at(field);
    if (value.is_string()) return value.get<std::string>();
    fail(field, std::string("expected ") + what + ", got " + shown(value));
    return std::nullopt;
  }

  std::optional<Bytes> hex(const char* field) {
    std::optional<std::string> text = string(field, "a hex string");
    if (!text) return std::nullopt;
    Bytes bytes;
    std::string why;
    if (bytes_from_hex(*text, &bytes, &why)) return bytes;
    fail(field, why);
    return std::nullopt;
  }

  // A list of hex strings; nullopt when absent or wrong.
  std::optional<std::vector<Bytes>> hex_list(const char* field) {
    if (!has(field)) return std::nullopt;
    const json& value = object_.at(field);
    if (!value.is_array()) {
      fail(field, "expected a list of hex strings, got " + shown(value));
      return std::nullopt;
    }
    std::vector<Bytes> list;
    for (const json& item : value) {
      Bytes bytes;
      std::string why;
      if (!item.is_string()) {
        fail(field, "expected a list of hex strings, got an item " + shown(item));
      } else if (!bytes_from_hex(item.get<std::string>(), &bytes, &why)) {
        fail(field, "item " + std::to_string(list.size()) + ": " + why);
      }
      list.push_back(std::move(bytes));
    }
    return list;
  }

  int cpu() {
    std::optional<uint64_t> cpu = unsigned_integer("cpu", INT_MAX);
    return cpu ? static_cast<int>(*cpu) : 0;
  }

  // Flags of `bits` bits (32 for map flags, 64 for element flags) in `field`: a list of names,
  // an "A|B" string, or an integer; negative integers are two's complement (-1 = all ones).
  template <class Lookup>
  uint64_t flags(int bits, Lookup name_to_flag, const char* field = "flags") {
    if (!has(field)) return 0;
    field_ = field;
    const json& value = object_.at(field);
    if (value.is_number_integer()) return integer_flags(value, bits);
    std::vector<std::string> names;
    if (value.is_string()) {
      names = split_names(value.get<std::string>());
    } else if (value.is_array()) {
      for (const json& item : value) {
        if (!item.is_string()) fail(field, "list items must be flag names, got " + shown(item));
        else names.push_back(item.get<std::string>());
      }
    } else {
      fail(field, "expected flag names (a list or \"A|B\") or an integer, got " + shown(value));
    }
    uint64_t flags = 0;
    for (const std::string& name : names) {
      std::optional<uint64_t> flag = name_to_flag(name);
      if (!flag) fail(field, "unknown flag name '" + name + "'");
      else flags |= *flag;
    }
    return flags;
  }

 private:
  uint64_t integer_flags(const json& value, int bits) {
    const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    if (value.is_number_unsigned()) {
      if (value.get<uint64_t>() <= mask) return value.get<uint64_t>();
    } else {
      const int64_t negative = value.get<int64_t>();
      const int64_t lowest = bits == 64 ? INT64_MIN : -(int64_t{1} << (bits - 1));
      if (negative >= lowest) return static_cast<uint64_t>(negative) & mask;
    }
    fail(field_, shown(value) + " does not fit in " + std::to_string(bits) + " bits");
    return 0;
  }

  std::vector<std::string> split_names(const std::string& text) {
    std::vector<std::string> names;
    size_t start = 0;
    for (;;) {
      const size_t bar = text.find('|', start);
      std::string name = text.substr(start, bar == std::string::npos ? bar : bar - start);
      const size_t first = name.find_first_not_of(' ');
      const size_t last = name.find_last_not_of(' ');
      name = first == std::string::npos ? "" : name.substr(first, last - first + 1);
      if (name.empty()) fail(field_, "empty flag name in '" + text + "'");
      else names.push_back(name);
      if (bar == std::string::npos) return names;
      start = bar + 1;
    }
  }

  const json& object_;
  std::string error_;
  const char* field_ = "flags";  // the flags field being read, for messages
};

uint32_t read_map_type(FieldReader& reader, const json& map) {
  reader.require("type", "a map line needs type, key_size, value_size and max_entries");
  if (!map.contains("type")) return 0;
  const json& type = map.at("type");
  if (type.is_string()) {
    std::optional<uint32_t> number = map_type_from_name(type.get<std::string>());
    if (number) return *number;
    reader.fail("type", "unknown map type '" + type.get<std::string>() + "'");
    return 0;
  }
  std::optional<uint64_t> number = reader.unsigned_integer("type", UINT32_MAX);
  return number ? static_cast<uint32_t>(*number) : 0;
}

uint32_t read_size(FieldReader& reader, const char* field) {
  reader.require(field, "a map line needs type, key_size, value_size and max_entries");
  return static_cast<uint32_t>(reader.unsigned_integer(field, UINT32_MAX).value_or(0));
}

ScriptLine parse_map_line(const json& line) {
  const std::string op = "map_create";
  for (const auto& [field, value] : line.items()) {
    if (field != "map") {
      return InputError{op, field + ": unknown field; a map line holds only \"map\""};
    }
  }
  const json& map = line.at("map");
  if (!map.is_object()) return InputError{op, "map: expected an object, got " + shown(map)};
  FieldReader reader(map);
  reader.reject_unknown(kMapFields, "a map line");
  MapLine parsed;
  parsed.id = reader.string("id", "a string");
  parsed.attr.map_type = read_map_type(reader, map);
  parsed.attr.key_size = read_size(reader, "key_size");
  parsed.attr.value_size = read_size(reader, "value_size");
  parsed.attr.max_entries = read_size(reader, "max_entries");
  parsed.attr.map_flags = static_cast<uint32_t>(reader.flags(32, map_flag_from_name));
  parsed.cpu = reader.cpu();
  parsed.attr.name = reader.string("name", "a string").value_or("");
  parsed.attr.map_extra = reader.unsigned_integer("map_extra", UINT64_MAX).value_or(0);
  if (reader.failed()) return InputError{op, reader.error()};
  return parsed;
}

Via read_via(FieldReader& reader) {
  std::optional<std::string> via = reader.string("via", "\"syscall\" or \"prog\"");
  if (!via || *via == "syscall") return Via::kSyscall;
  if (*via == "prog") return Via::kProgram;
  reader.fail("via", "expected \"syscall\" or \"prog\", got '" + *via + "'");
  return Via::kSyscall;
}

// A key: hex, or null / absent for a NULL key pointer (get_next_key's first key; the key of a
// map without keys). Whether the map takes a NULL key is the runner's question.
std::optional<Bytes> read_key(FieldReader& reader, const json& line) {
  if (!line.contains("key") || line.at("key").is_null()) return std::nullopt;
  return reader.hex("key");
}

// in_batch, count, keys, values and elem_flags of the batch ops (docs/op-script-batch.md).
void read_batch_fields(FieldReader& reader, const json& line, OpLine* parsed) {
  const std::string op(op_kind_name(parsed->kind));
  parsed->elem_flags = reader.flags(64, element_flag_from_name, "elem_flags");
  const std::optional<uint64_t> count = reader.unsigned_integer("count", UINT32_MAX);
  if (parsed->kind == OpKind::kLookupBatch || parsed->kind == OpKind::kLookupAndDeleteBatch) {
    if (line.contains("in_batch") && !line.at("in_batch").is_null()) {
      parsed->in_batch = reader.hex("in_batch");
    }
    reader.require("count", op + " needs a count (the most elements to return)");
    parsed->count = static_cast<uint32_t>(count.value_or(0));
    return;
  }
  reader.require("keys", op + " needs keys");
  parsed->keys = reader.hex_list("keys").value_or(std::vector<Bytes>());
  if (parsed->kind == OpKind::kUpdateBatch) {
    reader.require("values", op + " needs values");
    parsed->values = reader.hex_list("values").value_or(std::vector<Bytes>());
    if (reader.has("keys") && reader.has("values") &&
        parsed->values.size() != parsed->keys.size()) {
      reader.fail("values", "expected as many values as keys (" +
                                std::to_string(parsed->keys.size()) + "), got " +
                                std::to_string(parsed->values.size()));
    }
  }
  parsed->count = static_cast<uint32_t>(count.value_or(parsed->keys.size()));
  if (count && *count > parsed->keys.size()) {
    reader.fail("count", std::to_string(*count) + " is more than the " +
                             std::to_string(parsed->keys.size()) + " keys given");
  }
}

ScriptLine parse_op_fields(OpKind kind, const json& line) {
  const std::string op(op_kind_name(kind));
  FieldReader reader(line);
  reader.reject_unknown(op_fields(kind), op, "op");
  OpLine parsed;
  parsed.kind = kind;
  parsed.map_id = reader.string("map", "the id of a map (a string)");
  parsed.cpu = reader.cpu();
  parsed.via = read_via(reader);
  if (kind != OpKind::kDump && kind != OpKind::kInfo && !is_batch_op(kind)) {
    parsed.key = read_key(reader, line);
  }
  if (kind == OpKind::kUpdate) {
    reader.require("value", "update needs a value");
    parsed.value = reader.hex("value").value_or(Bytes());
  }
  if (kind == OpKind::kLookup) parsed.value = reader.hex("value").value_or(Bytes());
  if (kind == OpKind::kLookup && parsed.via == Via::kProgram && reader.has("flags")) {
    reader.fail("flags", "a program lookup takes no flags (lookup flags are syscall only)");
  }
  parsed.flags = reader.flags(64, element_flag_from_name);
  if (is_batch_op(kind)) read_batch_fields(reader, line, &parsed);
  if (reader.failed()) return InputError{op, reader.error()};
  return parsed;
}

ScriptLine parse_op_line(const json& line) {
  const json& op = line.at("op");
  if (!op.is_string()) return InputError{"", "op: expected the name of an op, got " + shown(op)};
  const std::string name = op.get<std::string>();
  for (const auto& [kind, kind_name] : kOpNames) {
    if (kind_name == name) return parse_op_fields(kind, line);
  }
  return InputError{"", "op: unknown op '" + name + "'"};
}

// {"devices": [{"ifindex": 1, "name": "lo"}, ...]}.
ScriptLine parse_devices_line(const json& line) {
  const std::string op = "devices";
  for (const auto& [field, value] : line.items()) {
    if (field != "devices") {
      return InputError{op, field + ": unknown field; a devices line holds only \"devices\""};
    }
  }
  const json& list = line.at("devices");
  const std::string expected = "expected a list of {\"ifindex\": N, \"name\": \"...\"}";
  if (!list.is_array()) return InputError{op, "devices: " + expected + ", got " + shown(list)};
  DevicesLine parsed;
  for (const json& item : list) {
    if (!item.is_object()) return InputError{op, "devices: " + expected + ", got " + shown(item)};
    FieldReader reader(item);
    reader.reject_unknown({"ifindex", "name"}, "a device");
    reader.require("ifindex", "a device needs an ifindex and a name");
    reader.require("name", "a device needs an ifindex and a name");
    const std::optional<uint64_t> ifindex = reader.unsigned_integer("ifindex", INT32_MAX);
    const std::optional<std::string> name = reader.string("name", "a device name");
    if (ifindex && *ifindex == 0) reader.fail("ifindex", "0 names no device");
    if (reader.failed()) return InputError{op, "devices: " + reader.error()};
    if (!parsed.devices.emplace(static_cast<uint32_t>(*ifindex), *name).second) {
      return InputError{op, "devices: ifindex " + std::to_string(*ifindex) + " is declared twice"};
    }
  }
  return parsed;
}

bool is_blank_or_comment(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t");
  return first == std::string_view::npos || text[first] == '#';
}

std::string parse_error_text(const json::parse_error& error) {
  // nlohmann prefixes "[json.exception.parse_error.101] ": the rest is the useful part.
  std::string text = error.what();
  const size_t bracket = text.find("] ");
  return bracket == std::string::npos ? text : text.substr(bracket + 2);
}

}  // namespace

bool is_batch_op(OpKind kind) {
  return kind == OpKind::kLookupBatch || kind == OpKind::kLookupAndDeleteBatch ||
         kind == OpKind::kUpdateBatch || kind == OpKind::kDeleteBatch;
}

std::string_view op_kind_name(OpKind kind) {
  for (const auto& [known, name] : kOpNames) {
    if (known == kind) return name;
  }
  return "";
}

ScriptLine parse_script_line(std::string_view text) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (is_blank_or_comment(text)) return SkippedLine{};
  json line;
  try {
    line = json::parse(text);
  } catch (const json::parse_error& error) {
    return InputError{"", "not JSON: " + parse_error_text(error)};
  }
  if (!line.is_object()) {
    return InputError{"", "a line must be a JSON object, got " + shown(line)};
  }
  if (line.size() == 1 && line.contains("comment")) return SkippedLine{};
  if (line.contains("op")) return parse_op_line(line);
  if (line.contains("devices")) return parse_devices_line(line);
  if (line.contains("map")) return parse_map_line(line);
  return InputError{"", "op: missing; an op line needs \"op\", a map line \"map\""};
}

}  // namespace mapsim
