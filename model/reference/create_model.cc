#include "model/reference/create_model.h"

#include <climits>
#include <stdexcept>
#include <string>
#include <utility>

#include "impl/assert.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::reference {
namespace {

constexpr uint32_t kAccessFlags = kRdonly | kWronly | kRdonlyProg | kWronlyProg;
constexpr uint32_t kHashFlags = kNoPrealloc | kNoCommonLru | kNumaNode | kAccessFlags | kZeroSeed;
constexpr uint32_t kArrayFlags = kNumaNode | kMmapable | kAccessFlags | kPreserveElems | kInnerMap;
// What the models are willing to store eagerly (elements of a preallocated pool, array values).
constexpr uint64_t kModelBytesMax = uint64_t{1} << 30;

bool is_devmap(uint32_t type) { return type == kTypeDevmap || type == kTypeDevmapHash; }
bool is_hash_family(uint32_t type) {
  return type == kTypeHash || type == kTypePercpuHash || type == kTypeLruHash ||
         type == kTypeLruPercpuHash;
}
bool is_array_family(uint32_t type) { return type == kTypeArray || type == kTypePercpuArray; }
bool is_lru(uint32_t type) { return type == kTypeLruHash || type == kTypeLruPercpuHash; }
bool is_percpu(uint32_t type) {
  return type == kTypePercpuHash || type == kTypeLruPercpuHash || type == kTypePercpuArray;
}
bool both_prog_access_flags(uint32_t flags) {
  return (flags & kRdonlyProg) != 0 && (flags & kWronlyProg) != 0;
}

// htab_map_alloc_check().
int hash_alloc_check(const CreateRequest& request) {
  const uint32_t flags = request.map_flags;
  if ((flags & ~kHashFlags) != 0 || both_prog_access_flags(flags)) return kEINVAL;
  const bool lru = is_lru(request.type);
  if (!lru && (flags & kNoCommonLru)) return kEINVAL;
  if (lru && (flags & kNoPrealloc)) return kENOTSUPP;
  if ((flags & kNumaNode) && (is_percpu(request.type) || (flags & kNoCommonLru))) return kEINVAL;
  if (request.max_entries == 0 || request.key_size == 0 || request.value_size == 0) {
    return kEINVAL;
  }
  if (uint64_t{request.key_size} + request.value_size >= kKmallocMaxSize - kHtabElemBytes) {
    return kE2BIG;
  }
  if (is_percpu(request.type) && round_up_8(request.value_size) > kPercpuUnitMax) return kE2BIG;
  return 0;
}

// array_map_alloc_check().
int array_alloc_check(const CreateRequest& request) {
  const uint32_t flags = request.map_flags;
  const bool percpu = request.type == kTypePercpuArray;
  if (request.max_entries == 0 || request.key_size != 4 || request.value_size == 0 ||
      (flags & ~kArrayFlags) != 0 || both_prog_access_flags(flags) ||
      (percpu && (flags & kNumaNode))) {
    return kEINVAL;
  }
  if (percpu && (flags & (kMmapable | kInnerMap))) return kEINVAL;
  if (flags & kPreserveElems) return kEINVAL;  // PERF_EVENT_ARRAY only
  if (request.value_size > INT_MAX) return kE2BIG;
  if (percpu && round_up_8(request.value_size) > kPercpuUnitMax) return kE2BIG;
  return 0;
}

// dev_map_alloc_check().
int devmap_alloc_check(const CreateRequest& request) {
  if (request.max_entries == 0 || request.key_size != 4 ||
      (request.value_size != 4 && request.value_size != 8) ||
      (request.map_flags & ~(kNumaNode | kRdonly | kWronly)) != 0) {
    return kEINVAL;
  }
  // roundup_pow_of_two() of the bucket count would overflow u32.
  if (request.type == kTypeDevmapHash && request.max_entries > (uint32_t{1} << 31)) {
    return kEINVAL;
  }
  return 0;
}

// bloom_map_alloc_check().
int bloom_alloc_check(const CreateRequest& request) {
  return request.value_size > kKmallocMaxSize ? kE2BIG : 0;
}

// The attribute checks of bloom_map_alloc().
int bloom_alloc(const CreateRequest& request) {
  constexpr uint32_t kBloomFlags = kNumaNode | kZeroSeed | kAccessFlags;
  if (request.key_size != 0 || request.value_size == 0 || request.max_entries == 0 ||
      (request.map_flags & ~kBloomFlags) != 0 || both_prog_access_flags(request.map_flags) ||
      (request.map_extra & ~uint64_t{0xF}) != 0) {
    return kEINVAL;
  }
  return 0;
}

// The attribute checks of trie_alloc() (LPM_TRIE has no alloc_check).
int lpm_trie_alloc(const CreateRequest& request) {
  constexpr uint32_t kLpmFlags = kNoPrealloc | kNumaNode | kAccessFlags;
  constexpr uint32_t kKeySizeMin = 4 + 1;
  constexpr uint32_t kKeySizeMax = 4 + 256;
  constexpr uint64_t kValueSizeMax = kKmallocMaxSize - 256 - 24;  // - data, - trie node
  if (request.max_entries == 0 || (request.map_flags & kNoPrealloc) == 0 ||
      (request.map_flags & ~kLpmFlags) != 0 || both_prog_access_flags(request.map_flags) ||
      request.key_size < kKeySizeMin || request.key_size > kKeySizeMax ||
      request.value_size < 1 || request.value_size > kValueSizeMax) {
    return kEINVAL;
  }
  return 0;
}

uint32_t round_up_to_power_of_two(uint32_t value) {
  uint64_t power = 1;
  while (power < value) power <<= 1;
  return static_cast<uint32_t>(power);
}

// The sizing half of htab_map_alloc(): effective max_entries and bucket count, or E2BIG.
int hash_sizing(const CreateRequest& request, int possible_cpus, uint32_t* max_entries,
                uint32_t* n_buckets) {
  uint32_t entries = request.max_entries;
  if (request.map_flags & kNoCommonLru) {
    // roundup() in u32 arithmetic; when it wraps, round down instead.
    const uint32_t cpus = static_cast<uint32_t>(possible_cpus);
    const uint32_t rounded = (entries + (cpus - 1)) / cpus * cpus;
    entries = rounded >= entries ? rounded : entries / cpus * cpus;
  }
  if (entries > (uint32_t{1} << 31)) return kE2BIG;
  const uint32_t buckets = round_up_to_power_of_two(entries);
  if (buckets > UINT32_MAX / kHtabBucketBytes) return kE2BIG;
  *max_entries = entries;
  *n_buckets = buckets;
  return 0;
}

// bpf_obj_name_cpy(): up to the first NUL, which must come within 16 bytes.
int name_check(const std::string& name) {
  for (uint32_t index = 0; index < kObjNameLen; ++index) {
    const char c = index < name.size() ? name[index] : '\0';
    if (c == '\0') return 0;
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == '.';
    if (!allowed) return kEINVAL;
  }
  return kEINVAL;
}

void require_modelable(uint64_t elements, uint64_t bytes_each) {
  if (elements * bytes_each <= kModelBytesMax) return;
  throw std::length_error("the reference model stores every element; " +
                          std::to_string(elements) + " elements of " +
                          std::to_string(bytes_each) + " bytes are too many");
}

}  // namespace

namespace {

// The types whose models are not hash or array maps: alloc_check, the token, allocation.
int create_other_family(const CreateRequest& attr, bool token, const ModelOptions& options,
                        ModelInfo* info, std::optional<MapFamilyModel>* family) {
  if (is_devmap(attr.type)) {
    if (int error = devmap_alloc_check(attr)) return error;
    if (token) return kEINVAL;
    info->map_flags |= kRdonlyProg;  // dev_map_init_map(): programs only read device maps
    family->emplace(DevmapModel(*info, round_up_to_power_of_two(attr.max_entries)));
    return 0;
  }
  if (attr.type == kTypeBloomFilter) {
    if (int error = bloom_alloc_check(attr)) return error;
    if (token) return kEINVAL;
    if (int error = bloom_alloc(attr)) return error;
    family->emplace(BloomModel(*info, (attr.map_flags & kZeroSeed) ? 0 : options.hash_seed));
    return 0;
  }
  if (attr.type == kTypeLpmTrie) {
    if (token) return kEINVAL;
    if (int error = lpm_trie_alloc(attr)) return error;
    family->emplace(LpmTrieModel(*info));
    return 0;
  }
  return kNotModelled;
}

// The type-specific half of MAP_CREATE after the common checks: alloc_check, the token, then
// the allocation (the model's construction).
int create_family(const CreateRequest& attr, bool token, const ModelOptions& options,
                  ModelInfo* info, std::optional<MapFamilyModel>* family) {
  const bool hash = is_hash_family(attr.type);
  if (!hash && !is_array_family(attr.type)) {
    return create_other_family(attr, token, options, info, family);
  }
  if (int error = hash ? hash_alloc_check(attr) : array_alloc_check(attr)) return error;
  if (token) return kEINVAL;
  const uint64_t cpus = static_cast<uint64_t>(options.possible_cpus);
  const uint64_t area_bytes =
      is_percpu(attr.type) ? round_up_8(attr.value_size) * cpus : attr.value_size;
  if (!hash) {
    require_modelable(attr.max_entries, area_bytes);
    family->emplace(ArrayModel(*info, options.possible_cpus));
    return 0;
  }
  uint32_t n_buckets = 0;
  if (int error = hash_sizing(attr, options.possible_cpus, &info->max_entries, &n_buckets)) {
    return error;
  }
  const uint32_t seed = (attr.map_flags & kZeroSeed) ? 0 : options.hash_seed;
  if (is_lru(attr.type)) {
    constexpr uint64_t kLruNodeBytes = 64;  // list cells and node state, roughly
    require_modelable(info->max_entries, kLruNodeBytes + area_bytes);
    family->emplace(LruHashModel(*info, options.possible_cpus, n_buckets, seed));
    return 0;
  }
  if (attr.type == kTypePercpuHash && !(attr.map_flags & kNoPrealloc)) {
    require_modelable(info->max_entries, area_bytes);
  }
  family->emplace(HashModel(*info, options.possible_cpus, n_buckets, seed));
  return 0;
}

}  // namespace

int create_map_model(const CreateRequest& request, const ModelOptions& options,
                     std::optional<MapModel>* out) {
  MAPSIM_ASSERT(options.possible_cpus >= 1, "at least one CPU");
  CreateRequest attr = request;
  const bool token = (attr.map_flags & kTokenFd) != 0;
  attr.map_flags &= ~kTokenFd;
  if (attr.map_extra != 0 && attr.type != kTypeBloomFilter && attr.type != kTypeArena) {
    return kEINVAL;
  }
  if ((attr.map_flags & kRdonly) && (attr.map_flags & kWronly)) return kEINVAL;
  // bpf_map_attr_numa_node(): the node counts only with the flag; 0xffffffff is NUMA_NO_NODE.
  const bool numa_node_given = (attr.map_flags & kNumaNode) && attr.numa_node != UINT32_MAX;
  if (numa_node_given && attr.numa_node != 0) return kEINVAL;  // node 0 is the only node
  if (!numa_node_given) attr.map_flags &= ~kNumaNode;          // what the type checks see
  if (attr.type == 0 || attr.type >= kTypeCount) return kEINVAL;
  ModelInfo info{attr.type,        attr.key_size, attr.value_size, attr.max_entries,
                 request.map_flags & ~(kTokenFd | kRdonly | kWronly), attr.map_extra};
  std::optional<MapFamilyModel> family;
  if (int error = create_family(attr, token, options, &info, &family)) return error;
  if (int error = name_check(attr.name)) return error;
  out->emplace(info, options.possible_cpus, attr.map_flags & (kRdonly | kWronly),
               std::move(*family));
  return 0;
}

}  // namespace mapsim::reference
