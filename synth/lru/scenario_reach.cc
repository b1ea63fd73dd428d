// explore_for_events() (synth/lru/scenario_reach.h): the spec as a sim::Scenario over the real
// maps on SimPlatform, explored by DPOR behind a strategy that stops at the first hit.
#include "synth/lru/scenario_reach.h"

#include <memory>
#include <utility>
#include <vector>

#include "impl/create_map.h"
#include "impl/uapi.h"
#include "sim/explorer.h"
#include "sim/sim_platform.h"
#include "sim/strategy/dpor.h"

namespace mapsim {
extern template int create_map<SimPlatform>(SimPlatform&, const MapAttr&, std::unique_ptr<Map>*);
}  // namespace mapsim

namespace mapsim::synth {
namespace {

using scenario::StepKind;
using scenario::StepSpec;

// Delegates to DPOR until the target has been seen.
class StopAtTarget final : public sim::Strategy {
 public:
  StopAtTarget(sim::Strategy& inner, const bool& reached) : inner_(inner), reached_(reached) {}
  const char* name() const override { return inner_.name(); }
  bool begin_execution() override { return !reached_ && inner_.begin_execution(); }
  int choose_context(const sim::Snapshot& snapshot) override {
    return inner_.choose_context(snapshot);
  }
  int choose_value(const sim::Snapshot& snapshot, const sim::ValueRequest& request) override {
    return inner_.choose_value(snapshot, request);
  }
  void on_step(const sim::Transition& transition) override { inner_.on_step(transition); }
  void end_execution(const sim::ExecutionSummary& summary) override {
    inner_.end_execution(summary);
  }
  bool last_execution_is_new() const override { return inner_.last_execution_is_new(); }
  bool exhausted() const override { return inner_.exhausted(); }
  uint64_t default_budget() const override { return inner_.default_budget(); }
  std::string abort_reason() const override { return inner_.abort_reason(); }
  bool abort_is_failure() const override { return inner_.abort_is_failure(); }
  uint64_t seed() const override { return inner_.seed(); }
  std::string describe() const override { return inner_.describe(); }

 private:
  sim::Strategy& inner_;
  const bool& reached_;
};

int64_t run_step(Map& map, const StepSpec& step) {
  const void* key = step.key ? step.key->data() : nullptr;
  const bool program = step.via == Via::kProgram;
  switch (step.kind) {
    case StepKind::kUpdate:
      return program ? map.prog_update(key, step.value.data(), step.flags)
                     : map.update_elem(key, step.value.data(), step.flags);
    case StepKind::kLookup: {
      if (program) return map.prog_lookup(key) != nullptr ? 0 : bpf::kENOENT;
      std::vector<unsigned char> value(map.syscall_value_size());
      return map.lookup_elem(key, value.data());
    }
    case StepKind::kDelete:
      return program ? map.prog_delete(key) : map.delete_elem(key);
    default:
      return bpf::kEINVAL;
  }
}

std::vector<sim::Operation> operations_of(const std::shared_ptr<std::unique_ptr<Map>>& map,
                                          const std::vector<StepSpec>& steps) {
  std::vector<sim::Operation> operations;
  for (const StepSpec& step : steps) {
    operations.push_back(sim::Operation{step.label.empty() ? "step" : step.label,
                                        [map, step] { return run_step(**map, step); }});
  }
  return operations;
}

std::string unsupported_step(const scenario::ScenarioSpec& spec) {
  auto check = [](const std::vector<StepSpec>& steps) -> std::string {
    for (const StepSpec& step : steps) {
      if (step.kind != StepKind::kUpdate && step.kind != StepKind::kLookup &&
          step.kind != StepKind::kDelete) {
        return "only update, lookup and delete steps are supported here";
      }
      if (!step.key) return "every step needs a key";
    }
    return "";
  };
  std::string problem = check(spec.setup);
  for (const auto& program : spec.cpus) {
    if (problem.empty()) problem = check(program.steps);
  }
  for (const auto& interrupt : spec.interrupts) {
    if (problem.empty()) problem = check(interrupt.steps);
  }
  return problem;
}

}  // namespace

ReachReport explore_for_events(const scenario::ScenarioSpec& spec, PathEvent target,
                               uint64_t max_executions) {
  ReachReport report;
  report.error = unsupported_step(spec);
  if (!report.error.empty()) return report;
  sim::Scenario scenario;
  scenario.name = spec.name.empty() ? "synthesised" : spec.name;
  scenario.possible_cpus = spec.possible_cpus;
  scenario.seed = spec.map_seed;
  scenario.build = [spec](SimPlatform& platform) {
    auto map = std::make_shared<std::unique_ptr<Map>>();
    const int error = create_map(platform, spec.map, map.get());
    MAPSIM_ASSERT(error == 0, "a synthesised scenario's map can be created");
    for (const StepSpec& step : spec.setup) run_step(**map, step);
    sim::ScenarioInstance instance;
    for (const auto& program : spec.cpus) {
      if (instance.cpus.size() <= static_cast<size_t>(program.cpu)) {
        instance.cpus.resize(static_cast<size_t>(program.cpu) + 1);
      }
      instance.cpus[static_cast<size_t>(program.cpu)] = operations_of(map, program.steps);
    }
    for (const auto& interrupt : spec.interrupts) {
      instance.nested.push_back(sim::NestedProgram{interrupt.cpu, operations_of(map, interrupt.steps)});
    }
    instance.state = map;
    return instance;
  };
  const uint16_t wanted = static_cast<uint16_t>(target);
  sim::ExplorerOptions options;
  options.max_executions = max_executions != 0 ? max_executions : spec.explore.executions;
  options.execution.max_steps = spec.explore.max_steps;
  options.observer = [&](const sim::ExecutionRecord& record) {
    ++report.executions;
    for (const sim::TraceRecord& trace : record.trace->records()) {
      if (trace.kind != sim::TraceKind::kPathEvent) continue;
      const auto event = static_cast<uint16_t>(trace.op.object);
      report.events.insert(event);
      if (event == wanted) report.reached = true;
    }
  };
  sim::Explorer explorer(std::move(scenario), options);
  auto dpor = sim::DporStrategy::make(sim::DporOptions{});
  MAPSIM_ASSERT(dpor.ok(), "default DPOR options are valid");
  StopAtTarget strategy(dpor.value(), report.reached);
  const sim::ExploreReport explored = explorer.explore(strategy);
  report.exhausted = explored.exhausted;
  if (!explored.error.empty()) {
    report.error = explored.error;
  } else if (!explored.failures.empty()) {
    report.error = "execution failed: " + explored.failures.front().message;
  }
  return report;
}

}  // namespace mapsim::synth
