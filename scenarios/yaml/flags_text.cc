#include "scenarios/yaml/flags_text.h"

#include <limits>

#include "scenarios/bpf_names.h"

namespace mapsim::scenario::yaml {
namespace {

constexpr int kBitsMax = 64;

std::optional<uint64_t> flag_from_name(std::string_view name, FlagSet set) {
  if (set == FlagSet::kElement) return element_flag_from_name(name);
  return map_flag_from_name(name);
}

std::string_view flag_name(uint64_t bit, FlagSet set) {
  if (set == FlagSet::kElement) return element_flag_name(bit);
  return bit <= UINT32_MAX ? map_flag_name(static_cast<uint32_t>(bit)) : std::string_view();
}

std::string valid_names(FlagSet set) {
  std::string text = set == FlagSet::kElement ? "BPF_ANY" : "";
  for (int bit = 0; bit < kBitsMax; ++bit) {
    const std::string_view name = flag_name(uint64_t{1} << bit, set);
    if (name.empty()) continue;
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

uint64_t flags_max(FlagSet set) {
  return set == FlagSet::kElement ? std::numeric_limits<uint64_t>::max() : UINT32_MAX;
}

}  // namespace

std::optional<uint64_t> flags_from_text(std::string_view text, FlagSet set, std::string* error) {
  uint64_t flags = 0;
  size_t start = 0;
  while (true) {
    const size_t bar = text.find('|', start);
    const std::string_view name =
        text.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    const std::optional<uint64_t> flag = flag_from_name(name, set);
    if (!flag) {
      *error = "unknown flag '" + std::string(name) + "'; expected " + valid_names(set) +
               " (names joined with |, a list of names, or an integer)";
      return std::nullopt;
    }
    flags |= *flag;
    if (bar == std::string_view::npos) return flags;
    start = bar + 1;
  }
}

std::optional<uint64_t> read_flags(Context& context, const Value& value, FlagSet set) {
  if (value.node.IsScalar() && value.plain && parse_decimal(value.node.Scalar())) {
    return read_unsigned(context, value, 0, flags_max(set));
  }
  if (value.node.IsScalar()) {
    std::string error;
    const std::optional<uint64_t> flags = flags_from_text(value.node.Scalar(), set, &error);
    if (!flags) context.error(value.pos, value.path, error);
    return flags;
  }
  if (value.node.IsSequence()) {
    uint64_t flags = 0;
    bool ok = true;
    const std::optional<std::vector<Value>> items = read_list(context, value, "a list of names");
    for (const Value& item : *items) {
      std::string error;
      const std::optional<uint64_t> flag =
          item.node.IsScalar() ? flag_from_name(item.node.Scalar(), set) : std::nullopt;
      if (!flag) {
        context.error(item.pos, item.path,
                      "unknown flag " + describe(item.node) + "; expected " + valid_names(set));
        ok = false;
        continue;
      }
      flags |= *flag;
    }
    if (ok) return flags;
    return std::nullopt;
  }
  context.error(value.pos, value.path,
                "expected flag names (\"A|B\" or a list) or an integer, got " +
                    describe(value.node));
  return std::nullopt;
}

std::optional<std::string> flags_text(uint64_t flags, FlagSet set) {
  std::string text;
  for (int bit = 0; bit < kBitsMax; ++bit) {
    const uint64_t mask = uint64_t{1} << bit;
    if ((flags & mask) == 0) continue;
    const std::string_view name = flag_name(mask, set);
    if (name.empty()) return std::nullopt;
    if (!text.empty()) text += "|";
    text += name;
  }
  return text;
}

}  // namespace mapsim::scenario::yaml
