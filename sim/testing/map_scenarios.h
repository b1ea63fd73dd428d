// Scenarios over the real maps (impl/, instantiated on SimPlatform in sim/sim_maps.cc), for the
// simulator's tests and benchmarks. The scenario-file layer (scenarios/) will build the same
// thing from YAML; this is the C++ form.
//
// A MapScenarioConfig names a map (MapAttr), operations run in setup, one operation list per
// CPU and optional nested programs. Operations are syscalls or program helper calls on 4-byte
// keys and 8-byte values (the value is the key's number, in every CPU's slot for syscalls on
// per-CPU maps); each returns 0 or a negative errno.
// The map's invariants (model/invariants/check_map.h) are checked after every step (unless
// check_every_step is off) and, exactly, at the end; the end check then walks the map: every
// key it iterates over can be looked up.
//
// Ready-made configurations:
//   hash_two_cpus():  HASH, max_entries 4; CPU 0: update 1, update 2, delete 1;
//                     CPU 1: update 2, lookup 1, update 3.              (2 CPUs x 3 operations)
//   lru_three_cpus(): LRU_HASH (common lists), max_entries 4 on 3 CPUs (per-CPU local lists,
//                     so evictions and steals happen); each CPU updates two keys of its own
//                     and one shared key, one CPU looks a key up from a program.
//                     => invariants hold in every interleaving.
//   lru_two_cpus():   LRU_HASH, max_entries 2 on 2 CPUs, one key preset; each CPU inserts a
//                     new key (evicting) and looks one up: small enough for exhaustive DPOR.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "impl/map_attr.h"
#include "sim/scenario.h"

namespace mapsim::sim::testing {

struct MapOperation {
  enum class Kind : uint8_t {
    kUpdate,         ///< syscall update (flags)
    kLookup,         ///< syscall lookup
    kDelete,         ///< syscall delete
    kProgramUpdate,  ///< bpf_map_update_elem from a program
    kProgramLookup,  ///< bpf_map_lookup_elem from a program (sets the LRU reference bit)
    kProgramDelete,
    kGetNextKey,     ///< syscall get_next_key from `key`
  };
  Kind kind = Kind::kUpdate;
  uint32_t key = 0;
  uint64_t flags = 0;

  std::string name() const;
};

struct MapScenarioConfig {
  std::string name;
  int possible_cpus = 2;
  MapAttr attr;
  std::vector<MapOperation> setup;             ///< run in setup mode on CPU 0
  std::vector<std::vector<MapOperation>> cpus;  ///< [cpu] program
  std::vector<std::pair<int, std::vector<MapOperation>>> nested;  ///< (cpu, program)
  /// Check the map's invariants (model/invariants/check_map.h) after every step; they are
  /// always checked at the end.
  bool check_every_step = true;
};

Scenario map_scenario(const MapScenarioConfig& config);

// A config without operations: `type` with 4-byte keys and 8-byte values, max_entries, flags
// BPF_F_ZERO_SEED (the same bucket placement in every run) | `flags`, on `cpus` CPUs.
MapScenarioConfig small_map_config(const std::string& name, uint32_t type, uint32_t max_entries,
                                   uint32_t flags, int cpus);

MapScenarioConfig hash_two_cpus();
MapScenarioConfig lru_three_cpus(bool per_cpu_lists = false);
MapScenarioConfig lru_two_cpus();

// Scenarios that stress the paths whose intermediate states the step invariants must accept
// (model/invariants/check_map.h): every hash-family type and LRU list kind, preallocated and
// NO_PREALLOC, replacements (extra-element swaps), deletes, evictions and steals, nested
// programs. map_scenarios_for_invariants() lists them; each is small enough for thousands of
// random executions per second.
std::vector<MapScenarioConfig> map_scenarios_for_invariants();

}  // namespace mapsim::sim::testing
