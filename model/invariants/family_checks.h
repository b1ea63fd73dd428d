// The per-family halves of check_map_invariants() (model/invariants/check_map.h), one file
// each; every function returns "" or the first violation.
#pragma once

#include <cstdint>
#include <string>

#include "impl/map_inspection.h"
#include "model/invariants/check_map.h"

namespace mapsim::invariants {

// What the shared hash-table check learned, for the family checks built on it.
struct HashTableFacts {
  uint64_t elements = 0;       ///< elements linked in chains
  uint64_t distinct_keys = 0;  ///< different keys among them
};

std::string check_hash_table(const HashTableView& table, HashTableFacts* facts);
std::string check_hash_map(const HashMapView& view, const MapCheckScope& scope);
std::string check_lru_map(const LruMapView& view, const MapCheckScope& scope);
std::string check_array_map(const ArrayMapView& view);
std::string check_bloom_filter(const BloomFilterView& view);
std::string check_devmap(const DevMapView& view);
std::string check_devmap_hash(const DevMapHashView& view);
std::string check_lpm_trie(const LpmTrieView& view);

// Hex of raw bytes, for naming keys in messages.
std::string hex_bytes(const std::string& bytes);

}  // namespace mapsim::invariants
