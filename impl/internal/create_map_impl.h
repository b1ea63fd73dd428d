// The definition of create_map<P>() (impl/create_map.h). Included by the translation units that
// instantiate it: impl/real_maps.cc for RealPlatform, sim/sim_maps.cc for SimPlatform.
#pragma once

#include <memory>

#include "impl/create_map.h"
#include "impl/internal/array_map_impl.h"
#include "impl/internal/bloom_filter_impl.h"
#include "impl/internal/create_checks.h"
#include "impl/internal/devmap_hash_impl.h"
#include "impl/internal/devmap_impl.h"
#include "impl/internal/hash_map_impl.h"
#include "impl/internal/lpm_trie_impl.h"
#include "impl/internal/lru_hash_map_impl.h"
#include "impl/uapi.h"

namespace mapsim {

namespace internal {

// The type-specific half of MAP_CREATE: alloc_check, then allocation. kENOSYS for a valid kernel
// map type mapsim does not model.
template <class P>
int create_typed_map(P& platform, const MapAttr& attr, std::unique_ptr<Map>* out) {
  switch (attr.map_type) {
    case bpf::kMapHash:
    case bpf::kMapPercpuHash:
      if (int error = htab_alloc_check(attr)) return error;
      return HashMap<P>::create(platform, attr, out);
    case bpf::kMapLruHash:
    case bpf::kMapLruPercpuHash:
      if (int error = htab_alloc_check(attr)) return error;
      return LruHashMap<P>::create(platform, attr, out);
    case bpf::kMapArray:
    case bpf::kMapPercpuArray:
      if (int error = array_alloc_check(attr)) return error;
      return ArrayMap<P>::create(platform, attr, out);
    case bpf::kMapDevmap:
      if (int error = devmap_alloc_check(attr)) return error;
      return DevMap<P>::create(platform, attr, out);
    case bpf::kMapDevmapHash:
      if (int error = devmap_alloc_check(attr)) return error;
      return DevMapHash<P>::create(platform, attr, out);
    case bpf::kMapBloomFilter:
      if (int error = bloom_alloc_check(attr)) return error;
      return BloomFilterMap<P>::create(platform, attr, out);
    case bpf::kMapLpmTrie:  // no alloc_check: every check is in the allocation
      return LpmTrieMap<P>::create(platform, attr, out);
    default:
      return bpf::kENOSYS;
  }
}

}  // namespace internal

template <class P>
int create_map(P& platform, const MapAttr& requested, std::unique_ptr<Map>* out) {
  MapAttr attr = requested;
  // BPF_F_TOKEN_FD names a BPF token fd in map_token_fd; mapsim has no tokens to pass, and the
  // kernel refuses the flag without a valid token before any other check (EINVAL on 6.18.44,
  // tests/data/diff/token-fd-without-token.jsonl).
  if (attr.map_flags & bpf::kFTokenFd) return bpf::kEINVAL;
  if (int error = internal::check_create_common(attr)) return error;
  std::unique_ptr<Map> map;
  if (int error = internal::create_typed_map(platform, attr, &map)) return error;
  if (int error = internal::check_map_name(attr.name)) return error;
  *out = std::move(map);
  return 0;
}

}  // namespace mapsim
