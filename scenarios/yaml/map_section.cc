// The machine and the map: possible_cpus, map_seed, map, devices.
#include <array>
#include <limits>

#include "impl/uapi.h"
#include "scenarios/bpf_names.h"
#include "scenarios/yaml/flags_text.h"
#include "scenarios/yaml/sections.h"

namespace mapsim::scenario::yaml {
namespace {

constexpr std::array<uint32_t, 10> kSimulatedTypes = {
    bpf::kMapHash,    bpf::kMapPercpuHash, bpf::kMapLruHash,    bpf::kMapLruPercpuHash,
    bpf::kMapArray,   bpf::kMapPercpuArray, bpf::kMapDevmap,    bpf::kMapDevmapHash,
    bpf::kMapBloomFilter, bpf::kMapLpmTrie,
};

constexpr std::string_view kMapKeys[] = {"type",      "key_size", "value_size", "max_entries",
                                         "flags",     "numa_node", "map_extra", "name"};

std::optional<uint32_t> read_map_type(Context& context, const Value& value) {
  const std::optional<std::string> name = read_string(context, value, "a map type name");
  if (!name) return std::nullopt;
  const std::optional<uint32_t> type = map_type_from_name(*name);
  if (type && map_type_simulated(*type)) return type;
  const std::string known = type ? "'" + *name + "' is a kernel map type mapsim does not simulate"
                                 : "unknown map type '" + *name + "'";
  context.error(value.pos, value.path, known + "; expected one of " + simulated_map_type_names());
  return std::nullopt;
}

template <class Field>
void read_u32(Context& context, const Entry* entry, uint32_t min, uint32_t max, Field* field,
              bool* ok) {
  if (entry == nullptr) return;
  const std::optional<uint64_t> number = read_unsigned(context, entry->value, min, max);
  if (number) {
    *field = static_cast<Field>(*number);
  } else {
    *ok = false;
  }
}

void require(Context& context, const Entry& map, const std::vector<Entry>& entries,
             std::string_view key, bool* ok) {
  if (find_entry(entries, key) != nullptr) return;
  context.error(map.key_pos, map.key + "." + std::string(key),
                "missing; a map needs type, key_size, value_size and max_entries");
  *ok = false;
}

}  // namespace

bool MapShape::percpu() const {
  return type == bpf::kMapPercpuHash || type == bpf::kMapLruPercpuHash ||
         type == bpf::kMapPercpuArray;
}
bool MapShape::lru() const { return type == bpf::kMapLruHash || type == bpf::kMapLruPercpuHash; }
bool MapShape::bloom_filter() const { return type == bpf::kMapBloomFilter; }
bool MapShape::devmap() const { return type == bpf::kMapDevmap || type == bpf::kMapDevmapHash; }

size_t MapShape::syscall_value_size() const {
  if (!percpu()) return value_size;
  return static_cast<size_t>(possible_cpus) * ((size_t{value_size} + 7) / 8 * 8);
}

bool map_type_simulated(uint32_t type) {
  for (uint32_t simulated : kSimulatedTypes) {
    if (simulated == type) return true;
  }
  return false;
}

std::string simulated_map_type_names() {
  std::string text;
  for (uint32_t type : kSimulatedTypes) {
    if (!text.empty()) text += ", ";
    text += map_type_name(type);
  }
  return text;
}

int read_possible_cpus(Context& context, const Entry* entry) {
  if (entry == nullptr) return ScenarioSpec{}.possible_cpus;
  const std::optional<uint64_t> cpus =
      read_unsigned(context, entry->value, 1, static_cast<uint64_t>(kPossibleCpusMax));
  return cpus ? static_cast<int>(*cpus) : 0;
}

uint64_t read_map_seed(Context& context, const Entry* entry) {
  if (entry == nullptr) return 0;
  return read_unsigned(context, entry->value, 0, std::numeric_limits<uint64_t>::max())
      .value_or(0);
}

MapShape read_map(Context& context, const Entry& entry, int possible_cpus, MapAttr* attr) {
  MapShape shape;
  shape.possible_cpus = possible_cpus;
  const std::optional<std::vector<Entry>> entries =
      read_entries(context, entry.value, kMapKeys, "a map (type, key_size, value_size, ...)");
  if (!entries) return shape;
  bool ok = possible_cpus > 0;
  for (std::string_view key : {"type", "key_size", "value_size", "max_entries"}) {
    require(context, entry, *entries, key, &ok);
  }
  if (const Entry* type = find_entry(*entries, "type")) {
    const std::optional<uint32_t> number = read_map_type(context, type->value);
    ok = ok && number.has_value();
    attr->map_type = number.value_or(0);
  }
  shape.type = attr->map_type;
  read_u32(context, find_entry(*entries, "key_size"), 0, kKeySizeMax, &attr->key_size, &ok);
  const uint32_t value_max = shape.percpu() ? kPercpuValueSizeMax : kValueSizeMax;
  read_u32(context, find_entry(*entries, "value_size"), 0, value_max, &attr->value_size, &ok);
  bool unused = true;
  read_u32(context, find_entry(*entries, "max_entries"), 0, UINT32_MAX, &attr->max_entries,
           &unused);
  read_u32(context, find_entry(*entries, "numa_node"), 0, UINT32_MAX, &attr->numa_node, &unused);
  if (const Entry* flags = find_entry(*entries, "flags")) {
    attr->map_flags =
        static_cast<uint32_t>(read_flags(context, flags->value, FlagSet::kMapCreate).value_or(0));
  }
  if (const Entry* extra = find_entry(*entries, "map_extra")) {
    attr->map_extra =
        read_unsigned(context, extra->value, 0, std::numeric_limits<uint64_t>::max()).value_or(0);
  }
  if (const Entry* name = find_entry(*entries, "name")) {
    attr->name = read_string(context, name->value, "a map name").value_or("");
  }
  shape.key_size = attr->key_size;
  shape.value_size = attr->value_size;
  shape.known = ok;
  return shape;
}

void read_devices(Context& context, const Entry* entry, const MapShape& shape,
                  std::map<uint32_t, std::string>* devices) {
  if (entry == nullptr) {
    if (shape.devmap()) *devices = {{1, "lo"}};  // a fresh network namespace
    return;
  }
  if (shape.known && !shape.devmap()) {
    context.error(entry->key_pos, entry->key,
                  "only devmap and devmap_hash maps use devices (their values are ifindexes)");
    return;
  }
  if (!entry->value.node.IsMap()) {
    context.error(entry->value.pos, entry->key,
                  "expected a map of ifindex to device name, such as {1: lo, 3: veth0}, got " +
                      describe(entry->value.node));
    return;
  }
  for (const auto& item : entry->value.node) {
    const Value index = make_value(item.first, entry->key, entry->value.pos);
    const std::optional<uint64_t> ifindex = read_unsigned(context, index, 1, INT32_MAX);
    const std::string path = entry->key + "." + (item.first.IsScalar() ? item.first.Scalar() : "?");
    const Value name_value = make_value(item.second, path, index.pos);
    std::optional<std::string> name = read_string(context, name_value, "a device name");
    if (name && (name->empty() || name->size() > kDeviceNameMax)) {
      context.error(name_value.pos, path, "expected a device name of 1 to 15 characters");
      name.reset();
    }
    if (!ifindex || !name) continue;
    if (!devices->emplace(static_cast<uint32_t>(*ifindex), *name).second) {
      context.error(index.pos, path, "duplicate ifindex; each device is declared once");
    }
  }
}

}  // namespace mapsim::scenario::yaml
