// The mutation score (scenarios/mutation/mutation_score.h) as a benchmark: one benchmark per
// mutant of impl/mutant.h, each iteration running the bundled scenario files (scenarios/examples,
// then scenarios/suite) with that mutant planted until one fails, so the reported time is the
// time to first detection. Counters:
//   killed              1 when a scenario caught the mutant
//   executions          executions of the killing scenario up to its first failure
//   executions_total    executions over every scenario run before and including it
//   steps               scheduling steps of the failing schedule (the counterexample)
//   operations          map operations of the killing scenario
// BM_Unmutated runs every scenario on the real code (its budget in full: what a CI run costs).
// After the benchmarks a markdown table (docs/mutation-score.md) is printed: each kill, and the
// killing scenario shrunk to a minimal counterexample (scenarios/mutation/counterexample_shrink.h)
// with how it fails. Run from the repository root; `--scenarios DIR` (first, repeatable)
// runs the files of other folders instead (scenarios/synth, say).
//
//   build/bench/mutation_score_bench --benchmark_min_time=0.05
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "impl/mutant.h"
#include "scenarios/mutation/counterexample_shrink.h"
#include "scenarios/mutation/mutation_score.h"

namespace mapsim::mutation {
namespace {

// The folders whose scenario files are run; --scenarios DIR (repeatable) replaces them.
std::vector<std::string>& scenario_folders() {
  static std::vector<std::string> folders = bundled_scenario_folders(".");
  return folders;
}

const std::vector<MutationSubject>& subjects() {
  static const std::vector<MutationSubject> bundled = [] {
    std::vector<std::string> errors;
    std::vector<MutationSubject> loaded = load_subjects(scenario_folders(), &errors);
    for (const std::string& error : errors) std::fprintf(stderr, "%s\n", error.c_str());
    return loaded;
  }();
  return bundled;
}

std::vector<MutantKill>& last_kills() {
  static std::vector<MutantKill> kills(kMutantCount);
  return kills;
}

std::vector<ShrunkCounterexample>& shrunk_counterexamples() {
  static std::vector<ShrunkCounterexample> shrunk(kMutantCount);
  return shrunk;
}

void BM_KillMutant(benchmark::State& state, Mutant mutant) {
  MutantKill kill;
  for (auto _ : state) {
    kill = run_mutant(mutant, subjects());
    benchmark::DoNotOptimize(kill.killed);
  }
  last_kills()[static_cast<size_t>(mutant)] = kill;
  if (kill.killed) {  // not timed: the shrinking is reported, not what a CI run pays
    shrunk_counterexamples()[static_cast<size_t>(mutant)] =
        shrink_counterexample(subjects()[kill.subject_index].spec, mutant);
  }
  state.counters["killed"] = kill.killed ? 1 : 0;
  state.counters["executions"] = static_cast<double>(kill.executions);
  state.counters["executions_total"] = static_cast<double>(kill.executions_total);
  state.counters["steps"] = kill.counterexample_steps;
  state.counters["operations"] = kill.counterexample_operations;
  if (!kill.killed) state.SetLabel("SURVIVED");
}

void BM_Unmutated(benchmark::State& state) {
  uint64_t executions = 0;
  bool ok = true;
  for (auto _ : state) {
    executions = 0;
    for (const SubjectRun& run : check_unmutated(subjects())) {
      executions += run.executions;
      ok = ok && run.ok();
    }
  }
  state.counters["executions"] = static_cast<double>(executions);
  state.counters["false_alarms"] = ok ? 0 : 1;
}

void print_table() {
  int killed = 0;
  std::printf("\n| mutant | killed by | strategy | executions (all) | steps | ops | time |"
              " shrunk: ops | steps | detected as |\n"
              "|---|---|---|---:|---:|---:|---:|---:|---:|---|\n");
  for (const MutantInfo& info : kMutantCatalogue) {
    const MutantKill& kill = last_kills()[static_cast<size_t>(info.mutant)];
    if (!kill.killed) {
      std::printf("| %s | SURVIVED | | %llu | | | |\n", std::string(info.name).c_str(),
                  static_cast<unsigned long long>(kill.executions_total));
      continue;
    }
    ++killed;
    std::string strategy;
    for (const MutationSubject& subject : subjects()) {
      if (subject.file == kill.file) strategy = subject.spec.explore.strategy;
    }
    const ShrunkCounterexample& shrunk =
        shrunk_counterexamples()[static_cast<size_t>(info.mutant)];
    std::printf("| %s | %s | %s | %llu (%llu) | %u | %u | %.1f ms | %u | %u | %s |\n",
                std::string(info.name).c_str(), kill.scenario.c_str(), strategy.c_str(),
                static_cast<unsigned long long>(kill.executions),
                static_cast<unsigned long long>(kill.executions_total), kill.counterexample_steps,
                kill.counterexample_operations, kill.seconds * 1000, shrunk.operations,
                shrunk.schedule_steps, shrunk.failure.c_str());
  }
  std::printf("\nmutation score: %d of %d mutants killed\n", killed, kMutantCount);
}

}  // namespace
}  // namespace mapsim::mutation

int main(int argc, char** argv) {
  using namespace mapsim;
  bool replaced = false;
  while (argc >= 3 && std::string(argv[1]) == "--scenarios") {
    if (!replaced) mutation::scenario_folders().clear();
    replaced = true;
    mutation::scenario_folders().push_back(argv[2]);
    argv[2] = argv[0];
    argc -= 2;
    argv += 2;
  }
  for (const MutantInfo& info : kMutantCatalogue) {
    benchmark::RegisterBenchmark(("BM_KillMutant/" + std::string(info.name)).c_str(),
                                 mutation::BM_KillMutant, info.mutant)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_Unmutated", mutation::BM_Unmutated)
      ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  mutation::print_table();
  return 0;
}
