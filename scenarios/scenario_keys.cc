// resolve_scenario_keys() (scenarios/scenario_keys.h).
#include "scenarios/scenario_keys.h"

#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>

#include <yaml-cpp/yaml.h>

#include "impl/uapi.h"
#include "scenarios/yaml/bytes_text.h"
#include "scenarios/yaml/reader.h"
#include "scenarios/yaml/sections.h"
#include "synth/colliding_keys.h"
#include "synth/key_cache.h"
#include "synth/map_bucket_count.h"

namespace mapsim::scenario {
namespace {

using yaml::Context;
using yaml::Entry;
using yaml::Value;

constexpr std::string_view kRequestFields[] = {"bucket", "collide_with", "count", "full_hash",
                                               "template"};
constexpr uint64_t kCountMax = 1u << 16;

bool is_identifier(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// The map's bucket count and key size, from the sections the parser will read again (its own
// messages about them come from that parse; here only "the keys cannot be sized" is said).
struct KeyedMap {
  uint32_t key_size = 0;
  uint32_t n_buckets = 0;
};

std::optional<KeyedMap> keyed_map(Context& context, const YAML::Node& root, const Value& keys) {
  Context quiet(context.file(), context.text());
  const YAML::Node cpus_node = root["possible_cpus"];
  std::optional<Entry> cpus_entry;
  if (cpus_node) {
    cpus_entry = Entry{"possible_cpus", {}, yaml::make_value(cpus_node, "possible_cpus", {1, 1})};
  }
  const int cpus = yaml::read_possible_cpus(quiet, cpus_entry ? &*cpus_entry : nullptr);
  const YAML::Node map_node = root["map"];
  MapAttr attr;
  yaml::MapShape shape;
  if (map_node) {
    const Entry map{"map", {}, yaml::make_value(map_node, "map", keys.pos)};
    shape = yaml::read_map(quiet, map, cpus, &attr);
  }
  if (!shape.known || cpus == 0) {
    context.error(keys.pos, "keys", "keys can only be found for a valid map section (type, "
                                    "key_size, max_entries) and possible_cpus");
    return std::nullopt;
  }
  if ((attr.map_flags & bpf::kFZeroSeed) == 0) {
    context.error(keys.pos, "keys", "needs map.flags BPF_F_ZERO_SEED: without it a key's bucket "
                                    "depends on the map's random hash seed");
    return std::nullopt;
  }
  KeyedMap keyed;
  keyed.key_size = attr.key_size;
  std::string error;
  if (synth::htab_bucket_count(attr.map_type, attr.max_entries, attr.map_flags, cpus,
                               &keyed.n_buckets, &error) != 0) {
    context.error(keys.pos, "keys", "the map has no hash buckets to aim at: " + error);
    return std::nullopt;
  }
  return keyed;
}

// One request `name: {...}`; the keys found, or nullopt (reported).
std::optional<std::vector<Bytes>> solve_request(Context& context, const Value& value,
                                                const KeyedMap& map,
                                                const std::string& cache_directory) {
  const auto entries = yaml::read_entries(context, value, kRequestFields,
                                          "a key request: {bucket: B, count: N} or "
                                          "{collide_with: KEY, count: N}");
  if (!entries) return std::nullopt;
  synth::KeyRequest request;
  request.key_size = map.key_size;
  request.n_buckets = map.n_buckets;
  request.seed = 0;
  bool ok = true;
  if (const Entry* count = yaml::find_entry(*entries, "count")) {
    const auto parsed = yaml::read_unsigned(context, count->value, 1, kCountMax);
    ok &= parsed.has_value();
    if (parsed) request.count = static_cast<uint32_t>(*parsed);
  }
  if (const Entry* bucket = yaml::find_entry(*entries, "bucket")) {
    const auto parsed = yaml::read_unsigned(context, bucket->value, 0, UINT32_MAX);
    ok &= parsed.has_value();
    if (parsed) request.bucket = static_cast<uint32_t>(*parsed);
  }
  if (const Entry* collide = yaml::find_entry(*entries, "collide_with")) {
    std::string error;
    const std::string text = collide->value.node.IsScalar() ? collide->value.node.Scalar() : "";
    auto key = yaml::bytes_from_scalar(text, collide->value.plain, map.key_size, &error);
    if (!key) {
      context.error(collide->value.pos, collide->value.path, error);
      ok = false;
    } else {
      request.collide_with = std::move(*key);
    }
  }
  if (const Entry* full = yaml::find_entry(*entries, "full_hash")) {
    const auto parsed = yaml::read_bool(context, full->value);
    ok &= parsed.has_value();
    request.full_hash = parsed.value_or(false);
  }
  if (const Entry* key_template = yaml::find_entry(*entries, "template")) {
    const auto parsed = yaml::read_string(context, key_template->value, "a key template");
    ok &= parsed.has_value();
    request.key_template = parsed.value_or("");
  }
  if (!ok) return std::nullopt;
  std::string error;
  if (!synth::validate_key_request(request, &error)) {
    context.error(value.pos, value.path, error);
    return std::nullopt;
  }
  const synth::KeySearchResult found =
      cache_directory.empty()
          ? synth::find_colliding_keys(request)
          : synth::find_colliding_keys_cached(request, synth::KeyCache(cache_directory));
  switch (found.status) {
    case synth::KeySearchStatus::kFound: break;
    case synth::KeySearchStatus::kImpossible:
      context.error(value.pos, value.path, "impossible: " + found.message);
      return std::nullopt;
    case synth::KeySearchStatus::kTimeout:
      context.error(value.pos, value.path, "solver timeout (not a proof that no keys exist): " +
                                               found.message);
      return std::nullopt;
    default:
      context.error(value.pos, value.path, found.message);
      return std::nullopt;
  }
  std::vector<Bytes> keys;
  for (const synth::FoundKey& key : found.keys) keys.push_back(key.key);
  return keys;
}

// Replaces `$name.i` outside comments; unknown names and indexes are reported where they are.
std::string substitute(Context& context, std::string_view text,
                       const std::map<std::string, std::vector<Bytes>>& keys, bool resolved) {
  std::string out;
  int line = 1;
  int column = 1;
  bool comment = false;
  for (size_t at = 0; at < text.size();) {
    const char c = text[at];
    if (c == '\n') {
      comment = false;
      ++line;
      column = 1;
      out += c;
      ++at;
      continue;
    }
    if (c == '#' && (at == 0 || text[at - 1] == ' ' || text[at - 1] == '\t' ||
                     text[at - 1] == '\n')) {
      comment = true;
    }
    size_t name_end = at + 1;
    while (c == '$' && !comment && name_end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[name_end])) || text[name_end] == '_')) {
      ++name_end;
    }
    size_t index_end = name_end + 1;
    while (index_end < text.size() && std::isdigit(static_cast<unsigned char>(text[index_end]))) {
      ++index_end;
    }
    const bool reference = c == '$' && !comment && name_end > at + 1 &&
                           name_end < text.size() && text[name_end] == '.' &&
                           index_end > name_end + 1;
    if (!reference) {
      out += c;
      ++at;
      ++column;
      continue;
    }
    const std::string name(text.substr(at + 1, name_end - at - 1));
    const std::string_view token = text.substr(at, index_end - at);
    const unsigned long index =
        std::strtoul(std::string(text.substr(name_end + 1, index_end - name_end - 1)).c_str(),
                     nullptr, 10);
    const auto found = keys.find(name);
    if (found == keys.end()) {
      if (resolved) {
        context.error(SourcePos{line, column}, "",
                      "unknown key reference " + std::string(token) + ": keys: has no request '" +
                          name + "'");
      }
      out += token;
    } else if (index >= found->second.size()) {
      context.error(SourcePos{line, column}, "",
                    std::string(token) + ": keys." + name + " has " +
                        std::to_string(found->second.size()) + " key(s) ($" + name + ".0 to $" +
                        name + "." + std::to_string(found->second.size() - 1) + ")");
      out += token;
    } else {
      out += yaml::scalar_from_bytes(found->second[index]);
    }
    column += static_cast<int>(token.size());
    at = index_end;
  }
  return out;
}

}  // namespace

std::string default_key_cache_directory() {
  if (const char* explicit_directory = std::getenv("MAPSIM_KEY_CACHE")) return explicit_directory;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/mapsim/keys";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.cache/mapsim/keys";
  }
  return "";
}

KeyResolution resolve_scenario_keys(std::string_view text, const std::string& file,
                                    const std::string& cache_directory) {
  KeyResolution result;
  result.text = std::string(text);
  if (text.find('$') == std::string_view::npos && text.find("keys") == std::string_view::npos) {
    return result;
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception&) {
    return result;  // the parser reports the syntax error
  }
  if (!root.IsMap()) return result;
  Context context(file, text);
  std::map<std::string, std::vector<Bytes>> keys;
  bool resolved = true;
  if (const YAML::Node section = root["keys"]) {
    const Value value = yaml::make_value(section, "keys", SourcePos{1, 1});
    if (!section.IsMap()) {
      context.error(value.pos, "keys", "expected a map of named key requests, e.g. "
                                       "{hot: {bucket: 3, count: 4}}; got " +
                                           yaml::describe(section));
      resolved = false;
    } else if (const auto map = keyed_map(context, root, value)) {
      for (const auto& request : section) {
        const std::string name = request.first.Scalar();
        const Value entry = yaml::make_value(request.second, "keys." + name, value.pos);
        if (!is_identifier(name)) {
          context.error(yaml::position_of(request.first), "keys",
                        "'" + name + "' is not a name (letters, digits and _)");
          resolved = false;
          continue;
        }
        auto found = solve_request(context, entry, *map, cache_directory);
        ++result.requests;
        if (found) {
          keys.emplace(name, std::move(*found));
        } else {
          resolved = false;
        }
      }
    } else {
      resolved = false;
    }
  }
  result.text = substitute(context, text, keys, resolved);
  result.errors = context.sorted_errors();
  return result;
}

}  // namespace mapsim::scenario
