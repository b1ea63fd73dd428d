#include "tests/viz_support/lru_scenarios.h"

#include "impl/uapi.h"
#include "sim/explorer.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/random_walk.h"

namespace mapsim::viz::testing {
namespace {

using sim::testing::MapOperation;
using sim::testing::MapScenarioConfig;
using Kind = MapOperation::Kind;

MapScenarioConfig base(const char* name, int cpus, uint32_t max_entries, LruListKind kind) {
  MapScenarioConfig config;
  config.name = name;
  config.possible_cpus = cpus;
  config.attr.map_type = bpf::kMapLruHash;
  config.attr.key_size = 4;
  config.attr.value_size = 8;
  config.attr.max_entries = max_entries;
  config.attr.map_flags = bpf::kFZeroSeed | (kind == LruListKind::kPercpu ? bpf::kFNoCommonLru : 0);
  return config;
}

// EEXIST, ENOENT, replacing and in-place updates, deletes of pending and listed nodes. CPU 1
// has free nodes of its own on both list kinds, so its BPF_NOEXIST update of a present key
// fails with EEXIST instead of evicting the key first.
MapScenarioConfig flags_scenario(LruListKind kind) {
  MapScenarioConfig config = base("lru flags", 2, 4, kind);
  config.setup = {{Kind::kUpdate, 1}, {Kind::kUpdate, 2}};
  config.cpus = {{{Kind::kUpdate, 1, bpf::kNoExist},
                  {Kind::kUpdate, 3, bpf::kExist},
                  {Kind::kUpdate, 2},
                  {Kind::kDelete, 2}},
                 {{Kind::kProgramUpdate, 5},
                  {Kind::kUpdate, 2, bpf::kNoExist},
                  {Kind::kUpdate, 1, bpf::kExist},
                  {Kind::kProgramLookup, 1},
                  {Kind::kProgramDelete, 5}}};
  return config;
}

// A program interrupting updates on the same CPU: failed LRU and bucket locks. Explored
// exhaustively, so the program fires at every point of the interrupted update.
MapScenarioConfig nested_scenario(LruListKind kind) {
  MapScenarioConfig config = base("lru nested", 2, 4, kind);
  config.setup = {{Kind::kUpdate, 1}};
  config.cpus = {{{Kind::kUpdate, 1}}};
  config.nested = {{0, {{Kind::kProgramUpdate, 1}, {Kind::kProgramUpdate, 1, bpf::kExist}}}};
  return config;
}

// More updates in flight than nodes: ENOMEM after stealing finds only unlinked nodes.
MapScenarioConfig crowded_scenario(LruListKind kind) {
  MapScenarioConfig config = base("lru crowded", 3, 3, kind);
  config.cpus = {{{Kind::kUpdate, 1}, {Kind::kUpdate, 4}},
                 {{Kind::kUpdate, 2}, {Kind::kUpdate, 5}},
                 {{Kind::kUpdate, 3}, {Kind::kProgramLookup, 1}}};
  config.nested = {{0, {{Kind::kProgramUpdate, 6}}}};
  return config;
}

// Every node in flight: two updates have popped the map's only nodes and not linked them yet
// when a program on CPU 0 updates: its shrink and steal find nothing the table gives up
// (-ENOMEM), or meet a bucket the interrupted update holds (eviction refused).
MapScenarioConfig exhausted_scenario(LruListKind kind) {
  MapScenarioConfig config = base("lru exhausted", 2, 2, kind);
  config.cpus = {{{Kind::kUpdate, 1}}, {{Kind::kUpdate, 2}}};
  config.nested = {{0, {{Kind::kProgramUpdate, 3}}}};
  return config;
}

// Common LRU: setup leaves two keys on the global INACTIVE list and one pending on CPU 0;
// CPUs 1 and 2 evict the listed ones, and CPU 3, with nothing pending and the global lists
// empty, has to steal (4.7 steps 4-5).
MapScenarioConfig steal_scenario(LruListKind kind) {
  MapScenarioConfig config = base("lru steal", 4, 3, kind);
  config.setup = {{Kind::kUpdate, 100}, {Kind::kUpdate, 101}, {Kind::kUpdate, 102}};
  config.cpus = {{},
                 {{Kind::kUpdate, 1}},
                 {{Kind::kUpdate, 2}},
                 {{Kind::kUpdate, 3}, {Kind::kDelete, 3}}};
  return config;
}

MapScenarioConfig as_percpu_hash(MapScenarioConfig config) {
  config.name += " (percpu hash)";
  config.attr.map_type = bpf::kMapLruPercpuHash;
  return config;
}

}  // namespace

std::vector<LruScenario> lru_path_scenarios(LruListKind kind) {
  const bool percpu_lists = kind == LruListKind::kPercpu;
  std::vector<LruScenario> scenarios = {{sim::testing::lru_three_cpus(percpu_lists), false},
                                        {flags_scenario(kind), false},
                                        {nested_scenario(kind), true},
                                        {crowded_scenario(kind), false},
                                        {steal_scenario(kind), false},
                                        {exhausted_scenario(kind), true}};
  if (!percpu_lists) scenarios.push_back({sim::testing::lru_two_cpus(), false});
  const size_t shared_count = scenarios.size();
  for (size_t i = 0; i < shared_count; ++i) {
    scenarios.push_back({as_percpu_hash(scenarios[i].config), scenarios[i].exhaustive});
  }
  return scenarios;
}

LruRunCollection collect_lru_paths(const LruScenario& scenario, uint64_t executions,
                                   uint64_t seed) {
  LruRunCollection collection;
  sim::ExplorerOptions options;
  options.stop_on_failure = false;
  options.max_executions = executions;
  options.observer = [&collection](const sim::ExecutionRecord& record) {
    ++collection.executions;
    if (record.result->failure) ++collection.failing_executions;
    for (TracedLruPath& traced : lru_paths_of(*record.trace)) {
      collection.counts.add(traced.path);
      collection.paths.push_back(std::move(traced));
    }
  };
  sim::Explorer explorer(sim::testing::map_scenario(scenario.config), options);
  if (scenario.exhaustive) {
    sim::DporStrategy strategy(sim::DporOptions{});
    collection.exhausted = explorer.explore(strategy).exhausted;
  } else {
    sim::RandomWalkOptions random;
    random.seed = seed;
    random.budget = executions;
    sim::RandomWalkStrategy strategy(random);
    explorer.explore(strategy);
  }
  return collection;
}

}  // namespace mapsim::viz::testing
