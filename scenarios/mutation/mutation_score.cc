#include "scenarios/mutation/mutation_score.h"

#include "scenarios/mutation/counterexample_shrink.h"
#include "scenarios/run/scenario_run.h"
#include "scenarios/scenario_yaml.h"

namespace mapsim::mutation {
namespace {

scenario::ScenarioResult run(const MutationSubject& subject, MutantSet mutants,
                             bool stop_on_failure) {
  scenario::RunOptions options;
  options.mutants = mutants;
  options.stop_on_failure = stop_on_failure;
  options.failures_kept = 1;
  options.trace_tail = 0;
  return scenario::run_scenario(subject.spec, options);
}

// What made the run fail, in one line: its first failure, else its first unmet expectation.
std::string first_problem(const scenario::ScenarioResult& result) {
  if (!result.error.empty()) return result.error;
  if (!result.failures.empty()) {
    return result.failures[0].kind + ": " + result.failures[0].message;
  }
  for (const scenario::ExpectationResult& expectation : result.expectations) {
    if (expectation.status != scenario::ExpectationResult::Status::kMet) {
      return std::string("expectation ") + std::to_string(expectation.index) + ": " +
             expectation.message;
    }
  }
  return "";
}

}  // namespace

std::vector<std::string> bundled_scenario_folders(const std::string& repository) {
  return {repository + "/scenarios/examples", repository + "/scenarios/suite"};
}

std::vector<MutationSubject> load_subjects(const std::vector<std::string>& folders,
                                           std::vector<std::string>* errors) {
  std::vector<MutationSubject> subjects;
  for (const std::string& folder : folders) {
    for (const std::string& file : scenario::scenario_files_in(folder)) {
      scenario::ScenarioParse parsed = scenario::load_scenario_file(file);
      if (!parsed.ok()) {
        errors->insert(errors->end(), parsed.errors.begin(), parsed.errors.end());
        continue;
      }
      MutationSubject subject;
      subject.file = file;
      subject.operations = count_operations(parsed.spec);
      subject.spec = std::move(parsed.spec);
      subjects.push_back(std::move(subject));
    }
  }
  return subjects;
}

SubjectRun run_subject(const MutationSubject& subject, MutantSet mutants, bool stop_on_failure) {
  const scenario::ScenarioResult result = run(subject, mutants, stop_on_failure);
  SubjectRun subject_run;
  subject_run.file = subject.file;
  subject_run.verdict = scenario::verdict_name(result.verdict);
  subject_run.failure = result.ok() ? "" : first_problem(result);
  subject_run.executions = result.executions;
  subject_run.exhausted = result.exhausted;
  subject_run.seconds = result.elapsed_seconds;
  return subject_run;
}

MutantKill run_mutant(Mutant mutant, const std::vector<MutationSubject>& subjects) {
  MutantKill kill;
  kill.mutant = mutant;
  for (size_t index = 0; index < subjects.size(); ++index) {
    const MutationSubject& subject = subjects[index];
    const scenario::ScenarioResult result = run(subject, MutantSet(mutant), true);
    kill.seconds += result.elapsed_seconds;
    if (result.ok()) {
      kill.executions_total += result.executions;
      continue;
    }
    kill.killed = true;
    kill.subject_index = index;
    kill.file = subject.file;
    kill.scenario = subject.spec.name;
    kill.verdict = scenario::verdict_name(result.verdict);
    kill.failure = first_problem(result);
    kill.executions = result.failures.empty() ? result.executions
                                              : result.failures[0].execution + 1;
    kill.executions_total += kill.executions;
    kill.counterexample_operations = subject.operations;
    if (!result.failures.empty()) {
      const sim::Schedule& schedule = result.failures[0].schedule;
      kill.counterexample_steps = static_cast<uint32_t>(schedule.choices.size());
      kill.schedule = result.failures[0].schedule_compact;
    }
    break;
  }
  return kill;
}

std::vector<SubjectRun> check_unmutated(const std::vector<MutationSubject>& subjects) {
  std::vector<SubjectRun> runs;
  for (const MutationSubject& subject : subjects) {
    runs.push_back(run_subject(subject, MutantSet(), false));
  }
  return runs;
}

}  // namespace mapsim::mutation
