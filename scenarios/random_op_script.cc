#include "scenarios/random_op_script.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <string_view>
#include <utility>

#include "impl/assert.h"
#include "impl/map_attr.h"
#include "impl/map_batch.h"
#include "impl/uapi.h"
#include "scenarios/bpf_names.h"
#include "scenarios/hex.h"
#include "scenarios/op_backend.h"

namespace mapsim {
namespace {

using json = nlohmann::ordered_json;

// Below this many bytes of map content (max_entries x syscall value size) values may grow to
// KiB sizes; bigger maps keep small values so dumps stay short.
constexpr uint64_t kMapContentBytesMax = 256 * 1024;
constexpr uint64_t kFillBurstMax = 6000;

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  uint64_t bits() { return engine_(); }
  // REQUIRES: bound > 0. The modulo bias is irrelevant for test generation.
  uint64_t below(uint64_t bound) { return engine_() % bound; }
  uint64_t between(uint64_t low, uint64_t high) { return low + below(high - low + 1); }
  bool chance(int percent) { return below(100) < static_cast<uint64_t>(percent); }
  template <class T, size_t N>
  const T& pick(const T (&items)[N]) { return items[below(N)]; }

 private:
  std::mt19937_64 engine_;
};

bool is_lru(uint32_t type) { return type == bpf::kMapLruHash || type == bpf::kMapLruPercpuHash; }
bool is_array(uint32_t type) { return type == bpf::kMapArray || type == bpf::kMapPercpuArray; }
bool is_devmap(uint32_t type) { return type == bpf::kMapDevmap || type == bpf::kMapDevmapHash; }
// Keys are u32 indexes (or ifindex-like u32 keys): the array and device-map types.
bool is_indexed(uint32_t type) { return is_array(type) || is_devmap(type); }
// Maps that hold every key from the start: nothing to fill.
bool is_always_full(uint32_t type) { return is_array(type) || type == bpf::kMapDevmap; }
bool is_bloom(uint32_t type) { return type == bpf::kMapBloomFilter; }
bool is_lpm(uint32_t type) { return type == bpf::kMapLpmTrie; }
bool is_per_cpu(uint32_t type) {
  return type == bpf::kMapPercpuHash || type == bpf::kMapPercpuArray ||
         type == bpf::kMapLruPercpuHash;
}

// splitmix64's finalizer: a fixed bijection that scatters bits.
uint64_t mix64(uint64_t value) {
  value ^= value >> 30;
  value *= 0xbf58476d1ce4e5b9ull;
  value ^= value >> 27;
  value *= 0x94d049bb133111ebull;
  return value ^ (value >> 31);
}

// Distinct indices give distinct byte strings: the first min(size, 8) bytes are an odd
// multiple of the index plus a salt (a bijection modulo 2^(8 x bytes)); later bytes come from
// the salt.
Bytes index_bytes(size_t size, uint64_t salt, uint64_t index) {
  Bytes bytes(size);
  uint64_t mixed = index * 0x9e3779b97f4a7c15ull + salt;
  for (size_t byte = 0; byte < bytes.size(); ++byte) {
    uint64_t source = byte < 8 ? mixed : salt * (byte + 1);
    bytes[byte] = static_cast<unsigned char>(source >> (8 * (byte % 8)));
  }
  return bytes;
}

// A map of the script as the generator sees it: enough to make keys and values that fit.
struct PlannedMap {
  std::string id;
  MapAttr attr;
  bool program_ops = true;   ///< false for bloom filters, whose helpers programs cannot call
  uint64_t key_salt = 0;     ///< makes keys of different maps and seeds differ
  uint64_t key_pool = 1;     ///< keys 0 .. key_pool-1 are the ones ops come back to
  uint64_t next_fresh = 1;   ///< next key index no op has used (fill bursts)
  uint64_t key_space = 0;    ///< distinct key indices (0: more than 2^64)
};

// ---- map attributes ----

uint32_t random_key_size(Random& random) {
  if (random.chance(35)) return 4;
  if (random.chance(30)) return 8;
  if (random.chance(75)) return static_cast<uint32_t>(random.between(1, 16));
  return static_cast<uint32_t>(random.between(17, 64));
}

// LPM_TRIE: the u32 prefixlen and 1..256 data bytes; IPv4 and IPv6 shapes most often.
uint32_t random_lpm_key_size(Random& random) {
  if (random.chance(35)) return 4 + 4;
  if (random.chance(25)) return 4 + 16;
  if (random.chance(75)) return 4 + static_cast<uint32_t>(random.between(1, 12));
  return 4 + static_cast<uint32_t>(random.between(17, 64));
}

uint32_t random_value_size(Random& random) {
  if (random.chance(60)) return static_cast<uint32_t>(random.between(1, 16));
  if (random.chance(60)) return static_cast<uint32_t>(random.between(17, 64));
  if (random.chance(75)) return static_cast<uint32_t>(random.between(65, 512));
  if (random.chance(85)) return static_cast<uint32_t>(random.between(513, 4096));
  return static_cast<uint32_t>(random.between(4097, 4200));
}

uint32_t random_max_entries(Random& random, uint32_t type) {
  if (is_bloom(type)) {
    // Only sizes the bit array: 64 bits up to 1 and 40 entries (many false positives), more.
    if (random.chance(50)) return static_cast<uint32_t>(random.between(1, 40));
    return static_cast<uint32_t>(random.between(41, random.chance(70) ? 400 : 5000));
  }
  int small = is_lru(type) ? 50 : 70;
  if (random.chance(small)) {
    return static_cast<uint32_t>(random.between(1, is_indexed(type) ? 16 : 8));
  }
  if (random.chance(60)) return static_cast<uint32_t>(random.between(9, 64));
  if (!is_lru(type) || random.chance(60)) return static_cast<uint32_t>(random.between(65, 512));
  return static_cast<uint32_t>(random.between(513, 4000));
}

std::string random_valid_name(Random& random) {
  static constexpr char kNameChars[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.";
  if (random.chance(50)) return "";
  std::string name(random.between(1, bpf::kObjNameLen - 1), 'x');
  for (char& c : name) c = kNameChars[random.below(sizeof kNameChars - 1)];
  return name;
}

uint32_t random_valid_flags(Random& random, uint32_t type, bool* program_ops) {
  uint32_t flags = 0;
  // Deterministic bucket order, always (arrays and device maps have no seed: they refuse it).
  // LPM tries have no seed either, and need BPF_F_NO_PREALLOC; bloom filters get ZERO_SEED so
  // their bit positions, and so their false positives, are the kernel's.
  if (!is_indexed(type) && !is_lpm(type)) flags |= bpf::kFZeroSeed;
  if (is_lpm(type)) flags |= bpf::kFNoPrealloc;
  if ((type == bpf::kMapHash || type == bpf::kMapPercpuHash) && random.chance(35)) {
    flags |= bpf::kFNoPrealloc;
  }
  if (is_lru(type) && random.chance(50)) flags |= bpf::kFNoCommonLru;
  bool numa_allowed = !is_per_cpu(type) && !(flags & bpf::kFNoCommonLru);
  if (numa_allowed && random.chance(5)) flags |= bpf::kFNumaNode;
  if (type == bpf::kMapArray && random.chance(5)) flags |= bpf::kFMmapable;
  if (random.chance(8)) {
    static constexpr uint32_t kAccess[] = {bpf::kFRdonly, bpf::kFWronly, bpf::kFRdonlyProg,
                                           bpf::kFWronlyProg};
    // Device maps refuse the program access flags (they add BPF_F_RDONLY_PROG themselves).
    flags |= kAccess[random.below(is_devmap(type) ? 2 : 4)];
  }
  // Bloom filters: the verifier refuses the lookup/update/delete helpers on them. Programs on
  // maps with program access flags (device maps are BPF_F_RDONLY_PROG) are generated: the ones
  // the verifier refuses answer -EACCES (impl/program_access.h).
  *program_ops = !is_bloom(type);
  return flags;
}

MapAttr random_valid_attr(Random& random, uint32_t type, int possible_cpus, bool* program_ops) {
  MapAttr attr;
  attr.map_type = type;
  if (is_indexed(type)) {
    attr.key_size = 4;
  } else if (is_bloom(type)) {
    attr.key_size = 0;
  } else {
    attr.key_size = is_lpm(type) ? random_lpm_key_size(random) : random_key_size(random);
  }
  attr.max_entries = random_max_entries(random, type);
  // struct bpf_devmap_val: the ifindex, or the ifindex and a program fd.
  attr.value_size = is_devmap(type) ? (random.chance(70) ? 8 : 4) : random_value_size(random);
  uint64_t slots = is_per_cpu(type) ? static_cast<uint64_t>(possible_cpus) : 1;
  while (attr.value_size > 8 &&
         uint64_t{attr.max_entries} * bpf::round_up(attr.value_size, 8) * slots >
             kMapContentBytesMax) {
    attr.value_size /= 2;
  }
  attr.map_flags = random_valid_flags(random, type, program_ops);
  if (is_per_cpu(type) && (attr.map_flags & bpf::kFNoPrealloc)) {
    // A program insert into a NO_PREALLOC per-CPU hash may get a per-CPU area that another CPU
    // freed; whether it still holds the old padding bytes or was zeroed depends on whether an
    // RCU tasks-trace grace period ended in between (bpf_mem_alloc), i.e. on timing. Values
    // without padding keep those maps comparable.
    attr.value_size = static_cast<uint32_t>(bpf::round_up(attr.value_size, 8));
  }
  attr.name = random_valid_name(random);
  if (is_bloom(type)) attr.map_extra = random.below(16);  // hash functions; 0 means 5
  return attr;
}

// Flags some or all of the six types reject (fact sheet 3.1, 5.1).
uint32_t random_rejected_flags(Random& random, uint32_t type) {
  static constexpr uint32_t kNeverValid[] = {
      bpf::kFClone,        bpf::kFStackBuildId,  bpf::kFPreserveElems, bpf::kFLink,
      bpf::kFSegvOnFault,  bpf::kFNoUserConv,    1u << 20,             1u << 31,
      bpf::kFRdonly | bpf::kFWronly, bpf::kFRdonlyProg | bpf::kFWronlyProg};
  if (random.chance(50)) return random.pick(kNeverValid);
  if (is_array(type)) {
    static constexpr uint32_t kArrayRejects[] = {bpf::kFNoPrealloc, bpf::kFZeroSeed,
                                                 bpf::kFNoCommonLru};
    return random.pick(kArrayRejects);
  }
  if (is_bloom(type)) {
    static constexpr uint32_t kBloomRejects[] = {bpf::kFNoPrealloc, bpf::kFNoCommonLru,
                                                 bpf::kFMmapable, bpf::kFInnerMap};
    return random.pick(kBloomRejects);
  }
  if (is_lpm(type)) {
    static constexpr uint32_t kLpmRejects[] = {bpf::kFZeroSeed, bpf::kFNoCommonLru,
                                               bpf::kFMmapable, bpf::kFInnerMap};
    return random.pick(kLpmRejects);
  }
  if (is_devmap(type)) {
    static constexpr uint32_t kDevmapRejects[] = {bpf::kFNoPrealloc, bpf::kFZeroSeed,
                                                  bpf::kFRdonlyProg, bpf::kFWronlyProg,
                                                  bpf::kFMmapable, bpf::kFNoCommonLru};
    return random.pick(kDevmapRejects);
  }
  static constexpr uint32_t kHashRejects[] = {bpf::kFMmapable, bpf::kFInnerMap,
                                              bpf::kFNumaNode | bpf::kFNoCommonLru};
  if (is_lru(type) && random.chance(50)) return bpf::kFNoPrealloc;
  if (!is_lru(type) && random.chance(40)) return bpf::kFNoCommonLru;
  if (is_per_cpu(type) && random.chance(40)) return bpf::kFNumaNode;
  return random.pick(kHashRejects);
}

// Sizes past the kernel's limits; each fails before anything big is allocated.
void make_oversized(Random& random, MapAttr* attr) {
  uint32_t type = attr->map_type;
  if (is_devmap(type)) {
    // DEVMAP_HASH: the bucket count overflows (EINVAL). A DEVMAP that large would try to
    // allocate gigabytes, so it gets an oversized value instead (EINVAL too).
    if (type == bpf::kMapDevmapHash && random.chance(50)) {
      attr->max_entries = (1u << 31) + 1 + static_cast<uint32_t>(random.below(1u << 30));
    } else {
      attr->value_size = static_cast<uint32_t>(random.between(9, 4096));
    }
    return;
  }
  if (is_bloom(type)) {
    // E2BIG from the alloc_check, even with a key_size the allocation would refuse.
    attr->value_size = static_cast<uint32_t>(random.between(4194305, 4194400));
    if (random.chance(30)) attr->key_size = 4;
    return;
  }
  if (is_lpm(type)) {  // EINVAL: data beyond 256 bytes, or a node beyond kmalloc's limit
    if (random.chance(50)) {
      attr->key_size = static_cast<uint32_t>(random.between(261, 300));
    } else {
      attr->value_size = static_cast<uint32_t>(random.between(4194025, 4194400));
    }
    return;
  }
  if (is_per_cpu(type) && random.chance(50)) {
    attr->value_size = static_cast<uint32_t>(random.between(32769, 40000));
  } else if (is_array(type)) {
    attr->value_size = (1u << 31) + static_cast<uint32_t>(random.below(16));
  } else if (random.chance(50)) {
    attr->key_size = static_cast<uint32_t>(random.between(4194256, 4194400)) - attr->value_size;
  } else {
    attr->max_entries = is_lru(type) && random.chance(50) ? 0xffffffffu
                                                           : (1u << 31) + 1;
  }
}

uint32_t bad_key_size(Random& random, uint32_t type) {
  if (is_indexed(type)) return random.pick({8u, 1u, 0u});
  if (is_bloom(type)) return static_cast<uint32_t>(random.between(1, 8));  // must be 0
  if (is_lpm(type)) return random.pick({0u, 1u, 4u, 261u, 1000u});       // 4 + 1..256
  return 0;
}

// One reason for MAP_CREATE to fail, applied to an otherwise valid attribute set.
void break_attr(Random& random, MapAttr* attr) {
  switch (random.below(9)) {
    case 0: {
      static constexpr uint32_t kBadTypes[] = {0, 34, 99, 1000, 0xffffffffu};
      attr->map_type = random.pick(kBadTypes);
      break;
    }
    case 1: attr->key_size = bad_key_size(random, attr->map_type); break;
    case 2: attr->value_size = 0; break;
    case 3: attr->max_entries = 0; break;
    case 4:
      if (is_lpm(attr->map_type) && random.chance(30)) {
        attr->map_flags &= ~bpf::kFNoPrealloc;  // mandatory for LPM tries
      } else {
        attr->map_flags |= random_rejected_flags(random, attr->map_type);
      }
      break;
    case 5: {
      static const char* const kBadNames[] = {"a-b", "sixteen_chars_xx", "twenty_characters_xx",
                                              "with space", "na\xc3\xafve", "slash/"};
      attr->name = random.pick(kBadNames);
      break;
    }
    case 6: {
      // Bloom filters take 0..15 (hash functions); every other type only 0.
      static constexpr uint64_t kBloomBad[] = {16, 17, 255, 0xffffffffu, uint64_t{1} << 40};
      if (is_bloom(attr->map_type)) attr->map_extra = random.pick(kBloomBad);
      else attr->map_extra = random.chance(50) ? 1 : 0xffffffffu;
      break;
    }
    case 7: make_oversized(random, attr); break;
    default:
      // Random bits, except BPF_F_TOKEN_FD: it makes the kernel open map_token_fd (0, the
      // test's stdin), which would tie the result to the environment.
      attr->map_flags = static_cast<uint32_t>(random.bits()) & ~bpf::kFTokenFd;
      break;
  }
}

// ---- JSON pieces ----

// Map flags as a list of names, or (sometimes, and always for unnamed bits) an integer.
json map_flags_json(Random& random, uint32_t flags) {
  static constexpr std::pair<const char*, uint32_t> kNames[] = {
      {"BPF_F_NO_PREALLOC", bpf::kFNoPrealloc}, {"BPF_F_NO_COMMON_LRU", bpf::kFNoCommonLru},
      {"BPF_F_NUMA_NODE", bpf::kFNumaNode},     {"BPF_F_RDONLY", bpf::kFRdonly},
      {"BPF_F_WRONLY", bpf::kFWronly},          {"BPF_F_ZERO_SEED", bpf::kFZeroSeed},
      {"BPF_F_RDONLY_PROG", bpf::kFRdonlyProg}, {"BPF_F_WRONLY_PROG", bpf::kFWronlyProg},
      {"BPF_F_MMAPABLE", bpf::kFMmapable},      {"BPF_F_CLONE", bpf::kFClone},
  };
  json names = json::array();
  uint32_t named = 0;
  for (const auto& [name, bit] : kNames) {
    MAPSIM_ASSERT(map_flag_from_name(name) == bit, "generator flag names are the parser's");
    if (flags & bit) {
      names.push_back(name);
      named |= bit;
    }
  }
  if (named != flags || random.chance(15)) return flags;
  return names;
}

json map_line(Random& random, const std::string& id, const MapAttr& attr, int cpu) {
  json map;
  map["id"] = id;
  std::string_view type_name = map_type_name(attr.map_type);
  if (!type_name.empty() && random.chance(85)) {
    map["type"] = std::string(type_name);
  } else {
    map["type"] = attr.map_type;
  }
  map["key_size"] = attr.key_size;
  map["value_size"] = attr.value_size;
  map["max_entries"] = attr.max_entries;
  map["flags"] = map_flags_json(random, attr.map_flags);
  if (cpu != 0) map["cpu"] = cpu;
  if (!attr.name.empty()) map["name"] = attr.name;
  if (attr.map_extra != 0) map["map_extra"] = attr.map_extra;
  return json{{"map", map}};
}

// Element flags of an update: mostly the three valid ones, sometimes what the kernel rejects.
json update_flags_json(Random& random) {
  uint64_t roll = random.below(100);
  if (roll < 50) return nullptr;
  if (roll < 55) return "BPF_ANY";
  if (roll < 70) return "BPF_NOEXIST";
  if (roll < 85) return "BPF_EXIST";
  static const json kInvalid[] = {"BPF_F_LOCK", "BPF_NOEXIST|BPF_EXIST", "BPF_EXIST|BPF_F_LOCK",
                                  3, 4, 6, 8, 16, uint64_t{1} << 32, -1};
  return random.pick(kInvalid);
}

// Flags of a syscall lookup or lookup_and_delete: almost always none.
json lookup_flags_json(Random& random) {
  if (random.chance(90)) return nullptr;
  static const json kFlags[] = {"BPF_F_LOCK", "BPF_ANY", 1, 2, -1};
  return random.pick(kFlags);
}

}  // namespace

namespace {

class ScriptGenerator {
 public:
  ScriptGenerator(uint64_t seed, const RandomScriptOptions& options)
      : random_(seed), options_(options) {
    MAPSIM_ASSERT(!options.map_types.empty(), "at least one map type to draw from");
    MAPSIM_ASSERT(options.possible_cpus >= 1, "at least one CPU");
    MAPSIM_ASSERT(options.ops_per_map_max >= 1, "at least one op per map");
  }

  std::string generate(uint64_t seed);

 private:
  void add_line(const json& line) { text_ += line.dump() + "\n"; }
  void add_map_lines();
  void add_invalid_map();
  void add_valid_map();
  void add_random_op(PlannedMap& map);
  void add_update(PlannedMap& map, const Bytes& key, Via via, const json& flags);
  void add_keyed_op(const char* op, PlannedMap& map, const Bytes& key, Via via);
  void add_fill_burst(PlannedMap& map);
  json op_start(const char* op, const PlannedMap& map, int cpu);
  int next_cpu();
  Via random_via(const PlannedMap& map);
  uint64_t fresh_index(PlannedMap& map);
  uint64_t known_index(PlannedMap& map);
  Bytes key_of(const PlannedMap& map, uint64_t index) const;
  Bytes lpm_key_of(const PlannedMap& map, uint64_t index) const;
  Bytes lpm_probe(const PlannedMap& map);
  void add_bloom_op(PlannedMap& map);
  void add_bloom_item_op(const char* op, PlannedMap& map, const Bytes& item, const json& flags);
  void add_bloom_burst(PlannedMap& map, uint64_t count);
  Bytes random_bytes(size_t size);
  size_t value_size(const PlannedMap& map, Via via) const;
  Bytes value_for(const PlannedMap& map, Via via);
  Bytes devmap_value(const PlannedMap& map);
  void add_batch_op(PlannedMap& map);
  void add_batch_entries(PlannedMap& map, bool with_values, json* line);
  json batch_token(PlannedMap& map);
  uint32_t batch_count(const PlannedMap& map);

  Random random_;
  RandomScriptOptions options_;
  std::vector<PlannedMap> maps_;  ///< the valid maps (ops go to these)
  int map_lines_ = 0;
  int cpu_ = 0;                   ///< the CPU recent ops ran on
  std::string text_;
};

int ScriptGenerator::next_cpu() {
  if (random_.chance(25)) cpu_ = static_cast<int>(random_.below(options_.possible_cpus));
  return cpu_;
}

Via ScriptGenerator::random_via(const PlannedMap& map) {
  return map.program_ops && random_.chance(30) ? Via::kProgram : Via::kSyscall;
}

uint64_t ScriptGenerator::fresh_index(PlannedMap& map) {
  uint64_t index = map.next_fresh++;
  return map.key_space == 0 ? index : index % map.key_space;
}

// A key ops have used before: the pool, or one of the latest fresh keys.
uint64_t ScriptGenerator::known_index(PlannedMap& map) {
  if (is_always_full(map.attr.map_type)) {
    if (random_.chance(85)) return random_.below(map.attr.max_entries);
    if (random_.chance(65)) return uint64_t{map.attr.max_entries} + random_.below(3);
    return random_.bits() & 0xffffffffu;
  }
  if (map.next_fresh > map.key_pool && random_.chance(40)) {
    uint64_t window = 2 * uint64_t{map.attr.max_entries} + 2;
    uint64_t low = std::max(map.key_pool, map.next_fresh > window ? map.next_fresh - window : 0);
    uint64_t index = random_.between(low, map.next_fresh - 1);
    return map.key_space == 0 ? index : index % map.key_space;
  }
  return random_.below(map.key_pool);
}

// The key of an index: distinct indices give distinct keys (index_bytes), except for LPM
// tries, whose keys are prefixes meant to overlap.
Bytes ScriptGenerator::key_of(const PlannedMap& map, uint64_t index) const {
  if (is_lpm(map.attr.map_type)) return lpm_key_of(map, index);
  Bytes key(map.attr.key_size);
  if (is_indexed(map.attr.map_type)) {
    for (size_t byte = 0; byte < key.size() && byte < 4; ++byte) key[byte] = index >> (8 * byte);
    return key;
  }
  return index_bytes(key.size(), map.key_salt, index);
}

// LPM_TRIE keys: prefixes that nest and share long parts, so lookups meet several candidates
// and the trie needs intermediate nodes: each data byte is the map's base pattern's (3 in 4)
// or one of 4 values; the prefix length is uniform in 0 .. max_prefixlen, and in 1 of 20 keys
// past it (EINVAL for updates and deletes, ENOENT for lookups, the first key for
// get_next_key). The same index gives the same key.
Bytes ScriptGenerator::lpm_key_of(const PlannedMap& map, uint64_t index) const {
  static constexpr unsigned char kAlphabet[] = {0x00, 0x0f, 0xc3, 0xff};
  const uint32_t data_size = map.attr.key_size - 4;
  const uint32_t max_prefixlen = 8 * data_size;
  const uint64_t state = mix64(index * 0x9e3779b97f4a7c15ull + map.key_salt);
  const uint64_t length_roll = state >> 8;
  const auto prefixlen = static_cast<uint32_t>(state % 20 == 0
                                                   ? max_prefixlen + 1 + length_roll % 8
                                                   : length_roll % (max_prefixlen + 1));
  Bytes key(map.attr.key_size);
  for (size_t byte = 0; byte < 4; ++byte) {
    key[byte] = static_cast<unsigned char>(prefixlen >> (8 * byte));
  }
  for (uint32_t byte = 0; byte < data_size; ++byte) {
    const uint64_t roll = mix64(state + byte + 1);
    key[4 + byte] = roll % 4 != 0 ? static_cast<unsigned char>(mix64(map.key_salt + byte))
                                  : kAlphabet[(roll >> 8) % 4];
  }
  return key;
}

// A full-length LPM key (an "address") for lookups: the longest-prefix match at work.
Bytes ScriptGenerator::lpm_probe(const PlannedMap& map) {
  Bytes key = lpm_key_of(map, random_.bits());
  const uint32_t max_prefixlen = 8 * (map.attr.key_size - 4);
  for (size_t byte = 0; byte < 4; ++byte) {
    key[byte] = static_cast<unsigned char>(max_prefixlen >> (8 * byte));
  }
  return key;
}

Bytes ScriptGenerator::random_bytes(size_t size) {
  Bytes bytes(size, 0);
  if (random_.chance(20)) return bytes;
  for (unsigned char& byte : bytes) byte = static_cast<unsigned char>(random_.bits());
  return bytes;
}

size_t ScriptGenerator::value_size(const PlannedMap& map, Via via) const {
  if (via == Via::kProgram || !is_per_cpu(map.attr.map_type)) return map.attr.value_size;
  return bpf::round_up(map.attr.value_size, 8) * options_.possible_cpus;
}

Bytes ScriptGenerator::value_for(const PlannedMap& map, Via via) {
  if (is_devmap(map.attr.map_type)) return devmap_value(map);
  return random_bytes(value_size(map, via));
}

// A written bpf_devmap_val. Only ifindex 1 (loopback, 1 in every namespace) is a device; the
// invalid ones are indexes the kernel never hands out (it counts up from 1) or negative as an
// int. Positive program fds are never BPF_XDP_DEVMAP programs here: always EINVAL.
Bytes ScriptGenerator::devmap_value(const PlannedMap& map) {
  static constexpr uint32_t kNoDevice[] = {0x7fffffffu, 0x7ffffff0u, 0x80000000u, 0x80000001u,
                                           0xfffffffeu, 0xffffffffu};
  static constexpr int32_t kPrograms[] = {-1, -1, -2, INT32_MIN, 1, 2, 3, 1000, INT32_MAX};
  const uint64_t roll = random_.below(100);
  const uint32_t ifindex = roll < 78 ? 1 : roll < 90 ? 0 : random_.pick(kNoDevice);
  const int32_t program = random_.chance(65) ? 0 : random_.pick(kPrograms);
  Bytes value(map.attr.value_size, 0);
  for (size_t byte = 0; byte < 4; ++byte) {
    value[byte] = static_cast<unsigned char>(ifindex >> (8 * byte));
  }
  for (size_t byte = 4; byte < value.size(); ++byte) {
    value[byte] = static_cast<unsigned char>(static_cast<uint32_t>(program) >> (8 * (byte - 4)));
  }
  return value;
}

}  // namespace

namespace {

void ScriptGenerator::add_invalid_map() {
  uint32_t type = options_.map_types[random_.below(options_.map_types.size())];
  bool program_ops = true;
  MapAttr attr = random_valid_attr(random_, type, options_.possible_cpus, &program_ops);
  break_attr(random_, &attr);
  if (random_.chance(30)) break_attr(random_, &attr);
  int cpu = static_cast<int>(random_.below(options_.possible_cpus));
  add_line(map_line(random_, "bad" + std::to_string(map_lines_++), attr, cpu));
}

void ScriptGenerator::add_valid_map() {
  PlannedMap map;
  map.id = "m" + std::to_string(maps_.size());
  uint32_t type = options_.map_types[random_.below(options_.map_types.size())];
  map.attr = random_valid_attr(random_, type, options_.possible_cpus, &map.program_ops);
  map.key_salt = random_.bits();
  // A bloom filter's "keys" are the items it holds: its values.
  const uint32_t item_size = is_bloom(type) ? map.attr.value_size : map.attr.key_size;
  map.key_space = item_size >= 8 ? 0 : uint64_t{1} << (8 * item_size);
  uint64_t pool = uint64_t{map.attr.max_entries} + 1 + random_.below(map.attr.max_entries / 2 + 3);
  map.key_pool = map.key_space == 0 ? pool : std::min(pool, map.key_space);
  map.next_fresh = map.key_pool;
  int cpu = static_cast<int>(random_.below(options_.possible_cpus));
  add_line(map_line(random_, map.id, map.attr, cpu));
  ++map_lines_;
  maps_.push_back(std::move(map));
}

// Invalid map lines first or between the valid ones; all map lines precede the ops.
void ScriptGenerator::add_map_lines() {
  uint64_t invalid = random_.chance(60) ? 0 : random_.chance(75) ? 1 : 2;
  uint64_t valid = random_.chance(75) ? 1 : 2;
  while (invalid + valid > 0) {
    if (invalid > 0 && (valid == 0 || random_.chance(50))) {
      add_invalid_map();
      --invalid;
    } else {
      add_valid_map();
      --valid;
    }
  }
}

json ScriptGenerator::op_start(const char* op, const PlannedMap& map, int cpu) {
  json line;
  line["op"] = op;
  // With one map line, ops go to it by default; otherwise they name their map.
  if (map_lines_ > 1) line["map"] = map.id;
  if (cpu != 0 || random_.chance(50)) line["cpu"] = cpu;
  return line;
}

void ScriptGenerator::add_update(PlannedMap& map, const Bytes& key, Via via, const json& flags) {
  json line = op_start("update", map, next_cpu());
  line["key"] = hex_from_bytes(key);
  line["value"] = hex_from_bytes(value_for(map, via));
  if (!flags.is_null()) line["flags"] = flags;
  if (via == Via::kProgram) line["via"] = "prog";
  add_line(line);
}

void ScriptGenerator::add_keyed_op(const char* op, PlannedMap& map, const Bytes& key, Via via) {
  json line = op_start(op, map, next_cpu());
  line["key"] = hex_from_bytes(key);
  if (via == Via::kProgram) {
    line["via"] = "prog";
  } else if (std::string_view(op) != "delete") {
    json flags = lookup_flags_json(random_);
    if (!flags.is_null()) line["flags"] = flags;
  }
  add_line(line);
}

void ScriptGenerator::add_random_op(PlannedMap& map) {
  if (is_bloom(map.attr.map_type)) return add_bloom_op(map);
  if (random_.chance(10)) return add_batch_op(map);
  uint64_t roll = random_.below(100);
  Bytes key = key_of(map, random_.chance(85) ? known_index(map) : fresh_index(map));
  if (is_lpm(map.attr.map_type) && roll >= 40 && roll < 64 && random_.chance(50)) {
    key = lpm_probe(map);
  }
  if (roll < 40) return add_update(map, key, random_via(map), update_flags_json(random_));
  if (roll < 64) return add_keyed_op("lookup", map, key, random_via(map));
  if (roll < 75) return add_keyed_op("delete", map, key, random_via(map));
  if (roll < 82) return add_keyed_op("lookup_and_delete", map, key, Via::kSyscall);
  if (roll < 95) {
    json line = op_start("get_next_key", map, next_cpu());
    line["key"] = random_.chance(25) ? json(nullptr) : json(hex_from_bytes(key));
    return add_line(line);
  }
  if (roll < 99) return add_line(op_start("dump", map, next_cpu()));
  json line = op_start("info", map, 0);
  line.erase("cpu");  // info takes no cpu
  add_line(line);
}

// ---- bloom filters (docs/op-script-notes.md) ----

// Push (update) and peek (lookup) of items, with no key (sometimes a null one); now and then
// the ops a bloom filter refuses.
void ScriptGenerator::add_bloom_op(PlannedMap& map) {
  if (random_.chance(5)) return add_batch_op(map);
  const uint64_t roll = random_.below(100);
  const uint64_t index = random_.chance(70) ? known_index(map) : fresh_index(map);
  const Bytes item = index_bytes(map.attr.value_size, map.key_salt, index);
  if (roll < 40) {
    json flags = random_.chance(85) ? json(nullptr) : update_flags_json(random_);
    return add_bloom_item_op("update", map, item, flags);
  }
  if (roll < 88) return add_bloom_item_op("lookup", map, item, lookup_flags_json(random_));
  static const char* const kOthers[] = {"delete", "get_next_key", "lookup_and_delete", "dump",
                                        "info"};
  const std::string_view op = random_.pick(kOthers);
  json line = op_start(op.data(), map, op == "info" ? 0 : next_cpu());
  if (op == "info") {
    line.erase("cpu");
  } else if (op != "dump" && random_.chance(20)) {
    line["key"] = nullptr;
  }
  add_line(line);
}

void ScriptGenerator::add_bloom_item_op(const char* op, PlannedMap& map, const Bytes& item,
                                        const json& flags) {
  json line = op_start(op, map, next_cpu());
  if (random_.chance(10)) line["key"] = nullptr;
  line["value"] = hex_from_bytes(item);
  if (!flags.is_null()) line["flags"] = flags;
  add_line(line);
}

// Pushes of items no op has used, then peeks meet false positives.
void ScriptGenerator::add_bloom_burst(PlannedMap& map, uint64_t count) {
  for (uint64_t step = 0; step < count; ++step) {
    const Bytes item = index_bytes(map.attr.value_size, map.key_salt, fresh_index(map));
    add_bloom_item_op("update", map, item, nullptr);
  }
}

// ---- batch ops (docs/op-script-batch.md) ----

// A token of the map's batch token size: for the hash family a bucket index (mostly a real
// one, sometimes past the last bucket), otherwise a key ops use (arrays: sometimes past the
// end, where the walk restarts).
json ScriptGenerator::batch_token(PlannedMap& map) {
  // Only the hash family's tokens do not depend on the key size.
  const bool bucket_token = batch_token_size(map.attr.map_type, 0) != 0;
  if (!bucket_token) return hex_from_bytes(key_of(map, known_index(map)));
  const uint64_t bound = 2 * uint64_t{map.attr.max_entries} + 2;
  const uint32_t bucket =
      static_cast<uint32_t>(random_.chance(90) ? random_.below(bound) : random_.bits());
  Bytes token(4);
  for (size_t byte = 0; byte < 4; ++byte) {
    token[byte] = static_cast<unsigned char>(bucket >> (8 * byte));
  }
  return hex_from_bytes(token);
}

// 0 now and then, mostly up to a little more than the map holds, sometimes far more.
uint32_t ScriptGenerator::batch_count(const PlannedMap& map) {
  const uint64_t roll = random_.below(100);
  if (roll < 5) return 0;
  if (roll < 45) return static_cast<uint32_t>(random_.between(1, 4));
  const uint64_t entries = map.attr.max_entries;
  if (roll < 90) return static_cast<uint32_t>(random_.between(1, entries + 3));
  return static_cast<uint32_t>(random_.between(1, 2 * entries + 10));
}

// keys (and values) of an update_batch / delete_batch: used keys, fresh ones, a few repeats.
void ScriptGenerator::add_batch_entries(PlannedMap& map, bool with_values, json* line) {
  const uint64_t most = std::min<uint64_t>(uint64_t{map.attr.max_entries} + 2, 12);
  const uint64_t count = random_.chance(10) ? 0 : random_.between(1, most);
  json keys = json::array(), values = json::array();
  for (uint64_t entry = 0; entry < count; ++entry) {
    keys.push_back(hex_from_bytes(key_of(map, random_.chance(70) ? known_index(map)
                                                                 : fresh_index(map))));
    if (with_values) values.push_back(hex_from_bytes(value_for(map, Via::kSyscall)));
  }
  (*line)["keys"] = keys;
  if (with_values) (*line)["values"] = values;
  if (random_.chance(20)) (*line)["count"] = random_.below(count + 1);
}

void ScriptGenerator::add_batch_op(PlannedMap& map) {
  static const char* const kOps[] = {"lookup_batch", "lookup_and_delete_batch", "update_batch",
                                     "delete_batch"};
  const std::string op = random_.pick(kOps);
  json line = op_start(op.c_str(), map, next_cpu());
  if (op == "lookup_batch" || op == "lookup_and_delete_batch") {
    if (random_.chance(50)) line["in_batch"] = random_.chance(15) ? json(nullptr)
                                                                  : batch_token(map);
    line["count"] = batch_count(map);
  } else {
    add_batch_entries(map, op == "update_batch", &line);
  }
  if (random_.chance(15)) {
    static const json kElemFlags[] = {0, "BPF_F_LOCK", "BPF_NOEXIST", "BPF_EXIST", 8, -1};
    line["elem_flags"] = random_.pick(kElemFlags);
  }
  if (random_.chance(15)) {
    static const json kFlags[] = {0, 1, 2, "BPF_F_LOCK", -1};
    line["flags"] = random_.pick(kFlags);
  }
  add_line(line);
}

// Fresh keys until the map is past capacity: hash maps answer E2BIG, LRU maps evict. Program
// lookups of recent keys in between set reference bits, which decide what LRU maps keep.
void ScriptGenerator::add_fill_burst(PlannedMap& map) {
  uint64_t capacity = map.attr.max_entries;
  uint64_t count = std::min(kFillBurstMax, capacity + 1 + random_.below(capacity / 2 + 2));
  if (is_bloom(map.attr.map_type)) return add_bloom_burst(map, count);
  bool mix_programs = map.program_ops && random_.chance(30);
  for (uint64_t step = 0; step < count; ++step) {
    if (is_lru(map.attr.map_type) && map.program_ops && random_.chance(10)) {
      add_keyed_op("lookup", map, key_of(map, known_index(map)), Via::kProgram);
    }
    Via via = mix_programs && random_.chance(50) ? Via::kProgram : Via::kSyscall;
    json flags = random_.chance(80) ? json(nullptr) : json("BPF_NOEXIST");
    add_update(map, key_of(map, fresh_index(map)), via, flags);
  }
}

std::string ScriptGenerator::generate(uint64_t seed) {
  add_line(json{{"comment", "random_op_script seed=" + std::to_string(seed) +
                                " possible_cpus=" + std::to_string(options_.possible_cpus)}});
  add_map_lines();
  uint64_t op_count = 0;
  for (size_t map = 0; map < maps_.size(); ++map) {
    op_count += random_.between(1, options_.ops_per_map_max);
  }
  // Hash maps (not arrays, which are always full) get a fill burst at a random point.
  std::vector<uint64_t> burst_at(maps_.size(), ~uint64_t{0});
  for (size_t map = 0; map < maps_.size(); ++map) {
    if (!is_always_full(maps_[map].attr.map_type) && random_.chance(35)) {
      burst_at[map] = random_.below(op_count + 1);
    }
  }
  for (uint64_t op = 0; op <= op_count; ++op) {
    for (size_t map = 0; map < maps_.size(); ++map) {
      if (burst_at[map] == op) add_fill_burst(maps_[map]);
    }
    if (op < op_count) add_random_op(maps_[random_.below(maps_.size())]);
  }
  for (PlannedMap& map : maps_) add_line(op_start("dump", map, next_cpu()));
  return std::move(text_);
}

}  // namespace

std::string random_op_script(uint64_t seed, const RandomScriptOptions& options) {
  return ScriptGenerator(seed, options).generate(seed);
}

}  // namespace mapsim
