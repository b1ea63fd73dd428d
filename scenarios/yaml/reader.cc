#include "scenarios/yaml/reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

namespace mapsim::scenario::yaml {
namespace {

constexpr size_t kShownCharsMax = 40;

std::string lowercase(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

bool key_allowed(std::string_view key, std::span<const std::string_view> allowed) {
  for (std::string_view name : allowed) {
    if (name == key) return true;
    if (name == "cpu<N>" && key.size() > 3 && key.substr(0, 3) == "cpu" &&
        key.find_first_not_of("0123456789", 3) == std::string_view::npos) {
      return true;
    }
  }
  return false;
}

std::string allowed_list(std::span<const std::string_view> allowed) {
  std::string text;
  for (std::string_view name : allowed) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

}  // namespace

void Context::error(SourcePos pos, std::string_view path, std::string_view message) {
  std::string line = file_;
  if (pos.line > 0) line += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
  line += ": ";
  if (!path.empty()) line += std::string(path) + ": ";
  line += message;
  errors_.push_back(Error{pos, std::move(line)});
}

std::vector<std::string> Context::sorted_errors() const {
  std::vector<Error> errors = errors_;
  std::stable_sort(errors.begin(), errors.end(), [](const Error& left, const Error& right) {
    return std::pair(left.pos.line, left.pos.column) < std::pair(right.pos.line, right.pos.column);
  });
  std::vector<std::string> lines;
  for (Error& error : errors) lines.push_back(std::move(error.line));
  return lines;
}

SourcePos position_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return {};
  return SourcePos{mark.line + 1, mark.column + 1};
}

Value make_value(const YAML::Node& node, std::string path, SourcePos fallback) {
  Value value{node, std::move(path), position_of(node), true};
  // An empty value ("key:") has no position of its own, or yaml-cpp gives the next line's.
  if (value.pos.line == 0 || node.IsNull()) value.pos = fallback;
  value.plain = node.IsScalar() && node.Tag() == "?";
  return value;
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  std::string text = node.Scalar();
  if (text.size() > kShownCharsMax) text = text.substr(0, kShownCharsMax) + "...";
  if (node.Tag() == "?") return "'" + text + "'";
  return "the quoted string \"" + text + "\"";
}

std::optional<std::vector<Entry>> read_entries(Context& context, const Value& map,
                                               std::span<const std::string_view> allowed,
                                               std::string_view what) {
  if (!map.node.IsMap()) {
    context.error(map.pos, map.path, "expected " + std::string(what) + ", got " +
                                         describe(map.node));
    return std::nullopt;
  }
  std::vector<Entry> entries;
  std::set<std::string, std::less<>> seen;
  for (const auto& item : map.node) {
    const SourcePos key_pos = position_of(item.first);
    if (!item.first.IsScalar()) {
      context.error(key_pos, map.path, "a key must be a name, got " + describe(item.first));
      continue;
    }
    const std::string key = item.first.Scalar();
    const std::string path = map.path.empty() ? key : map.path + "." + key;
    if (!key_allowed(key, allowed)) {
      context.error(key_pos, path,
                    "unknown key; " + std::string(what) + " takes " + allowed_list(allowed));
      continue;
    }
    if (!seen.insert(key).second) {
      context.error(key_pos, path, "duplicate key; each key may appear once");
      continue;
    }
    entries.push_back(Entry{key, key_pos, make_value(item.second, path, key_pos)});
  }
  return entries;
}

const Entry* find_entry(const std::vector<Entry>& entries, std::string_view key) {
  for (const Entry& entry : entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

std::optional<std::vector<Value>> read_list(Context& context, const Value& list,
                                            std::string_view what) {
  if (!list.node.IsSequence()) {
    context.error(list.pos, list.path,
                  "expected " + std::string(what) + ", got " + describe(list.node));
    return std::nullopt;
  }
  std::vector<Value> items;
  size_t index = 0;
  for (const auto& item : list.node) {
    items.push_back(
        make_value(item, list.path + "[" + std::to_string(index) + "]", list.pos));
    ++index;
  }
  return items;
}

std::optional<uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  uint64_t result = 0;
  const auto [end, code] = std::from_chars(text.data(), text.data() + text.size(), result);
  if (code != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return result;
}

bool label_syntax_ok(std::string_view label) {
  const auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  if (label.empty() || !(letter(label[0]) || label[0] == '_')) return false;
  for (char c : label) {
    if (!letter(c) && !digit(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

std::string expected_integer(uint64_t min, uint64_t max, const Value& value) {
  std::string range;
  if (max == std::numeric_limits<uint64_t>::max()) {
    range = min == 0 ? "an unsigned integer" : "an integer >= " + std::to_string(min);
  } else {
    range = "an integer in " + std::to_string(min) + ".." + std::to_string(max);
  }
  std::string message = "expected " + range + ", got " + describe(value.node);
  if (value.node.IsScalar() && value.plain && value.node.Scalar().size() > 1 &&
      value.node.Scalar()[0] == '0' && parse_decimal(value.node.Scalar().substr(1))) {
    message += " (no leading zeros: YAML readers differ on what they mean)";
  }
  return message;
}

std::optional<uint64_t> read_unsigned(Context& context, const Value& value, uint64_t min,
                                      uint64_t max) {
  std::optional<uint64_t> number;
  if (value.node.IsScalar() && value.plain) number = parse_decimal(value.node.Scalar());
  if (!number || *number < min || *number > max) {
    context.error(value.pos, value.path, expected_integer(min, max, value));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> read_bool(Context& context, const Value& value) {
  if (value.node.IsScalar() && value.plain) {
    const std::string text = lowercase(value.node.Scalar());
    if (text == "true" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "no" || text == "off") return false;
  }
  context.error(value.pos, value.path, "expected true or false, got " + describe(value.node));
  return std::nullopt;
}

std::optional<std::string> read_string(Context& context, const Value& value,
                                       std::string_view what) {
  if (!value.node.IsScalar()) {
    context.error(value.pos, value.path,
                  "expected " + std::string(what) + ", got " + describe(value.node));
    return std::nullopt;
  }
  return value.node.Scalar();
}

std::optional<double> read_seconds(Context& context, const Value& value) {
  if (value.node.IsScalar() && value.plain) {
    const std::string& text = value.node.Scalar();
    double seconds = 0;
    const auto [end, code] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (!text.empty() && code == std::errc() && end == text.data() + text.size() &&
        std::isfinite(seconds) && seconds >= 0 && text[0] != '-') {
      return seconds;
    }
  }
  context.error(value.pos, value.path,
                "expected a number of seconds >= 0 (such as 30 or 2.5), got " +
                    describe(value.node));
  return std::nullopt;
}

}  // namespace mapsim::scenario::yaml
