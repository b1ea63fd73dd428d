// Scenario: what the explorer runs, as a C++ API (scenario files and `mapsim run` are built on
// top of it later).
//
// A scenario is rebuilt for every execution, because every execution starts from the same
// initial state: Scenario::build() runs in setup mode (visible operations take effect at once,
// nothing is scheduled, the calling CPU is 0) and returns a ScenarioInstance:
// - per-CPU programs: lists of operations (callables) that CPU runs in order;
// - nested programs ("interrupts"): operations that run on a CPU at a scheduling point the
//   explorer chooses, like a tracing program firing in the middle of an update on that CPU;
// - checks: one after every step (invariants; must not perform visible operations that change
//   state), one after each complete execution (results, final state);
// - the state the callables capture, kept alive until the execution has been judged.
//
// Contexts: CPUs with a non-empty program become contexts 0, 1, ... in CPU order; nested programs
// follow in declaration order. Schedules name contexts by these numbers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mapsim {
class SimPlatform;
}

namespace mapsim::sim {

struct Operation {
  std::string name;               ///< shown in traces, e.g. "update key=1"
  std::function<int64_t()> run;   ///< runs on its CPU inside the simulation; returns its result
};

struct NestedProgram {
  int cpu = 0;                        ///< the CPU it interrupts
  std::vector<Operation> operations;  ///< run back to back once it fires
};

// What one execution's operations returned, for the end-of-execution check.
struct Outcome {
  struct ContextInfo {
    int cpu = 0;
    bool nested = false;
  };
  std::vector<ContextInfo> contexts;
  std::vector<std::vector<int64_t>> results;  ///< [context][operation index]

  // The results of CPU `cpu`'s program (empty when it has none).
  const std::vector<int64_t>& cpu_results(int cpu) const;
  // The results of nested program `index` (declaration order).
  const std::vector<int64_t>& nested_results(int index) const;
};

struct ScenarioInstance {
  std::vector<std::vector<Operation>> cpus;  ///< [cpu] program; may be shorter than the CPUs
  std::vector<NestedProgram> nested;
  // "" when fine; otherwise what is wrong. Runs after every step.
  std::function<std::string()> check_step;
  // "" when fine; otherwise what is wrong. Runs after an execution that completed.
  std::function<std::string(const Outcome&)> check_end;
  std::shared_ptr<void> state;
};

struct Scenario {
  std::string name;       ///< identifies the scenario in schedules
  int possible_cpus = 2;  ///< num_possible_cpus() of the simulated machine
  uint64_t seed = 0;      ///< seeds get_random_u32() (map hash seeds without ZERO_SEED)
  std::function<ScenarioInstance(SimPlatform&)> build;
};

// A hash of the scenario's shape (name, CPUs, operation names per context): schedules carry it,
// and a replay refuses a schedule recorded for a different shape.
uint64_t scenario_fingerprint(const Scenario& scenario, const ScenarioInstance& instance);

}  // namespace mapsim::sim
