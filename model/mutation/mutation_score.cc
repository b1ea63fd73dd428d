#include "model/mutation/mutation_score.h"

#include <chrono>
#include <memory>

#include "impl/assert.h"
#include "sim/explorer.h"
#include "sim/strategy/bounded_dfs.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/pct.h"
#include "sim/strategy/random_walk.h"

namespace mapsim::mutation {
namespace {

std::unique_ptr<sim::Strategy> make_strategy(const MutationSubject& subject) {
  switch (subject.strategy) {
    case StrategyKind::kRandom: {
      sim::RandomWalkOptions options;
      options.seed = subject.seed;
      return std::make_unique<sim::RandomWalkStrategy>(options);
    }
    case StrategyKind::kPct: {
      sim::PctOptions options;
      options.seed = subject.seed;
      return std::make_unique<sim::PctStrategy>(options);
    }
    case StrategyKind::kBoundedDfs:
      return std::make_unique<sim::BoundedDfsStrategy>(sim::BoundedDfsOptions{});
    case StrategyKind::kDpor:
      return std::make_unique<sim::DporStrategy>(sim::DporOptions{});
  }
  MAPSIM_ASSERT(false, "every strategy kind is handled");
  return nullptr;
}

struct Exploration {
  sim::ExploreReport report;
  double seconds = 0;
};

Exploration explore(const MutationSubject& subject, MutantSet mutants) {
  sim::ExplorerOptions options;
  options.max_executions = subject.budget;
  options.failures_kept = 1;
  options.trace_tail = 0;
  options.execution.mutants = mutants;
  sim::Explorer explorer(subject.scenario, options);
  std::unique_ptr<sim::Strategy> strategy = make_strategy(subject);
  const auto start = std::chrono::steady_clock::now();
  Exploration exploration;
  exploration.report = explorer.explore(*strategy);
  exploration.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return exploration;
}

}  // namespace

const char* strategy_kind_name(StrategyKind kind) {
  switch (kind) {
    case StrategyKind::kRandom:
      return "random";
    case StrategyKind::kPct:
      return "pct";
    case StrategyKind::kBoundedDfs:
      return "bounded";
    case StrategyKind::kDpor:
      return "dpor";
  }
  return "?";
}

SubjectRun run_subject(const MutationSubject& subject, MutantSet mutants) {
  const Exploration exploration = explore(subject, mutants);
  const sim::ExploreReport& report = exploration.report;
  SubjectRun run;
  run.subject = subject.name;
  run.executions = report.executions;
  run.exhausted = report.exhausted;
  run.seconds = exploration.seconds;
  if (!report.error.empty()) {
    run.ok = false;
    run.failure = "bad scenario: " + report.error;
  } else if (!report.failures.empty()) {
    run.ok = false;
    run.failure = std::string(sim::failure_kind_name(report.failures[0].kind)) + ": " +
                  report.failures[0].message;
  }
  return run;
}

MutantKill run_mutant(Mutant mutant, const std::vector<MutationSubject>& subjects) {
  MutantKill kill;
  kill.mutant = mutant;
  for (const MutationSubject& subject : subjects) {
    const Exploration exploration = explore(subject, MutantSet(mutant));
    const sim::ExploreReport& report = exploration.report;
    MAPSIM_ASSERT(report.error.empty(), "a bundled subject is a valid scenario");
    kill.seconds += exploration.seconds;
    if (report.failures.empty()) {
      kill.executions_total += report.executions;
      continue;
    }
    const sim::FailureReport& failure = report.failures[0];
    kill.killed = true;
    kill.subject = subject.name;
    kill.kind = failure.kind;
    kill.message = failure.message;
    kill.executions = failure.execution + 1;
    kill.executions_total += kill.executions;
    kill.counterexample_steps = static_cast<uint32_t>(failure.schedule.choices.size());
    kill.counterexample_operations = subject.operations;
    kill.schedule = failure.schedule.to_compact();
    break;
  }
  return kill;
}

std::vector<SubjectRun> check_unmutated(const std::vector<MutationSubject>& subjects) {
  std::vector<SubjectRun> runs;
  for (const MutationSubject& subject : subjects) runs.push_back(run_subject(subject, {}));
  return runs;
}

}  // namespace mapsim::mutation
