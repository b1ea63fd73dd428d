#include "scenarios/run/scenario_instance.h"

#include <optional>
#include <string>
#include <vector>

#include "impl/assert.h"
#include "impl/create_map.h"
#include "impl/net_devices.h"
#include "scenarios/run/execution_judge.h"
#include "scenarios/run/history_check.h"
#include "scenarios/run/map_invariants.h"
#include "scenarios/run/observation_trace.h"
#include "scenarios/run/step_runner.h"
#include "scenarios/run/step_text.h"
#include "scenarios/run/walk_check.h"
#include "sim/execution.h"

namespace mapsim {
extern template int create_map<SimPlatform>(SimPlatform&, const MapAttr&, std::unique_ptr<Map>*);
}  // namespace mapsim

namespace mapsim::scenario {
namespace {

NetDeviceTable device_table(const ScenarioSpec& spec) {
  return spec.devices.empty() ? NetDeviceTable() : NetDeviceTable(spec.devices);
}

// Everything one execution's operations and checks share. Members are destroyed in reverse
// order: the map before the device binding, the binding before its table.
class InstanceState {
 public:
  InstanceState(SimPlatform& platform, std::shared_ptr<const CompiledSpec> compiled,
                LoggedExecution& log)
      : compiled_(std::move(compiled)),
        log_(log),
        devices_(device_table(compiled_->spec)),
        binding_(devices_),
        presence_(*compiled_) {
    const int rc = create_map(platform, compiled_->spec.map, &map_);
    MAPSIM_ASSERT(rc == 0, "compile_scenario() created this map once already");
    runner_.emplace(platform, *map_, *compiled_);
    buffers_.reserve(compiled_->slots.size());
    for (const StepSlot& slot : compiled_->slots) buffers_.push_back(runner_->prepare(*slot.step));
  }

  const CompiledSpec& compiled() const { return *compiled_; }
  // Followed even with the walk check off: walk_skips atoms need it too.
  bool follows_walks() const { return presence_.active(); }
  bool checks_invariants() const { return compiled_->spec.checks.invariants; }

  int64_t run_slot(size_t slot) {
    const StepSlot& place = compiled_->slots[slot];
    StepBuffers* previous = place.index > 0 ? &buffers_[slot - 1] : nullptr;
    return runner_->run(*place.step, buffers_[slot], previous, log_.observations[slot]);
  }

  // After every visible step: the walks' key presence, then the map's invariants (a broken
  // one stops the execution as an "invariant" failure naming the step).
  std::string check_step() {
    if (presence_.active()) presence_.after_step(*map_, log_.observations);
    return checks_invariants() ? check_step_invariants(*map_) : "";
  }

  std::string check_end() {
    const CompiledSpec& compiled = *compiled_;
    sim::Execution* execution = sim::Execution::current();
    MAPSIM_ASSERT(execution != nullptr, "the end check runs inside its execution");
    annotate_from_trace(execution->trace(), compiled.context_first_slot, &log_.observations);
    ExecutionFlags flags;
    if (compiled.spec.checks.invariants) {
      flags.invariant_problem = check_quiescent_invariants(*map_);
    }
    for (size_t slot : compiled.walk_slots) {
      flags.walks.push_back(
          judge_walk(compiled, log_.observations[slot], presence_.present_throughout(slot)));
    }
    HistoryCheck history;
    if (compiled.spec.checks.linearizability) {
      history = check_history(compiled, log_.observations);
      flags.history = history.findings;
    }
    AtomEvaluator atoms(compiled, log_.observations, flags.walks, *map_);
    log_.judgement = judge_execution(compiled, flags, atoms);
    log_.judgement.linearizability_not_checkable = history.not_checkable;
    return violation_message(log_.judgement);
  }

 private:
  std::shared_ptr<const CompiledSpec> compiled_;
  LoggedExecution& log_;
  NetDeviceTable devices_;
  NetDevicesBinding binding_;
  std::unique_ptr<Map> map_;
  std::optional<StepRunner> runner_;
  std::vector<StepBuffers> buffers_;  // by slot; arena memory, reset with the arena
  WalkPresence presence_;
};

void reset_log(const CompiledSpec& compiled, LoggedExecution* log) {
  ++log->builds;
  log->judgement = ExecutionJudgement{};
  log->observations.resize(compiled.slots.size());
  for (size_t slot = 0; slot < compiled.slots.size(); ++slot) {
    const StepSlot& place = compiled.slots[slot];
    Observation& observation = log->observations[slot];
    observation = Observation{};
    observation.origin = place.origin;
    observation.cpu = place.cpu;
    observation.context = place.context;
    observation.index = place.index;
    observation.step = place.step;
  }
}

}  // namespace

sim::ScenarioInstance build_scenario_instance(SimPlatform& platform,
                                              const std::shared_ptr<const CompiledSpec>& compiled,
                                              ExecutionLog& log) {
  LoggedExecution& logged = log.this_thread();
  reset_log(*compiled, &logged);
  auto state = std::make_shared<InstanceState>(platform, compiled, logged);
  InstanceState* raw = state.get();  // the operations live in the instance that owns `state`
  sim::ScenarioInstance instance;
  for (size_t slot = 0; slot < compiled->slots.size(); ++slot) {
    const StepSlot& place = compiled->slots[slot];
    if (place.origin == Observation::Origin::kSetup) {
      raw->run_slot(slot);
      continue;
    }
    sim::Operation operation{operation_name(*place.step), [raw, slot] { return raw->run_slot(slot); }};
    if (place.origin == Observation::Origin::kCpu) {
      if (instance.cpus.size() <= static_cast<size_t>(place.cpu)) instance.cpus.resize(place.cpu + 1);
      instance.cpus[place.cpu].push_back(std::move(operation));
      continue;
    }
    if (place.index == 0) instance.nested.push_back(sim::NestedProgram{place.cpu, {}});
    instance.nested.back().operations.push_back(std::move(operation));
  }
  if (raw->follows_walks() || raw->checks_invariants()) {
    instance.check_step = [raw] { return raw->check_step(); };
  }
  instance.check_end = [raw](const sim::Outcome&) { return raw->check_end(); };
  instance.state = std::move(state);
  return instance;
}

}  // namespace mapsim::scenario
