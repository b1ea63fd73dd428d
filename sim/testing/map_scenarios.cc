#include "sim/testing/map_scenarios.h"

#include <memory>

#include "impl/assert.h"
#include "impl/create_map.h"
#include "impl/uapi.h"
#include "model/invariants/check_map.h"
#include "sim/sim_platform.h"
#include "sim/testing/map_step_check.h"

namespace mapsim {
extern template int create_map<SimPlatform>(SimPlatform&, const MapAttr&, std::unique_ptr<Map>*);
}  // namespace mapsim

namespace mapsim::sim::testing {
namespace {

// Syscalls on per-CPU maps exchange one 8-byte value per possible CPU.
constexpr size_t kSyscallValueSlotsMax = 256;

int64_t run_operation(Map& map, const MapOperation& operation) {
  const uint32_t key = operation.key;
  uint64_t value = key;
  // On the (fiber) stack: an execution cut short abandons its stacks without unwinding them,
  // and the simulator keys stack memory per context, as the map's racy copies need.
  uint64_t values[kSyscallValueSlotsMax];
  const size_t slots = (map.syscall_value_size() + 7) / 8;
  MAPSIM_ASSERT(slots <= kSyscallValueSlotsMax, "map scenarios: per-CPU values of <= 256 CPUs");
  for (size_t slot = 0; slot < slots; ++slot) values[slot] = key;  // every CPU's slot: the key
  switch (operation.kind) {
    case MapOperation::Kind::kUpdate:
      return map.update_elem(&key, values, operation.flags);
    case MapOperation::Kind::kLookup:
      return map.lookup_elem(&key, values);
    case MapOperation::Kind::kDelete:
      return map.delete_elem(&key);
    case MapOperation::Kind::kProgramUpdate:
      return map.prog_update(&key, &value, operation.flags);
    case MapOperation::Kind::kProgramLookup:
      return map.prog_lookup(&key) != nullptr ? 0 : bpf::kENOENT;
    case MapOperation::Kind::kProgramDelete:
      return map.prog_delete(&key);
    case MapOperation::Kind::kGetNextKey: {
      uint32_t next = 0;
      return map.get_next_key(&key, &next);
    }
  }
  return bpf::kEINVAL;
}

std::vector<Operation> operations_of(const std::shared_ptr<std::unique_ptr<Map>>& map,
                                     const std::vector<MapOperation>& list) {
  std::vector<Operation> operations;
  for (const MapOperation& operation : list) {
    operations.push_back(
        Operation{operation.name(), [map, operation] { return run_operation(**map, operation); }});
  }
  return operations;
}

std::string check_map(Map& map, const Outcome& outcome) {
  // Quiescent: every element and node accounted for exactly.
  invariants::MapCheckScope scope;
  scope.concurrency = static_cast<uint32_t>(outcome.contexts.size());
  if (std::string problem = invariants::check_map_invariants(map, scope); !problem.empty()) {
    return "invariant at the end: " + problem;
  }
  // Every key the map iterates over can be looked up (the walk is bounded by what the
  // invariants allow: NO_PREALLOC maps may hold a few keys over max_entries after racing
  // inserts).
  const uint32_t walk_limit = map.max_entries() + scope.concurrency;
  uint32_t key = 0;
  uint32_t next = 0;
  uint32_t count = 0;
  std::vector<unsigned char> value(map.syscall_value_size());
  for (int error = map.get_next_key(nullptr, &next); error == 0;
       error = map.get_next_key(&key, &next)) {
    if (map.lookup_elem(&next, value.data()) != 0) {
      return "key " + std::to_string(next) + " is iterated but cannot be looked up";
    }
    if (++count > walk_limit) return "get_next_key walks more keys than the map can hold";
    key = next;
  }
  return "";
}

}  // namespace

std::string MapOperation::name() const {
  static const char* kNames[] = {"update", "lookup", "delete", "prog_update", "prog_lookup",
                                 "prog_delete", "get_next_key"};
  std::string text = std::string(kNames[static_cast<int>(kind)]) + " key=" + std::to_string(key);
  if (flags != 0) text += " flags=" + std::to_string(flags);
  return text;
}

Scenario map_scenario(const MapScenarioConfig& config) {
  Scenario scenario;
  scenario.name = config.name;
  scenario.possible_cpus = config.possible_cpus;
  scenario.build = [config](SimPlatform& platform) {
    auto map = std::make_shared<std::unique_ptr<Map>>();
    const int error = create_map(platform, config.attr, map.get());
    MAPSIM_ASSERT(error == 0, "the scenario's map is created");
    for (const MapOperation& operation : config.setup) run_operation(**map, operation);
    ScenarioInstance instance;
    for (const std::vector<MapOperation>& list : config.cpus) {
      instance.cpus.push_back(operations_of(map, list));
    }
    for (const auto& [cpu, list] : config.nested) {
      instance.nested.push_back(NestedProgram{cpu, operations_of(map, list)});
    }
    if (config.check_every_step) {
      instance.check_step = [map] { return map_step_check(**map); };
    }
    instance.check_end = [map](const Outcome& outcome) { return check_map(**map, outcome); };
    instance.state = map;
    return instance;
  };
  return scenario;
}

MapScenarioConfig small_map_config(const std::string& name, uint32_t type, uint32_t max_entries,
                                   uint32_t flags, int cpus) {
  MapScenarioConfig config;
  config.name = name;
  config.possible_cpus = cpus;
  config.attr.map_type = type;
  config.attr.key_size = 4;
  config.attr.value_size = 8;
  config.attr.max_entries = max_entries;
  config.attr.map_flags = bpf::kFZeroSeed | flags;
  return config;
}

MapScenarioConfig hash_two_cpus() {
  using Kind = MapOperation::Kind;
  MapScenarioConfig config = small_map_config("hash 2 cpus x 3 ops", bpf::kMapHash, 4, 0, 2);
  config.cpus = {{{Kind::kUpdate, 1}, {Kind::kUpdate, 2}, {Kind::kDelete, 1}},
                 {{Kind::kUpdate, 2}, {Kind::kLookup, 1}, {Kind::kUpdate, 3}}};
  return config;
}

MapScenarioConfig lru_three_cpus(bool per_cpu_lists) {
  using Kind = MapOperation::Kind;
  MapScenarioConfig config =
      small_map_config(per_cpu_lists ? "lru 3 cpus (per-cpu lists)" : "lru 3 cpus",
                       bpf::kMapLruHash, 4, per_cpu_lists ? bpf::kFNoCommonLru : 0, 3);
  config.setup = {{Kind::kUpdate, 100}, {Kind::kUpdate, 101}};
  config.cpus = {{{Kind::kUpdate, 1}, {Kind::kUpdate, 7}, {Kind::kProgramLookup, 100}},
                 {{Kind::kUpdate, 2}, {Kind::kUpdate, 7}, {Kind::kDelete, 1}},
                 {{Kind::kUpdate, 3}, {Kind::kProgramUpdate, 4}, {Kind::kLookup, 7}}};
  return config;
}

MapScenarioConfig lru_two_cpus() {
  using Kind = MapOperation::Kind;
  MapScenarioConfig config = small_map_config("lru 2 cpus", bpf::kMapLruHash, 2, 0, 2);
  config.setup = {{Kind::kUpdate, 100}};
  config.cpus = {{{Kind::kUpdate, 1}, {Kind::kProgramLookup, 100}},
                 {{Kind::kUpdate, 2}, {Kind::kLookup, 1}}};
  return config;
}

}  // namespace mapsim::sim::testing
