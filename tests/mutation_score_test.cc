// Mutation score (model/mutation/mutation_score.h, impl/mutant.h): every planted bug is caught
// by the bundled subjects, the unmutated code passes every subject (no false alarms), and a
// mutant planted in one explorer does not leak into another running at the same time.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "impl/mutant.h"
#include "impl/real_platform.h"
#include "model/mutation/mutation_score.h"
#include "sim/sim_platform.h"

namespace mapsim::mutation {
namespace {

static_assert(!kPlatformHasMutants<RealPlatform>, "production code has no mutants");
static_assert(kPlatformHasMutants<SimPlatform>, "the simulator can plant them");

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

TEST(MutationScoreTest, UnmutatedCodePassesEverySubject) {
  for (const SubjectRun& run : check_unmutated(bundled_mutation_subjects())) {
    EXPECT_TRUE(run.ok) << run.subject << ": " << run.failure;
    EXPECT_GE(run.executions, 1u) << run.subject;
  }
}

TEST(MutationScoreTest, EveryMutantIsKilledByTheBundledSubjects) {
  const std::vector<MutationSubject> subjects = bundled_mutation_subjects();
  int killed = 0;
  for (const MutantInfo& info : kMutantCatalogue) {
    const MutantKill kill = run_mutant(info.mutant, subjects);
    EXPECT_TRUE(kill.killed) << info.name << " survived every subject";
    if (!kill.killed) continue;
    ++killed;
    EXPECT_NE(kill.kind, sim::FailureKind::kReplayDiverged) << info.name;
    EXPECT_GT(kill.counterexample_steps, 0u) << info.name;
    std::printf("%-34s killed by %-36s after %4llu executions (%5llu in all), %4u steps, "
                "%2u ops: %s: %.100s\n",
                std::string(info.name).c_str(), kill.subject.c_str(),
                static_cast<unsigned long long>(kill.executions),
                static_cast<unsigned long long>(kill.executions_total), kill.counterexample_steps,
                kill.counterexample_operations, sim::failure_kind_name(kill.kind),
                kill.message.c_str());
  }
  std::printf("mutation score: %d of %d killed\n", killed, kMutantCount);
}

// Each explorer carries its own mutant set: a mutated and an unmutated exploration of the same
// subject, run at the same time on two threads, do not see each other's setting.
TEST(MutationScoreTest, MutantsArePerExplorerNotPerProcess) {
  const std::vector<MutationSubject> subjects = bundled_mutation_subjects();
  const MutationSubject* full_map = nullptr;
  for (const MutationSubject& subject : subjects) {
    if (subject.name == "hash-full-existing-key") full_map = &subject;
  }
  ASSERT_NE(full_map, nullptr);
  constexpr int kRounds = 200;
  int mutated_failures = 0;
  int unmutated_failures = 0;
  std::thread mutated([&] {
    for (int round = 0; round < kRounds; ++round) {
      if (!run_subject(*full_map, MutantSet(Mutant::kHashCapacityBeforeExistence)).ok) {
        ++mutated_failures;
      }
    }
  });
  std::thread unmutated([&] {
    for (int round = 0; round < kRounds; ++round) {
      if (!run_subject(*full_map, MutantSet()).ok) ++unmutated_failures;
    }
  });
  mutated.join();
  unmutated.join();
  EXPECT_EQ(mutated_failures, kRounds);
  EXPECT_EQ(unmutated_failures, 0);
}

}  // namespace
}  // namespace mapsim::mutation
