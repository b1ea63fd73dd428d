// compile_scenario(): a ScenarioSpec becomes a sim::Scenario the Explorer runs.
//
//   Result<CompiledScenario> compiled = compile_scenario(spec);
//   if (!compiled.ok()) { report(compiled.error()); return kBadInput; }
//   sim::Explorer explorer(compiled.value().scenario, compiled.value().explorer_options());
//
// Compiling validates the whole spec first (scenario_validate.h) and creates the map once, so
// that a map the kernel would refuse (BPF_MAP_CREATE's errno) or a key of the wrong size is a
// bad-input error naming the field, before anything runs. Every execution then builds a fresh
// instance (scenario_instance.h): the map on the SimPlatform, the setup run in setup mode on
// CPU 0, every CPU's program and every interrupt as simulator operations named
// "<label> <kind> key=<hex> ..." (step_text.h), and the checks.
//
// Contexts follow sim/scenario.h: CPUs with a non-empty program in CPU order, then the
// interrupts in declaration order. What each execution observed and how it was judged is in
// `log` after the execution (execution_log.h), for observers and replays.
#pragma once

#include <memory>

#include "scenarios/run/compiled_spec.h"
#include "scenarios/run/execution_log.h"
#include "scenarios/scenario_spec.h"
#include "sim/explorer.h"
#include "sim/result.h"
#include "sim/scenario.h"

namespace mapsim::scenario {

struct CompiledScenario {
  std::shared_ptr<const CompiledSpec> compiled;
  std::shared_ptr<ExecutionLog> log;
  sim::Scenario scenario;

  // The spec's limits as explorer options: executions budget (0: the strategy's default),
  // max_steps, allocation failures per execution, race detection (checks.races).
  sim::ExplorerOptions explorer_options() const;
};

// An error (bad input) names the file, line and field when the spec came from a file.
sim::Result<CompiledScenario> compile_scenario(const ScenarioSpec& spec);

}  // namespace mapsim::scenario
