// The mutation score: which planted bugs (impl/mutant.h) the bundled scenario files catch.
//
// A subject is one scenario file, explored as the file says (strategy, budget, seed). For each
// mutant, run_mutant() runs the subjects in order with that mutant planted
// (RunOptions::mutants), stopping each at its first failing execution, until one does not pass:
// any verdict other than pass kills the mutant (a check's violation, an assertion in the map
// code, a use after free, an always/never expectation broken, an exists expectation no
// execution showed). The report says by which file, after how many executions and how much
// time, and how long the counterexample is. check_unmutated() runs every subject on the real
// code: anything but pass there is a false alarm, and makes the score meaningless.
//
// Everything but the times is deterministic (the files' strategies are seeded or systematic).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "impl/mutant.h"
#include "scenarios/scenario_spec.h"

namespace mapsim::mutation {

struct MutationSubject {
  std::string file;
  scenario::ScenarioSpec spec;
  uint32_t operations = 0;  ///< setup + CPU programs + interrupts: the scenario's size
};

// The folders of the bundled scenarios, relative to the repository: the documentation's
// examples and the suite (scenarios/examples, scenarios/suite), the same files CI runs.
std::vector<std::string> bundled_scenario_folders(const std::string& repository);

// Every scenario file (*.yaml) in `folders`, folder by folder, each in scenario_files_in()
// order. Files that do not parse are reported in *errors and left out.
std::vector<MutationSubject> load_subjects(const std::vector<std::string>& folders,
                                           std::vector<std::string>* errors);

struct MutantKill {
  Mutant mutant{};
  bool killed = false;
  size_t subject_index = 0;         ///< the subject that killed it
  std::string file;
  std::string scenario;             ///< its name
  std::string verdict;              ///< violation, failed_expectation, ...
  std::string failure;              ///< the first failure's kind and message, or the unmet
                                    ///< expectation
  uint64_t executions = 0;          ///< in the killing subject, up to its first failure
  uint64_t executions_total = 0;    ///< over every subject run for this mutant
  double seconds = 0;               ///< wall time to the kill over every subject run
  uint32_t counterexample_steps = 0;       ///< scheduling steps of the failing schedule (0
                                           ///< when an exists expectation failed: no witness)
  uint32_t counterexample_operations = 0;  ///< operations of the killing scenario
  std::string schedule;             ///< the failing schedule, compact form
};

struct SubjectRun {
  std::string file;
  std::string verdict;
  std::string failure;
  uint64_t executions = 0;
  bool exhausted = false;
  double seconds = 0;

  bool ok() const { return verdict == "pass"; }
};

MutantKill run_mutant(Mutant mutant, const std::vector<MutationSubject>& subjects);
// One subject with `mutants` planted (empty: the real code); stops at its first failure when
// `stop_on_failure`.
SubjectRun run_subject(const MutationSubject& subject, MutantSet mutants, bool stop_on_failure);
// Every subject on the real code, each to its full budget.
std::vector<SubjectRun> check_unmutated(const std::vector<MutationSubject>& subjects);

}  // namespace mapsim::mutation
