#include "sim/testing/canaries.h"

#include <memory>
#include <string>

#include "impl/create_map.h"
#include "impl/internal/hash_map_impl.h"
#include "impl/internal/lru_hash_map_impl.h"
#include "impl/jhash.h"
#include "impl/uapi.h"
#include "sim/sim_platform.h"
#include "sim/testing/map_scenarios.h"

namespace mapsim {
extern template int create_map<SimPlatform>(SimPlatform&, const MapAttr&, std::unique_ptr<Map>*);
}  // namespace mapsim

namespace mapsim::sim::testing {
namespace {

// ---- the tiny bucket ----

struct BucketNode {
  SimPlatform::Atomic<BucketNode*> next{nullptr};
  uint32_t key = 0;
  SimPlatform::Racy<uint64_t> value;
};

struct TinyBucket {
  SimPlatform::BucketLock lock;
  SimPlatform::Atomic<BucketNode*> head{nullptr};

  // The first link at or after `link` that points at the node holding `key`, or nullptr.
  static SimPlatform::Atomic<BucketNode*>* find(SimPlatform::Atomic<BucketNode*>* link,
                                                 uint32_t key) {
    for (BucketNode* node = link->load(); node != nullptr; node = link->load()) {
      if (node->key == key) return link;
      link = &node->next;
    }
    return nullptr;
  }
  static void unlink(SimPlatform::Atomic<BucketNode*>* link) {
    if (link != nullptr) link->store(link->load()->next.load());
  }
};

BucketNode* new_node(SimPlatform& platform, uint32_t key, uint64_t value) {
  auto* node = new (platform.allocate(sizeof(BucketNode))) BucketNode();
  node->key = key;
  node->value.store(value);
  return node;
}

// Replaces `key`'s node. Old nodes are not freed: the check walks the chain afterwards.
int64_t bucket_update(SimPlatform& platform, TinyBucket& bucket, uint32_t key, uint64_t value,
                      bool fixed) {
  BucketNode* node = new_node(platform, key, value);
  if (!fixed) TinyBucket::unlink(TinyBucket::find(&bucket.head, key));  // THE BUG
  if (const int error = bucket.lock.lock(); error != 0) return error;
  node->next.store(bucket.head.load());
  bucket.head.store(node);
  if (fixed) TinyBucket::unlink(TinyBucket::find(&node->next, key));
  bucket.lock.unlock();
  return 0;
}

std::string check_bucket(TinyBucket& bucket) {
  int seen[3] = {0, 0, 0};
  int length = 0;
  for (BucketNode* node = bucket.head.load(); node != nullptr; node = node->next.load()) {
    if (++length > 8) return "the chain has a cycle";
    if (node->key <= 2) ++seen[node->key];
  }
  for (uint32_t key = 1; key <= 2; ++key) {
    if (seen[key] != 1) {
      return "key " + std::to_string(key) + " appears " + std::to_string(seen[key]) + " times";
    }
  }
  return "";
}

// ---- the real hash map on a lock that excludes nobody ----

class UnlockedBucketPlatform : public SimPlatform {
 public:
  using SimPlatform::SimPlatform;

  // Announces acquire and release (same interleavings as a real lock) but never blocks.
  class BucketLock {
   public:
    int lock() {
      marker_.store(1);
      return 0;
    }
    void unlock() { marker_.store(0); }
    bool is_held_by_current_cpu() const { return true; }

   private:
    SimPlatform::Racy<uint8_t> marker_;
  };
};
static_assert(Platform<UnlockedBucketPlatform>, "the canary platform is a platform");

// Two 4-byte keys that land in the same bucket of a 2-bucket table with seed 0.
void same_bucket_keys(uint32_t* first, uint32_t* second) {
  *first = 1;
  const uint32_t bucket = htab_key_hash(first, sizeof *first, 0) & 1;
  for (uint32_t key = 2;; ++key) {
    if ((htab_key_hash(&key, sizeof key, 0) & 1) == bucket) {
      *second = key;
      return;
    }
  }
}

struct HashState {
  std::unique_ptr<UnlockedBucketPlatform> broken_platform;
  std::unique_ptr<Map> map;
  uint32_t keys[2] = {0, 0};
};

// The canary's map: on the scheduler's own platform when fixed, else the same map type on
// UnlockedBucketPlatform, whose bucket lock does not exclude.
template <template <class> class MapType>
void create_canary_map(SimPlatform& platform, const MapAttr& attr, bool fixed, HashState* state) {
  int error = 0;
  if (fixed) {
    error = create_map(platform, attr, &state->map);
  } else {
    state->broken_platform = std::make_unique<UnlockedBucketPlatform>(2);
    error = MapType<UnlockedBucketPlatform>::create(*state->broken_platform, attr, &state->map);
  }
  MAPSIM_ASSERT(error == 0, "the canary map is created");
}

MapAttr small_hash_attr() { return small_map_config("", bpf::kMapHash, 2, 0, 2).attr; }

std::string check_hash(HashState& state, const Outcome& outcome) {
  for (int cpu = 0; cpu < 2; ++cpu) {
    if (outcome.cpu_results(cpu)[0] != 0) continue;
    uint64_t value = 0;
    if (state.map->lookup_elem(&state.keys[cpu], &value) != 0) {
      return "key " + std::to_string(state.keys[cpu]) +
             " was inserted (update returned 0) but is not in the map";
    }
  }
  return "";
}

}  // namespace

Scenario broken_bucket_scenario(bool fixed) {
  Scenario scenario;
  scenario.name = fixed ? "canary bucket (fixed)" : "canary bucket";
  scenario.possible_cpus = 2;
  scenario.build = [fixed](SimPlatform& platform) {
    auto bucket = std::make_shared<TinyBucket>();
    BucketNode* one = new_node(platform, 1, 10);
    BucketNode* two = new_node(platform, 2, 20);
    two->next.store(one);
    bucket->head.store(two);
    ScenarioInstance instance;
    instance.cpus.resize(2);
    for (uint32_t cpu = 0; cpu < 2; ++cpu) {
      instance.cpus[cpu].push_back(Operation{
          "update key " + std::to_string(cpu + 1), [&platform, bucket, cpu, fixed] {
            return bucket_update(platform, *bucket, cpu + 1, 100 + cpu, fixed);
          }});
    }
    instance.check_end = [bucket](const Outcome&) { return check_bucket(*bucket); };
    instance.state = bucket;
    return instance;
  };
  return scenario;
}

Scenario unlocked_hash_map_scenario(bool fixed) {
  Scenario scenario;
  scenario.name = fixed ? "canary hash map (fixed)" : "canary hash map";
  scenario.possible_cpus = 2;
  scenario.build = [fixed](SimPlatform& platform) {
    auto state = std::make_shared<HashState>();
    same_bucket_keys(&state->keys[0], &state->keys[1]);
    create_canary_map<internal::HashMap>(platform, small_hash_attr(), fixed, state.get());
    ScenarioInstance instance;
    instance.cpus.resize(2);
    for (int cpu = 0; cpu < 2; ++cpu) {
      instance.cpus[cpu].push_back(Operation{"insert", [state, cpu] {
        const uint64_t value = 7 + cpu;
        return int64_t{state->map->update_elem(&state->keys[cpu], &value, bpf::kNoExist)};
      }});
    }
    instance.check_end = [state](const Outcome& outcome) { return check_hash(*state, outcome); };
    instance.state = state;
    return instance;
  };
  return scenario;
}

Scenario unlocked_lru_map_scenario(bool fixed) {
  Scenario scenario;
  scenario.name = fixed ? "canary lru map (fixed)" : "canary lru map";
  scenario.possible_cpus = 2;
  scenario.build = [fixed](SimPlatform& platform) {
    auto state = std::make_shared<HashState>();
    MapAttr attr = small_hash_attr();
    attr.map_type = bpf::kMapLruHash;
    create_canary_map<internal::LruHashMap>(platform, attr, fixed, state.get());
    const uint32_t preset = 100;
    const uint64_t value = 1;
    MAPSIM_ASSERT(state->map->update_elem(&preset, &value, bpf::kAny) == 0, "key 100 is set");
    ScenarioInstance instance;
    instance.cpus.resize(2);
    for (int cpu = 0; cpu < 2; ++cpu) {
      instance.cpus[cpu].push_back(Operation{"insert", [state, cpu] {
        const uint32_t key = static_cast<uint32_t>(cpu) + 1;
        const uint64_t inserted = key;
        return int64_t{state->map->update_elem(&key, &inserted, bpf::kAny)};
      }});
    }
    instance.state = state;
    return instance;
  };
  return scenario;
}

Scenario lru_steal_scenario() {
  using Kind = MapOperation::Kind;
  MapScenarioConfig config = small_map_config("canary lru steal", bpf::kMapLruHash, 2, 0, 3);
  config.setup = {{Kind::kUpdate, 100}};
  config.cpus = {{{Kind::kUpdate, 3}}, {{Kind::kUpdate, 1}}, {{Kind::kUpdate, 2}}};
  return map_scenario(config);
}

}  // namespace mapsim::sim::testing
