#include "scenarios/run/walk_check.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <map>

#include "impl/internal/lru_hash_map_impl.h"
#include "impl/uapi.h"
#include "sim/sim_platform.h"

namespace mapsim::scenario {
namespace {

bool follows_presence(const CompiledSpec& compiled) {
  const MapFacts& map = compiled.map;
  if (map.info.map_flags & bpf::kFWronly) return false;
  return map.keys == KeySpace::kHashed || map.keys == KeySpace::kPrefix;
}

Bytes index_key(uint32_t index, uint32_t key_size) {
  Bytes key(key_size, 0);
  std::memcpy(key.data(), &index, std::min<size_t>(key_size, sizeof index));
  return key;
}

}  // namespace

WalkPresence::WalkPresence(const CompiledSpec& compiled) : compiled_(compiled) {
  if (!follows_presence(compiled)) return;
  for (size_t slot : compiled.walk_slots) walks_.push_back(Followed{slot, false, {}});
  scratch_.assign(std::max<size_t>(compiled.map.syscall_value_size, 8), 0);
}

std::vector<Bytes> WalkPresence::present_now(Map& map) {
  std::vector<Bytes> present;
  if (compiled_.map.keys == KeySpace::kHashed) {
    // LRU maps are asked through their inspection lookup, which never touches the reference
    // bit, even with a mutant that makes syscall lookups set it.
    auto* lru = dynamic_cast<internal::LruHashMap<SimPlatform>*>(&map);
    for (const Bytes& key : compiled_.named_keys) {
      const bool found = lru != nullptr ? lru->node_of_key(key.data()) != nullptr
                                        : map.lookup_elem(key.data(), scratch_.data()) == 0;
      if (found) present.push_back(key);
    }
    return present;  // named_keys is sorted
  }
  // LPM trie: iterate (bounded, in case a broken trie loops).
  const uint32_t key_size = compiled_.map.info.key_size;
  Bytes cursor(key_size);
  Bytes next(key_size);
  const void* from = nullptr;
  for (uint32_t count = 0; count < compiled_.walk_key_limit; ++count) {
    if (map.get_next_key(from, next.data()) != 0) break;
    present.push_back(next);
    cursor = next;
    from = cursor.data();
  }
  std::sort(present.begin(), present.end());
  present.erase(std::unique(present.begin(), present.end()), present.end());
  return present;
}

void WalkPresence::after_step(Map& map, const std::vector<Observation>& observations) {
  bool in_flight = false;
  for (const Followed& walk : walks_) {
    const Observation& observation = observations[walk.slot];
    in_flight = in_flight || (observation.started && !observation.finished);
  }
  if (!in_flight) return;
  const std::vector<Bytes> now = present_now(map);
  for (Followed& walk : walks_) {
    const Observation& observation = observations[walk.slot];
    if (!observation.started || observation.finished) continue;
    if (!walk.started) {
      walk.started = true;
      walk.keys = now;
      continue;
    }
    std::vector<Bytes> kept;
    std::set_intersection(walk.keys.begin(), walk.keys.end(), now.begin(), now.end(),
                          std::back_inserter(kept));
    walk.keys = std::move(kept);
  }
}

const std::vector<Bytes>* WalkPresence::present_throughout(size_t slot) const {
  for (const Followed& walk : walks_) {
    if (walk.slot == slot) return walk.started ? &walk.keys : nullptr;
  }
  return nullptr;
}

WalkVerdict judge_walk(const CompiledSpec& compiled, const Observation& walk,
                       const std::vector<Bytes>* present) {
  WalkVerdict verdict;
  std::map<Bytes, int> seen;
  for (const Bytes& key : walk.walk_keys) {
    if (++seen[key] == 2) verdict.repeated.push_back(key);
  }
  if (!walk.finished || walk.rc != 0) return verdict;
  const MapFacts& map = compiled.map;
  if (map.keys == KeySpace::kIndexed && !(map.info.map_flags & bpf::kFWronly)) {
    verdict.skips_checked = true;
    for (uint32_t index = 0; index < map.info.max_entries; ++index) {
      Bytes key = index_key(index, map.info.key_size);
      if (seen.count(key) == 0) verdict.skipped.push_back(std::move(key));
    }
    return verdict;
  }
  if (present == nullptr) return verdict;
  verdict.skips_checked = true;
  for (const Bytes& key : *present) {
    if (seen.count(key) == 0) verdict.skipped.push_back(key);
  }
  return verdict;
}

}  // namespace mapsim::scenario
