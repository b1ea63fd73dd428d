#include "scenarios/mutation/counterexample_shrink.h"

#include <functional>
#include <string>
#include <vector>

#include "impl/assert.h"
#include "scenarios/run/scenario_run.h"
#include "scenarios/scenario_yaml.h"

namespace mapsim::mutation {
namespace {

using scenario::ScenarioSpec;

// One way to make a spec smaller; false when there is nothing at `index` to delete.
using Deletion = std::function<bool(ScenarioSpec*, size_t index)>;

template <class Items>
bool erase_at(Items* items, size_t index) {
  if (index >= items->size()) return false;
  items->erase(items->begin() + static_cast<std::ptrdiff_t>(index));
  return true;
}

// Deletions in the order they are tried: whole parts first, then single steps.
std::vector<Deletion> deletions() {
  return {
      [](ScenarioSpec* spec, size_t index) { return erase_at(&spec->expectations, index); },
      [](ScenarioSpec* spec, size_t index) { return erase_at(&spec->interrupts, index); },
      [](ScenarioSpec* spec, size_t index) {
        return spec->cpus.size() > 1 && erase_at(&spec->cpus, index);
      },
      [](ScenarioSpec* spec, size_t index) { return erase_at(&spec->setup, index); },
      [](ScenarioSpec* spec, size_t index) {
        for (scenario::CpuProgramSpec& program : spec->cpus) {
          // A program keeps at least one step (an empty one is not a program).
          if (index < program.steps.size()) {
            return program.steps.size() > 1 && erase_at(&program.steps, index);
          }
          index -= program.steps.size();
        }
        return false;
      },
      [](ScenarioSpec* spec, size_t index) {
        for (scenario::InterruptSpec& interrupt : spec->interrupts) {
          if (index < interrupt.steps.size()) {
            return interrupt.steps.size() > 1 && erase_at(&interrupt.steps, index);
          }
          index -= interrupt.steps.size();
        }
        return false;
      },
  };
}

scenario::ScenarioResult run(const ScenarioSpec& spec, MutantSet mutants) {
  scenario::RunOptions options;
  options.mutants = mutants;
  options.stop_on_failure = !mutants.empty();
  options.failures_kept = 1;
  options.trace_tail = 0;
  return scenario::run_scenario(spec, options);
}

// The number of places `deletion` could apply to in `spec` (an upper bound is fine).
size_t places(const ScenarioSpec& spec) {
  size_t count = spec.expectations.size() + spec.interrupts.size() + spec.cpus.size() +
                 spec.setup.size();
  for (const scenario::CpuProgramSpec& program : spec.cpus) count += program.steps.size();
  for (const scenario::InterruptSpec& interrupt : spec.interrupts) {
    count += interrupt.steps.size();
  }
  return count;
}

}  // namespace

uint32_t count_operations(const ScenarioSpec& spec) {
  size_t count = spec.setup.size();
  for (const scenario::CpuProgramSpec& program : spec.cpus) count += program.steps.size();
  for (const scenario::InterruptSpec& interrupt : spec.interrupts) count += interrupt.steps.size();
  return static_cast<uint32_t>(count);
}

ShrunkCounterexample shrink_counterexample(const ScenarioSpec& spec, Mutant mutant) {
  ShrunkCounterexample shrunk;
  shrunk.spec = spec;
  auto tells_apart = [&](const ScenarioSpec& candidate) {
    if (!scenario::validate_scenario(candidate).empty()) return false;
    shrunk.explorations += 2;
    return !run(candidate, MutantSet(mutant)).ok() && run(candidate, MutantSet()).ok();
  };
  MAPSIM_ASSERT(tells_apart(spec), "REQUIRES: the scenario tells the mutant from the real code");
  for (bool deleted = true; deleted;) {
    deleted = false;
    for (const Deletion& deletion : deletions()) {
      // Index stays put after a success: the next item has moved into its place.
      for (size_t index = 0; index < places(shrunk.spec);) {
        ScenarioSpec candidate = shrunk.spec;
        if (!deletion(&candidate, index)) {
          ++index;
          continue;
        }
        if (tells_apart(candidate)) {
          shrunk.spec = std::move(candidate);
          deleted = true;
        } else {
          ++index;
        }
      }
    }
  }
  const scenario::ScenarioResult result = run(shrunk.spec, MutantSet(mutant));
  shrunk.operations = count_operations(shrunk.spec);
  if (!result.failures.empty()) {
    shrunk.schedule_steps = static_cast<uint32_t>(result.failures[0].schedule.choices.size());
    const std::string& message = result.failures[0].message;
    shrunk.failure = result.failures[0].kind + ": " + message.substr(0, message.find('\n'));
  } else {
    shrunk.failure = scenario::verdict_name(result.verdict);
    for (const scenario::ExpectationResult& expectation : result.expectations) {
      if (expectation.status != scenario::ExpectationResult::Status::kMet) {
        shrunk.failure += ": " + expectation.message;
        break;
      }
    }
  }
  return shrunk;
}

}  // namespace mapsim::mutation
