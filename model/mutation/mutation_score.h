// The mutation score: which planted bugs (impl/mutant.h) the bundled scenarios catch.
//
// A MutationSubject is one bundled scenario with the exploration it runs under (strategy and
// budget). For each mutant, run_mutant() explores the subjects in order with that mutant
// planted (ExecutionOptions::mutants) until one reports a failure of any kind (a check, an
// assertion inside the map code, a use after free, a deadlock, ...): the mutant is killed, and
// the report says by which subject, after how many executions and how much time, and how long
// the counterexample is. check_unmutated() runs every subject on the unmutated code: any
// failure there is a false alarm and makes the score meaningless.
//
// Everything is deterministic (seeded strategies), so two runs give the same kills, executions
// and counterexamples; only the times differ.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "impl/mutant.h"
#include "sim/execution.h"
#include "sim/scenario.h"

namespace mapsim::mutation {

enum class StrategyKind : uint8_t { kRandom, kPct, kBoundedDfs, kDpor };
const char* strategy_kind_name(StrategyKind kind);

struct MutationSubject {
  std::string name;         ///< as in reports (the scenario's name)
  std::string checks;       ///< the kernel behaviour the scenario checks, one line
  sim::Scenario scenario;
  StrategyKind strategy = StrategyKind::kDpor;
  uint64_t budget = 0;      ///< executions; 0: the strategy's default budget
  uint64_t seed = 1;        ///< random and PCT
  uint32_t operations = 0;  ///< setup + program + nested operations (counterexample size)
};

struct MutantKill {
  Mutant mutant{};
  bool killed = false;
  std::string subject;              ///< the subject that killed it
  sim::FailureKind kind = sim::FailureKind::kNone;
  std::string message;
  uint64_t executions = 0;          ///< in the killing subject, up to and including the failure
  uint64_t executions_total = 0;    ///< over every subject explored for this mutant
  double seconds = 0;               ///< wall time to the kill, over every subject explored
  uint32_t counterexample_steps = 0;       ///< scheduling steps of the failing schedule
  uint32_t counterexample_operations = 0;  ///< operations of the killing scenario
  std::string schedule;             ///< the failing schedule, compact form
};

struct SubjectRun {
  std::string subject;
  bool ok = true;
  std::string failure;       ///< kind and message of the first failure
  uint64_t executions = 0;
  bool exhausted = false;
  double seconds = 0;
};

// The bundled subjects: the C++ scenarios of model/mutation/mutation_subjects.cc.
std::vector<MutationSubject> bundled_mutation_subjects();

MutantKill run_mutant(Mutant mutant, const std::vector<MutationSubject>& subjects);
// Explores one subject with `mutants` planted (empty: the real code).
SubjectRun run_subject(const MutationSubject& subject, MutantSet mutants);
// One run per subject on the unmutated code.
std::vector<SubjectRun> check_unmutated(const std::vector<MutationSubject>& subjects);

}  // namespace mapsim::mutation
