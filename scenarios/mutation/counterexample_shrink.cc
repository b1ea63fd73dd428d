#include "scenarios/mutation/counterexample_shrink.h"

#include <algorithm>
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

ShrunkSpec shrink_spec(const ScenarioSpec& spec, const KeepsProperty& keeps,
                       const ShrinkLimits& limits) {
  ShrunkSpec shrunk;
  shrunk.spec = spec;
  auto out_of_budget = [&] {
    shrunk.out_of_budget = shrunk.out_of_budget || shrunk.checks >= limits.max_checks ||
                           std::chrono::steady_clock::now() >= limits.deadline;
    return shrunk.out_of_budget;
  };
  auto try_candidate = [&](const ScenarioSpec& candidate) {
    if (!scenario::validate_scenario(candidate).empty()) return false;
    ++shrunk.checks;
    return keeps(candidate);
  };
  for (bool deleted = true; deleted && !out_of_budget();) {
    deleted = false;
    for (const Deletion& deletion : deletions()) {
      // Index stays put after a success: the next item has moved into its place.
      for (size_t index = 0; index < places(shrunk.spec) && !out_of_budget();) {
        ScenarioSpec candidate = shrunk.spec;
        if (!deletion(&candidate, index)) {
          ++index;
          continue;
        }
        if (try_candidate(candidate)) {
          shrunk.spec = std::move(candidate);
          deleted = true;
        } else {
          ++index;
        }
      }
    }
  }
  if (limits.trim_cpus && !out_of_budget()) {
    int highest = 0;
    for (const scenario::CpuProgramSpec& program : shrunk.spec.cpus) {
      highest = std::max(highest, program.cpu);
    }
    for (const scenario::InterruptSpec& interrupt : shrunk.spec.interrupts) {
      highest = std::max(highest, interrupt.cpu);
    }
    if (shrunk.spec.possible_cpus > highest + 1) {
      ScenarioSpec candidate = shrunk.spec;
      candidate.possible_cpus = highest + 1;
      if (try_candidate(candidate)) shrunk.spec = std::move(candidate);
    }
  }
  return shrunk;
}

ShrunkCounterexample shrink_counterexample(const ScenarioSpec& spec, Mutant mutant) {
  ShrunkCounterexample shrunk;
  auto tells_apart = [&](const ScenarioSpec& candidate) {
    shrunk.explorations += 2;
    return !run(candidate, MutantSet(mutant)).ok() && run(candidate, MutantSet()).ok();
  };
  MAPSIM_ASSERT(scenario::validate_scenario(spec).empty() && tells_apart(spec),
                "REQUIRES: the scenario tells the mutant from the real code");
  shrunk.spec = shrink_spec(spec, tells_apart).spec;
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
