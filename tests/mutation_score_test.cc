// Mutation score (scenarios/mutation/mutation_score.h, impl/mutant.h): every planted bug is
// caught by the bundled scenario files (scenarios/examples, scenarios/suite), the real code
// passes every one of them, and a mutant planted in one run does not leak into another running
// at the same time.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "impl/mutant.h"
#include "impl/real_platform.h"
#include "scenarios/mutation/counterexample_shrink.h"
#include "scenarios/mutation/mutation_score.h"
#include "sim/sim_platform.h"

namespace mapsim::mutation {
namespace {

static_assert(!kPlatformHasMutants<RealPlatform>, "production code has no mutants");
static_assert(kPlatformHasMutants<SimPlatform>, "the simulator can plant them");

std::vector<MutationSubject> bundled() {
  std::vector<std::string> errors;
  std::vector<MutationSubject> subjects =
      load_subjects(bundled_scenario_folders(MAPSIM_SOURCE_DIR), &errors);
  for (const std::string& error : errors) ADD_FAILURE() << error;
  return subjects;
}

TEST(MutationScoreTest, CatalogueNamesEveryMutantOnceWithItsRule) {
  std::set<std::string_view> names;
  for (const MutantInfo& info : kMutantCatalogue) {
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_FALSE(info.rule.empty()) << info.name;
    EXPECT_EQ(mutant_from_name(info.name), info.mutant);
  }
  EXPECT_GE(names.size(), 12u);
  EXPECT_EQ(mutant_from_name("no-such-mutant"), std::nullopt);
}

TEST(MutationScoreTest, RealCodePassesEveryBundledScenario) {
  const std::vector<MutationSubject> subjects = bundled();
  EXPECT_GE(subjects.size(), 14u);
  for (const SubjectRun& run : check_unmutated(subjects)) {
    EXPECT_TRUE(run.ok()) << run.file << ": " << run.verdict << ": " << run.failure;
    EXPECT_GE(run.executions, 1u) << run.file;
  }
}

// Every mutant is killed, and the killing scenario shrinks (scenarios/mutation/
// counterexample_shrink.h) to at most 30 operations that still fail with the mutant and pass on
// the real code.
TEST(MutationScoreTest, EveryMutantIsKilledWithASmallCounterexample) {
  constexpr uint32_t kOperationsMax = 30;
  const std::vector<MutationSubject> subjects = bundled();
  int killed = 0;
  for (const MutantInfo& info : kMutantCatalogue) {
    const MutantKill kill = run_mutant(info.mutant, subjects);
    EXPECT_TRUE(kill.killed) << info.name << " survived every bundled scenario";
    if (!kill.killed) continue;
    ++killed;
    EXPECT_NE(kill.verdict, "bad_scenario") << info.name << ": " << kill.failure;
    EXPECT_NE(kill.verdict, "internal_error") << info.name << ": " << kill.failure;
    const ShrunkCounterexample shrunk =
        shrink_counterexample(subjects[kill.subject_index].spec, info.mutant);
    EXPECT_LE(shrunk.operations, kOperationsMax) << info.name;
    EXPECT_LE(shrunk.operations, kill.counterexample_operations) << info.name;
    const MutationSubject smaller{"shrunk", shrunk.spec, shrunk.operations};
    EXPECT_FALSE(run_subject(smaller, MutantSet(info.mutant), true).ok()) << info.name;
    EXPECT_TRUE(run_subject(smaller, MutantSet(), false).ok()) << info.name;
    std::printf("%-32s killed by %-34s after %3llu executions (%5llu in all); %2u ops -> %2u "
                "ops, %3u steps: %.90s\n",
                std::string(info.name).c_str(), kill.scenario.c_str(),
                static_cast<unsigned long long>(kill.executions),
                static_cast<unsigned long long>(kill.executions_total),
                kill.counterexample_operations, shrunk.operations, shrunk.schedule_steps,
                shrunk.failure.c_str());
  }
  std::printf("mutation score: %d of %d killed\n", killed, kMutantCount);
}

// Each run carries its own mutant set: a mutated and an unmutated run of the same scenario, at
// the same time on two threads, do not see each other's setting.
TEST(MutationScoreTest, MutantsArePerRunNotPerProcess) {
  const std::vector<MutationSubject> subjects = bundled();
  const MutationSubject* full_map = nullptr;
  for (const MutationSubject& subject : subjects) {
    if (subject.spec.name == "hash-full-existing-key") full_map = &subject;
  }
  ASSERT_NE(full_map, nullptr);
  constexpr int kRounds = 100;
  int mutated_failures = 0;
  int unmutated_failures = 0;
  std::thread mutated([&] {
    for (int round = 0; round < kRounds; ++round) {
      const MutantSet mutants(Mutant::kHashCapacityBeforeExistence);
      if (!run_subject(*full_map, mutants, false).ok()) ++mutated_failures;
    }
  });
  std::thread unmutated([&] {
    for (int round = 0; round < kRounds; ++round) {
      if (!run_subject(*full_map, MutantSet(), false).ok()) ++unmutated_failures;
    }
  });
  mutated.join();
  unmutated.join();
  EXPECT_EQ(mutated_failures, kRounds);
  EXPECT_EQ(unmutated_failures, 0);
}

}  // namespace
}  // namespace mapsim::mutation
