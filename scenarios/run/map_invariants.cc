#include "scenarios/run/map_invariants.h"

#include "impl/internal/lpm_trie_impl.h"
#include "impl/internal/lru_hash_map_impl.h"
#include "sim/sim_platform.h"

namespace mapsim::scenario {

std::string check_quiescent_invariants(Map& map) {
  if (auto* lru = dynamic_cast<internal::LruHashMap<SimPlatform>*>(&map)) {
    std::string failure;
    if (!lru->check_invariants(&failure)) return "LRU invariant: " + failure;
    return "";
  }
  if (auto* trie = dynamic_cast<internal::LpmTrieMap<SimPlatform>*>(&map)) {
    const std::string failure = trie->check_invariants_quiescent();
    return failure.empty() ? "" : "LPM trie invariant: " + failure;
  }
  return "";
}

}  // namespace mapsim::scenario
