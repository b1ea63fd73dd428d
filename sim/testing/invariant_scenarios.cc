// map_scenarios_for_invariants() (sim/testing/map_scenarios.h): the hash family under every
// configuration whose intermediate states differ.
//
//   hash replace:     HASH, 3 CPUs, max_entries 3; every CPU replaces shared keys (extra
//                     element swaps) and deletes; a nested program inserts and deletes on
//                     CPU 0.
//   hash no_prealloc: the same on BPF_F_NO_PREALLOC (elements freed after a grace period,
//                     inserts racing past is_map_full()).
//   percpu hash (prealloc / no_prealloc): PERCPU_HASH, in-place updates, area cache.
//   lru common / per-cpu lists: LRU_HASH, max_entries 4 on 3 CPUs, 3 new keys per CPU: refills,
//                     evictions, steals from other CPUs' local lists; deletes push nodes back.
//   lru percpu values (common / per-cpu lists): LRU_PERCPU_HASH, in-place updates with
//                     BPF_EXIST, inserts that evict.
//   lru tight:        LRU_HASH, max_entries 2 on 2 CPUs plus a nested program: every insert
//                     evicts or steals, nested pops fail on the held local lock.
//   => the invariants hold at every step of every interleaving.
#include "impl/uapi.h"
#include "sim/testing/map_scenarios.h"

namespace mapsim::sim::testing {
namespace {

using Kind = MapOperation::Kind;

MapScenarioConfig hash_replace(const std::string& name, uint32_t type, uint32_t flags) {
  MapScenarioConfig config = small_map_config(name, type, 3, flags, 3);
  config.setup = {{Kind::kUpdate, 1}, {Kind::kUpdate, 2}};
  config.cpus = {{{Kind::kUpdate, 1}, {Kind::kUpdate, 3}, {Kind::kDelete, 2}},
                 {{Kind::kUpdate, 2}, {Kind::kUpdate, 1}, {Kind::kUpdate, 4, bpf::kNoExist}},
                 {{Kind::kDelete, 1}, {Kind::kUpdate, 5}, {Kind::kLookup, 3}}};
  // The nested program inserts (NOEXIST) and deletes; it does not replace: a replacement
  // nested inside its CPU's own replacement would take that CPU's extra element while it is
  // still linked (see NestedReplacementReusesAnExtraElementThatIsStillLinked in
  // tests/sim_invariants_test.cc).
  config.nested = {{0, {{Kind::kProgramUpdate, 6, bpf::kNoExist}, {Kind::kProgramDelete, 3}}}};
  return config;
}

MapScenarioConfig lru_evicting(const std::string& name, uint32_t type, uint32_t flags) {
  MapScenarioConfig config = small_map_config(name, type, 4, flags, 3);
  config.setup = {{Kind::kUpdate, 100}, {Kind::kUpdate, 101}};
  config.cpus = {{{Kind::kUpdate, 1}, {Kind::kProgramLookup, 100}, {Kind::kUpdate, 4}},
                 {{Kind::kUpdate, 2}, {Kind::kDelete, 101}, {Kind::kUpdate, 5}},
                 {{Kind::kUpdate, 3}, {Kind::kUpdate, 100, bpf::kExist}, {Kind::kUpdate, 6}}};
  return config;
}

}  // namespace

std::vector<MapScenarioConfig> map_scenarios_for_invariants() {
  std::vector<MapScenarioConfig> configs;
  configs.push_back(hash_replace("hash replace", bpf::kMapHash, 0));
  configs.push_back(hash_replace("hash no_prealloc", bpf::kMapHash, bpf::kFNoPrealloc));
  configs.push_back(hash_replace("percpu hash", bpf::kMapPercpuHash, 0));
  configs.push_back(
      hash_replace("percpu hash no_prealloc", bpf::kMapPercpuHash, bpf::kFNoPrealloc));
  configs.push_back(lru_evicting("lru common", bpf::kMapLruHash, 0));
  configs.push_back(lru_evicting("lru per-cpu lists", bpf::kMapLruHash, bpf::kFNoCommonLru));
  configs.push_back(lru_evicting("lru percpu values", bpf::kMapLruPercpuHash, 0));
  configs.push_back(
      lru_evicting("lru percpu values per-cpu lists", bpf::kMapLruPercpuHash, bpf::kFNoCommonLru));
  MapScenarioConfig tight = small_map_config("lru tight", bpf::kMapLruHash, 2, 0, 2);
  tight.setup = {{Kind::kUpdate, 100}};
  tight.cpus = {{{Kind::kUpdate, 1}, {Kind::kUpdate, 2}, {Kind::kDelete, 1}},
                {{Kind::kUpdate, 3}, {Kind::kProgramLookup, 100}, {Kind::kUpdate, 4}}};
  tight.nested = {{0, {{Kind::kProgramUpdate, 5}, {Kind::kProgramDelete, 3}}}};
  configs.push_back(tight);
  return configs;
}

}  // namespace mapsim::sim::testing
