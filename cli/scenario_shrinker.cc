#include "cli/scenario_shrinker.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "cli/parallel_run.h"
#include "scenarios/scenario_yaml.h"

namespace mapsim::cli {
namespace {

using scenario::ScenarioSpec;

// Every one-deletion candidate of `spec`, in the order they are tried.
std::vector<ScenarioSpec> candidates_of(const ScenarioSpec& spec) {
  std::vector<ScenarioSpec> candidates;
  auto with = [&](auto change) {
    ScenarioSpec candidate = spec;
    change(candidate);
    candidates.push_back(std::move(candidate));
  };
  for (size_t i = 0; i < spec.expectations.size(); ++i) {
    with([i](ScenarioSpec& s) { s.expectations.erase(s.expectations.begin() + i); });
  }
  for (size_t i = 0; i < spec.cpus.size(); ++i) {
    with([i](ScenarioSpec& s) { s.cpus.erase(s.cpus.begin() + i); });
  }
  for (size_t i = 0; i < spec.interrupts.size(); ++i) {
    with([i](ScenarioSpec& s) { s.interrupts.erase(s.interrupts.begin() + i); });
  }
  for (size_t i = 0; i < spec.setup.size(); ++i) {
    with([i](ScenarioSpec& s) { s.setup.erase(s.setup.begin() + i); });
  }
  for (size_t p = 0; p < spec.cpus.size(); ++p) {
    for (size_t i = 0; spec.cpus[p].steps.size() > 1 && i < spec.cpus[p].steps.size(); ++i) {
      with([p, i](ScenarioSpec& s) { s.cpus[p].steps.erase(s.cpus[p].steps.begin() + i); });
    }
  }
  for (size_t p = 0; p < spec.interrupts.size(); ++p) {
    const auto& steps = spec.interrupts[p].steps;
    for (size_t i = 0; steps.size() > 1 && i < steps.size(); ++i) {
      with([p, i](ScenarioSpec& s) {
        s.interrupts[p].steps.erase(s.interrupts[p].steps.begin() + i);
      });
    }
  }
  int highest = 0;
  for (const auto& program : spec.cpus) highest = std::max(highest, program.cpu);
  for (const auto& interrupt : spec.interrupts) highest = std::max(highest, interrupt.cpu);
  if (spec.possible_cpus > highest + 1) {
    with([highest](ScenarioSpec& s) { s.possible_cpus = highest + 1; });
  }
  return candidates;
}

// The first failure of `target_kind` exploring `spec` finds, if it is the first failure.
std::optional<scenario::ScenarioFailure> reproduce(const ScenarioSpec& spec,
                                                   const std::string& target_kind, int jobs) {
  if (!scenario::validate_scenario(spec).empty()) return std::nullopt;
  ParallelRunOptions run;
  run.jobs = jobs;
  run.stop_on_failure = true;
  run.failures_kept = 1;
  const scenario::ScenarioResult result = run_scenario_parallel(spec, run);
  if (result.failures.empty() || result.failures.front().kind != target_kind) {
    return std::nullopt;
  }
  return result.failures.front();
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

SpecShrink shrink_scenario(const ScenarioSpec& spec, const std::string& target_kind,
                           const SpecShrinkOptions& options) {
  SpecShrink shrink;
  shrink.spec = spec;
  scenario::fill_default_labels(&shrink.spec);
  std::optional<scenario::ScenarioFailure> found =
      reproduce(shrink.spec, target_kind, options.jobs);
  shrink.explorations = 1;
  if (!found) return shrink;
  shrink.reproduced = true;
  shrink.failure = *found;
  auto out_of_budget = [&] {
    return shrink.explorations >= options.max_explorations ||
           std::chrono::steady_clock::now() >= options.deadline;
  };
  bool deleted = true;
  while (deleted && !out_of_budget()) {
    deleted = false;
    for (size_t k = 0;; ++k) {
      std::vector<ScenarioSpec> candidates = candidates_of(shrink.spec);
      if (k >= candidates.size() || out_of_budget()) break;
      ++shrink.explorations;
      std::optional<scenario::ScenarioFailure> still =
          reproduce(candidates[k], target_kind, options.jobs);
      if (!still) continue;
      shrink.spec = std::move(candidates[k]);
      shrink.failure = *still;
      deleted = true;
      --k;  // the candidate list shifted: position k holds the next element now
    }
  }
  return shrink;
}

}  // namespace mapsim::cli
