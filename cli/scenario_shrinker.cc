#include "cli/scenario_shrinker.h"

#include <optional>

#include "cli/parallel_run.h"
#include "impl/assert.h"
#include "scenarios/mutation/counterexample_shrink.h"
#include "scenarios/scenario_yaml.h"

namespace mapsim::cli {
namespace {

using scenario::ScenarioSpec;

// The first failure exploring `spec` finds, if it is `target`.
std::optional<scenario::ScenarioFailure> first_failure(const ScenarioSpec& spec,
                                                       const FailureIdentity& target, int jobs) {
  ParallelRunOptions run;
  run.jobs = jobs;
  run.stop_on_failure = true;
  run.failures_kept = 1;
  const scenario::ScenarioResult result = run_scenario_parallel(spec, run);
  if (result.failures.empty() || result.failures.front().schedule.scenario.empty()) {
    return std::nullopt;
  }
  const scenario::ScenarioFailure& failure = result.failures.front();
  if (failure.kind != target.kind || failure_identity(spec, failure.schedule) != target) {
    return std::nullopt;
  }
  return failure;
}

// `spec` with its canary removed, explored to its budget: "" when it passes, else why not.
std::string real_code_failure(const ScenarioSpec& spec, int jobs) {
  ScenarioSpec real = spec;
  real.canary.clear();
  ParallelRunOptions run;
  run.jobs = jobs;
  run.stop_on_failure = true;
  run.failures_kept = 1;
  const scenario::ScenarioResult result = run_scenario_parallel(real, run);
  if (result.ok()) return "";
  std::string why = scenario::verdict_name(result.verdict);
  if (!result.failures.empty()) {
    const std::string& message = result.failures.front().message;
    why += ": " + message.substr(0, message.find('\n'));
  } else if (!result.error.empty()) {
    why += ": " + result.error;
  }
  return why;
}

}  // namespace

SpecSize size_of(const ScenarioSpec& spec) {
  SpecSize size;
  size.setup = spec.setup.size();
  size.programs = spec.cpus.size();
  size.interrupts = spec.interrupts.size();
  size.possible_cpus = spec.possible_cpus;
  size.expectations = spec.expectations.size();
  size.operations = spec.setup.size();
  for (const auto& program : spec.cpus) size.operations += program.steps.size();
  for (const auto& interrupt : spec.interrupts) size.operations += interrupt.steps.size();
  return size;
}

std::string size_text(const SpecSize& size) {
  return std::to_string(size.operations) + " operations (" + std::to_string(size.setup) +
         " in setup, " + std::to_string(size.programs) + " CPU programs, " +
         std::to_string(size.interrupts) + " interrupts), " +
         std::to_string(size.possible_cpus) + " CPUs, " + std::to_string(size.expectations) +
         " expectations";
}

SpecShrink shrink_scenario(const ScenarioSpec& spec, const FailureIdentity& target,
                           const SpecShrinkOptions& options) {
  SpecShrink shrink;
  shrink.spec = spec;
  scenario::fill_default_labels(&shrink.spec);
  std::optional<scenario::ScenarioFailure> found =
      first_failure(shrink.spec, target, options.jobs);
  shrink.explorations = 1;
  if (!found) return shrink;
  shrink.reproduced = true;
  if (!shrink.spec.canary.empty()) {
    ++shrink.explorations;
    shrink.real_code_failure = real_code_failure(shrink.spec, options.jobs);
    shrink.real_code_checked = shrink.real_code_failure.empty();
  }
  auto keeps = [&](const ScenarioSpec& candidate) {
    ++shrink.explorations;
    if (!first_failure(candidate, target, options.jobs)) return false;
    if (!shrink.real_code_checked) return true;
    ++shrink.explorations;
    return real_code_failure(candidate, options.jobs).empty();
  };
  mutation::ShrinkLimits limits;
  limits.max_checks = options.max_explorations;
  limits.deadline = options.deadline;
  limits.trim_cpus = true;
  shrink.spec = mutation::shrink_spec(shrink.spec, keeps, limits).spec;
  found = first_failure(shrink.spec, target, options.jobs);
  ++shrink.explorations;
  // The search kept only specs whose first failure is the target, and exploring is
  // deterministic: the last kept spec finds it again.
  MAPSIM_ASSERT(found.has_value(), "a kept scenario no longer fails the same way");
  shrink.failure = *found;
  return shrink;
}

}  // namespace mapsim::cli
