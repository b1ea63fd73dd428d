// CompiledSpec: a ScenarioSpec that passed validation, with everything the per-execution build
// needs worked out once: default labels filled in, the map's effective sizes, the simulator
// context of every program and interrupt, and the observation slot of every step.
//
// It is immutable after compile_scenario() and shared by every execution's instance (steps and
// observations point into it), so it must outlive them: the compiled sim::Scenario's build
// function holds it by shared_ptr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "impl/map_attr.h"
#include "scenarios/run/observation.h"
#include "scenarios/scenario_spec.h"

namespace mapsim::scenario {

// How the map's keys behave, for walks and final-state queries.
enum class KeySpace : uint8_t {
  kHashed,   ///< HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH, DEVMAP_HASH: keys come and go
  kIndexed,  ///< ARRAY, PERCPU_ARRAY, DEVMAP: every index below max_entries always exists
  kPrefix,   ///< LPM_TRIE: keys come and go; a lookup matches prefixes, not exact keys
  kNone,     ///< BLOOM_FILTER: no keys (key_size 0), no get_next_key
};

// What the created map reports (the effective sizes), found by creating it once.
struct MapFacts {
  MapInfo info;
  size_t syscall_value_size = 0;  ///< bytes a syscall lookup writes / update reads
  KeySpace keys = KeySpace::kHashed;
  bool per_cpu = false;
  uint32_t hash_seed = 0;  ///< the hashrnd it was created with (0 with BPF_F_ZERO_SEED)
};

// Where a step sits: the slot of its observation, and who runs it.
struct StepSlot {
  Observation::Origin origin = Observation::Origin::kSetup;
  int cpu = 0;
  int context = -1;  ///< -1 for setup
  int index = 0;     ///< position in its program
  const StepSpec* step = nullptr;
};

struct CompiledSpec {
  ScenarioSpec spec;  ///< with default labels filled in
  MapFacts map;
  std::vector<StepSlot> slots;            ///< setup, CPU programs in CPU order, interrupts
  std::map<std::string, size_t> slot_of;  ///< label -> slot
  std::vector<size_t> walk_slots;         ///< slots of walks and batch walks
  /// Per simulator context (CPUs with a non-empty program in CPU order, then interrupts): the
  /// slot of its first step; its steps' slots follow in order.
  std::vector<size_t> context_first_slot;
  /// Keys named by steps and setup (sorted, unique): the keys whose presence the walk check
  /// follows for hashed maps.
  std::vector<Bytes> named_keys;
  uint32_t walk_key_limit = 0;  ///< a walk stops with -ELOOP after this many keys

  CompiledSpec() = default;
  // Steps and slots point into `spec`: a copy would point into the original.
  CompiledSpec(const CompiledSpec&) = delete;
  CompiledSpec& operator=(const CompiledSpec&) = delete;
};

}  // namespace mapsim::scenario
