#include "model/mutation/checked_map_scenario.h"

#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "impl/create_map.h"
#include "impl/internal/hash_map_impl.h"
#include "impl/internal/lru_hash_map_impl.h"
#include "impl/uapi.h"
#include "model/mutation/serial_order.h"
#include "model/reference/create_model.h"
#include "sim/execution.h"
#include "sim/sim_platform.h"

namespace mapsim {
extern template int create_map<SimPlatform>(SimPlatform&, const MapAttr&, std::unique_ptr<Map>*);
}  // namespace mapsim

namespace mapsim::mutation {
namespace {

using Kind = MapOperation::Kind;
using reference::Caller;
using reference::ModelOp;
using reference::OpCode;

constexpr size_t kKeyBytes = 4;
constexpr size_t kValueBytes = 8;

std::vector<unsigned char> key_bytes(uint32_t key) {
  std::vector<unsigned char> bytes(kKeyBytes);
  std::memcpy(bytes.data(), &key, kKeyBytes);
  return bytes;
}

// `bytes` of value: the key's number in every 8-byte slot (one slot, or one per CPU).
std::vector<unsigned char> value_bytes(uint32_t key, size_t bytes) {
  std::vector<unsigned char> value(bytes, 0);
  const uint64_t number = key;
  for (size_t offset = 0; offset + kValueBytes <= bytes; offset += kValueBytes) {
    std::memcpy(value.data() + offset, &number, kValueBytes);
  }
  return value;
}

bool is_program(Kind kind) {
  return kind == Kind::kProgramUpdate || kind == Kind::kProgramLookup ||
         kind == Kind::kProgramDelete;
}

// Runs on a context's fiber, which a failing execution abandons without unwinding: nothing here
// may own heap memory (sim/fiber.h), hence the fixed array.
int64_t run_operation(Map& map, const MapOperation& operation) {
  constexpr size_t kSlotsMax = 256;
  const uint32_t key = operation.key;
  uint64_t value[kSlotsMax];
  const size_t slots = map.syscall_value_size() / kValueBytes;
  MAPSIM_ASSERT(slots >= 1 && slots <= kSlotsMax, "checked scenarios: at most 256 CPUs");
  for (size_t slot = 0; slot < slots; ++slot) value[slot] = key;  // every CPU's slot
  switch (operation.kind) {
    case Kind::kUpdate:
      return map.update_elem(&key, value, operation.flags);
    case Kind::kLookup:
      return map.lookup_elem(&key, value);
    case Kind::kDelete:
      return map.delete_elem(&key);
    case Kind::kProgramUpdate:
      return map.prog_update(&key, value, operation.flags);
    case Kind::kProgramLookup:
      return map.prog_lookup(&key) != nullptr ? 0 : bpf::kENOENT;
    case Kind::kProgramDelete:
      return map.prog_delete(&key);
    case Kind::kGetNextKey: {
      uint32_t next = 0;
      const int error = map.get_next_key(&key, &next);
      return error != 0 ? error : int64_t{next};
    }
  }
  return bpf::kEINVAL;
}

ModelOp model_op(const MapOperation& operation, int cpu, size_t syscall_value_size) {
  ModelOp op;
  op.cpu = cpu;
  op.caller = is_program(operation.kind) ? Caller::kProgram : Caller::kSyscall;
  op.key = key_bytes(operation.key);
  op.flags = operation.flags;
  switch (operation.kind) {
    case Kind::kUpdate:
    case Kind::kProgramUpdate:
      op.code = OpCode::kUpdate;
      op.value = value_bytes(operation.key, is_program(operation.kind) ? kValueBytes
                                                                        : syscall_value_size);
      break;
    case Kind::kLookup:
    case Kind::kProgramLookup:
      op.code = OpCode::kLookup;
      op.flags = 0;
      break;
    case Kind::kDelete:
    case Kind::kProgramDelete:
      op.code = OpCode::kDelete;
      break;
    case Kind::kGetNextKey:
      op.code = OpCode::kGetNextKey;
      break;
  }
  return op;
}

// What run_operation() returns for the model's answer.
int64_t model_result(reference::MapModel& model, const MapOperation& operation, int cpu,
                     size_t syscall_value_size) {
  const reference::ModelResult result =
      model.apply(model_op(operation, cpu, syscall_value_size));
  if (operation.kind != Kind::kGetNextKey || result.rc != 0) return result.rc;
  uint32_t next = 0;
  std::memcpy(&next, result.data.data(), kKeyBytes);
  return next;
}

template <class HashMapType>
std::string check_chains(HashMapType& map, uint64_t element_count, uint64_t element_bound) {
  auto& table = map.table();
  std::set<const void*> elements;
  std::set<uint32_t> keys;
  for (uint32_t index = 0; index < table.n_buckets(); ++index) {
    uintptr_t link = table.bucket_at(index).head.load();
    while (!internal::is_nulls_marker(link)) {
      auto* element = reinterpret_cast<internal::HtabElement<SimPlatform>*>(link);
      if (!elements.insert(element).second) {
        return "bucket " + std::to_string(index) + ": an element is on two chains (or a cycle)";
      }
      if (elements.size() > element_bound) return "more elements in the chains than exist";
      uint32_t key = 0;
      std::memcpy(&key, table.key_of(element), kKeyBytes);
      if (!keys.insert(key).second) return "key " + std::to_string(key) + " is in the map twice";
      link = element->next.load();
    }
    if (internal::nulls_bucket(link) != index) {
      return "the chain of bucket " + std::to_string(index) + " ends on bucket " +
             std::to_string(internal::nulls_bucket(link)) + "'s nulls marker";
    }
  }
  if (elements.size() != element_count) {
    return std::to_string(elements.size()) + " elements in the chains, element statistic " +
           std::to_string(element_count);
  }
  return "";
}

std::string check_structure(Map& map, int possible_cpus) {
  if (auto* lru = dynamic_cast<internal::LruHashMap<SimPlatform>*>(&map)) {
    std::string failure;
    if (!lru->check_invariants(&failure)) return "LRU invariant: " + failure;
    return "";
  }
  if (auto* hash = dynamic_cast<internal::HashMap<SimPlatform>*>(&map)) {
    const uint64_t bound = uint64_t{map.max_entries()} + static_cast<uint64_t>(possible_cpus);
    const std::string failure = check_chains(*hash, hash->element_count(), bound);
    if (!failure.empty()) return "hash chains: " + failure;
  }
  return "";
}

// The keys in iteration order, or a description of what is wrong.
std::string walk(Map& map, std::vector<uint32_t>* keys) {
  uint32_t key = 0;
  uint32_t next = 0;
  std::vector<unsigned char> value(map.syscall_value_size());
  for (int error = map.get_next_key(nullptr, &next); error == 0;
       error = map.get_next_key(&key, &next)) {
    if (map.lookup_elem(&next, value.data()) != 0) {
      return "walk: key " + std::to_string(next) + " is iterated but cannot be looked up";
    }
    keys->push_back(next);
    if (keys->size() > map.max_entries()) return "walk: more keys than max_entries";
    key = next;
  }
  return "";
}

std::string describe_keys(const std::vector<uint32_t>& keys) {
  std::string text = "[";
  for (size_t index = 0; index < keys.size(); ++index) {
    text += (index == 0 ? "" : ", ") + std::to_string(keys[index]);
  }
  return text + "]";
}

// A fresh model of the scenario's map.
std::string create_model(const MapScenarioConfig& config,
                         std::optional<reference::MapModel>* model) {
  reference::CreateRequest request;
  request.type = config.attr.map_type;
  request.key_size = config.attr.key_size;
  request.value_size = config.attr.value_size;
  request.max_entries = config.attr.max_entries;
  request.map_flags = config.attr.map_flags;
  const int error = reference::create_map_model(
      request, reference::ModelOptions{config.possible_cpus, 0}, model);
  if (error != 0) return "the reference model refuses the map: " + std::to_string(error);
  return "";
}

struct State {
  MapScenarioConfig config;
  std::unique_ptr<Map> map;
  std::vector<int64_t> setup_results;
};

std::string compare_with_model(const State& state, const sim::Outcome& outcome,
                               const std::vector<OperationRef>& order,
                               const std::vector<uint32_t>& keys) {
  const size_t value_size = state.map->syscall_value_size();
  std::optional<reference::MapModel> model;
  if (std::string failure = create_model(state.config, &model); !failure.empty()) return failure;
  for (size_t index = 0; index < state.config.setup.size(); ++index) {
    const int64_t expected = model_result(*model, state.config.setup[index], 0, value_size);
    if (expected != state.setup_results[index]) {
      return "setup op " + std::to_string(index) + " (" + state.config.setup[index].name() +
             ") returned " + std::to_string(state.setup_results[index]) + ", the model " +
             std::to_string(expected);
    }
  }
  for (const OperationRef& ref : order) {
    const sim::Outcome::ContextInfo& context = outcome.contexts[ref.context];
    const std::vector<MapOperation>& program =
        context.nested ? state.config.nested[ref.context - (outcome.contexts.size() -
                                                            state.config.nested.size())].second
                       : state.config.cpus[context.cpu];
    const MapOperation& operation = program[ref.index];
    const int64_t expected = model_result(*model, operation, context.cpu, value_size);
    const int64_t actual = outcome.results[ref.context][ref.index];
    if (expected != actual) {
      return "serial execution: cpu " + std::to_string(context.cpu) + " op " +
             std::to_string(ref.index) + " (" + operation.name() + ") returned " +
             std::to_string(actual) + ", the reference model " + std::to_string(expected);
    }
  }
  std::vector<uint32_t> model_keys;
  std::optional<uint32_t> previous;
  for (;;) {
    ModelOp op;
    op.code = OpCode::kGetNextKey;
    if (previous) op.key = key_bytes(*previous);
    const reference::ModelResult result = model->apply(op);
    if (result.rc != 0 || model_keys.size() > state.map->max_entries()) break;
    uint32_t next = 0;
    std::memcpy(&next, result.data.data(), kKeyBytes);
    model_keys.push_back(next);
    previous = next;
  }
  if (model_keys != keys) {
    return "serial execution: the map iterates " + describe_keys(keys) +
           ", the reference model " + describe_keys(model_keys);
  }
  return "";
}

std::string check_end(const State& state, const sim::Outcome& outcome) {
  Map& map = *state.map;
  if (std::string failure = check_structure(map, state.config.possible_cpus); !failure.empty()) {
    return failure;
  }
  std::vector<uint32_t> keys;
  if (std::string failure = walk(map, &keys); !failure.empty()) return failure;
  const sim::Execution* execution = sim::Execution::current();
  MAPSIM_ASSERT(execution != nullptr, "end checks run inside an execution");
  const std::optional<std::vector<OperationRef>> order = serial_order(execution->trace());
  if (!order) return "";
  return compare_with_model(state, outcome, *order, keys);
}

std::vector<sim::Operation> operations_of(const std::shared_ptr<State>& state,
                                          const std::vector<MapOperation>& list) {
  std::vector<sim::Operation> operations;
  for (const MapOperation& operation : list) {
    operations.push_back(sim::Operation{
        operation.name(), [state, operation] { return run_operation(*state->map, operation); }});
  }
  return operations;
}

}  // namespace

sim::Scenario checked_map_scenario(const MapScenarioConfig& config) {
  MAPSIM_ASSERT((config.attr.map_flags & bpf::kFZeroSeed) != 0, "the model needs the hash seed");
  MAPSIM_ASSERT(config.attr.key_size == kKeyBytes, "4-byte keys");
  MAPSIM_ASSERT(config.attr.value_size == kValueBytes, "8-byte values");
  MAPSIM_ASSERT(config.cpus.size() <= static_cast<size_t>(config.possible_cpus), "one per CPU");
  sim::Scenario scenario;
  scenario.name = config.name;
  scenario.possible_cpus = config.possible_cpus;
  scenario.build = [config](SimPlatform& platform) {
    auto state = std::make_shared<State>();
    state->config = config;
    const int error = create_map(platform, config.attr, &state->map);
    MAPSIM_ASSERT(error == 0, "the scenario's map is created");
    for (const MapOperation& operation : config.setup) {
      state->setup_results.push_back(run_operation(*state->map, operation));
    }
    sim::ScenarioInstance instance;
    for (const std::vector<MapOperation>& list : config.cpus) {
      instance.cpus.push_back(operations_of(state, list));
    }
    for (const auto& [cpu, list] : config.nested) {
      instance.nested.push_back(sim::NestedProgram{cpu, operations_of(state, list)});
    }
    instance.check_end = [state](const sim::Outcome& outcome) {
      return check_end(*state, outcome);
    };
    instance.state = state;
    return instance;
  };
  return scenario;
}

}  // namespace mapsim::mutation
