#include "scenarios/run/scenario_compile.h"

#include <algorithm>
#include <set>

#include "impl/create_map.h"
#include "impl/uapi.h"
#include "scenarios/bpf_names.h"
#include "scenarios/run/scenario_instance.h"
#include "scenarios/run/scenario_validate.h"
#include "scenarios/run/step_text.h"
#include "sim/random.h"

namespace mapsim {
extern template int create_map<SimPlatform>(SimPlatform&, const MapAttr&, std::unique_ptr<Map>*);
}  // namespace mapsim

namespace mapsim::scenario {
namespace {

void fill_labels(std::vector<StepSpec>* steps, const std::string& prefix) {
  for (size_t index = 0; index < steps->size(); ++index) {
    StepSpec& step = (*steps)[index];
    if (step.label.empty()) step.label = prefix + "." + std::to_string(index);
  }
}

// Program sequences act through a value pointer: only a program performs them, whatever
// `via` a spec built in C++ left at its default.
void mark_program_sequences(std::vector<StepSpec>* steps) {
  for (StepSpec& step : *steps) {
    if (step_kind_is_program_sequence(step.kind)) step.via = Via::kProgram;
  }
}

// The defaults the YAML parser fills in (fill_default_labels() in scenario_yaml.h:
// "cpu<N>.<i>", "irq<I>.<i>", "setup.<i>"), for specs built in C++.
void fill_defaults(ScenarioSpec* spec) {
  fill_labels(&spec->setup, "setup");
  mark_program_sequences(&spec->setup);
  for (CpuProgramSpec& program : spec->cpus) {
    fill_labels(&program.steps, "cpu" + std::to_string(program.cpu));
    mark_program_sequences(&program.steps);
  }
  for (size_t i = 0; i < spec->interrupts.size(); ++i) {
    fill_labels(&spec->interrupts[i].steps, "irq" + std::to_string(i));
    mark_program_sequences(&spec->interrupts[i].steps);
  }
}

KeySpace key_space_of(uint32_t map_type) {
  switch (map_type) {
    case bpf::kMapArray:
    case bpf::kMapPercpuArray:
    case bpf::kMapDevmap:
      return KeySpace::kIndexed;
    case bpf::kMapLpmTrie:
      return KeySpace::kPrefix;
    case bpf::kMapBloomFilter:
      return KeySpace::kNone;
    default:
      return KeySpace::kHashed;
  }
}

// Creates the map once on a simulated machine of the spec's size, in setup mode, to learn
// whether BPF_MAP_CREATE accepts it and its effective sizes.
std::string probe_map(const ScenarioSpec& spec, MapFacts* facts) {
  int rc = 0;
  sim::Scenario probe;
  probe.name = "map probe";
  probe.possible_cpus = spec.possible_cpus;
  probe.seed = spec.map_seed;
  probe.build = [&](SimPlatform& platform) {
    std::unique_ptr<Map> map;
    rc = create_map(platform, spec.map, &map);
    if (rc == 0) {
      facts->info = map->info();
      facts->syscall_value_size = map->syscall_value_size();
    }
    return sim::ScenarioInstance{};
  };
  sim::Explorer explorer(probe);
  explorer.fingerprint();
  if (rc == bpf::kENOSYS) {
    return spec_position(spec, {}) + "map.type: " + describe_map_type(spec.map.map_type) +
           " is not simulated by mapsim";
  }
  if (rc != 0) {
    return spec_position(spec, {}) + "map: BPF_MAP_CREATE fails with " + result_text(rc) +
           " for type " + describe_map_type(spec.map.map_type) + ", key_size " +
           std::to_string(spec.map.key_size) + ", value_size " +
           std::to_string(spec.map.value_size) + ", max_entries " +
           std::to_string(spec.map.max_entries) + ", map_flags " +
           std::to_string(spec.map.map_flags);
  }
  const uint32_t type = spec.map.map_type;
  facts->keys = key_space_of(type);
  facts->per_cpu = type == bpf::kMapPercpuHash || type == bpf::kMapPercpuArray ||
                   type == bpf::kMapLruPercpuHash;
  // The first get_random_u32() of an execution (sim/execution.h) seeds the map's hash.
  sim::Random random(spec.map_seed);
  facts->hash_seed = (spec.map.map_flags & bpf::kFZeroSeed) != 0
                         ? 0
                         : static_cast<uint32_t>(random.next() >> 32);
  return "";
}

void add_slots(CompiledSpec* compiled, const std::vector<StepSpec>& steps,
               Observation::Origin origin, int cpu, int context) {
  if (context >= 0) compiled->context_first_slot.push_back(compiled->slots.size());
  for (size_t index = 0; index < steps.size(); ++index) {
    const StepSpec& step = steps[index];
    const size_t slot = compiled->slots.size();
    compiled->slots.push_back(StepSlot{origin, cpu, context, static_cast<int>(index), &step});
    compiled->slot_of[step.label] = slot;
    if (step_kind_is_walk(step.kind)) compiled->walk_slots.push_back(slot);
  }
}

void lay_out(CompiledSpec* compiled) {
  const ScenarioSpec& spec = compiled->spec;
  add_slots(compiled, spec.setup, Observation::Origin::kSetup, 0, -1);
  std::vector<const CpuProgramSpec*> programs;
  for (const CpuProgramSpec& program : spec.cpus) {
    if (!program.steps.empty()) programs.push_back(&program);
  }
  std::sort(programs.begin(), programs.end(),
            [](const CpuProgramSpec* a, const CpuProgramSpec* b) { return a->cpu < b->cpu; });
  int context = 0;
  for (const CpuProgramSpec* program : programs) {
    add_slots(compiled, program->steps, Observation::Origin::kCpu, program->cpu, context++);
  }
  for (const InterruptSpec& interrupt : spec.interrupts) {
    add_slots(compiled, interrupt.steps, Observation::Origin::kInterrupt, interrupt.cpu,
              context++);
  }
  std::set<Bytes> keys;
  for (const StepSlot& slot : compiled->slots) {
    const StepSpec& step = *slot.step;
    if (step.key && step.key->size() == compiled->map.info.key_size && !step.key->empty()) {
      keys.insert(*step.key);
    }
  }
  compiled->named_keys.assign(keys.begin(), keys.end());
  compiled->walk_key_limit = 2 * compiled->map.info.max_entries + 16;
}

}  // namespace

static_assert(size_t{ExploreSpec::kMinStackKib} << 10 == sim::StackPool::kMinimumStackBytes);
static_assert(size_t{ExploreSpec::kMaxStackKib} << 10 == sim::StackPool::kMaximumStackBytes);

sim::ExplorerOptions CompiledScenario::explorer_options() const {
  const ScenarioSpec& spec = compiled->spec;
  sim::ExplorerOptions options;
  options.max_executions = spec.explore.executions;
  options.execution.max_steps = spec.explore.max_steps;
  options.execution.max_allocation_failures = spec.faults.allocation_failures;
  options.execution.detect_races = spec.checks.races;
  if (spec.explore.stack_kib != 0) options.stack_bytes = size_t{spec.explore.stack_kib} << 10;
  return options;
}

sim::Result<CompiledScenario> compile_scenario(const ScenarioSpec& spec) {
  auto compiled = std::make_shared<CompiledSpec>();
  compiled->spec = spec;
  fill_defaults(&compiled->spec);
  if (std::string problem = validate_structure(compiled->spec); !problem.empty()) {
    return sim::Result<CompiledScenario>::failure(std::move(problem));
  }
  if (std::string problem = probe_map(compiled->spec, &compiled->map); !problem.empty()) {
    return sim::Result<CompiledScenario>::failure(std::move(problem));
  }
  if (std::string problem = validate_sizes(compiled->spec, compiled->map); !problem.empty()) {
    return sim::Result<CompiledScenario>::failure(std::move(problem));
  }
  lay_out(compiled.get());

  CompiledScenario result;
  result.compiled = compiled;
  result.log = std::make_shared<ExecutionLog>();
  result.scenario.name = spec.name.empty() ? "scenario" : spec.name;
  result.scenario.possible_cpus = spec.possible_cpus;
  result.scenario.seed = spec.map_seed;
  std::shared_ptr<const CompiledSpec> shared = compiled;
  std::shared_ptr<ExecutionLog> log = result.log;
  result.scenario.build = [shared, log](SimPlatform& platform) {
    return build_scenario_instance(platform, shared, *log);
  };
  return sim::Result<CompiledScenario>::success(std::move(result));
}

}  // namespace mapsim::scenario
