// Canary scenarios (ScenarioSpec::canary): a planted mutant that the checks catch makes the
// scenario pass; one they miss makes it fail with "canary_missed"; an unknown mutant is a bad
// scenario, in the file (with its position) and in a spec built in C++.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/run/scenario_run.h"
#include "scenarios/scenario_yaml.h"

namespace mapsim::scenario {
namespace {

ScenarioSpec parse_ok(const std::string& text) {
  const ScenarioParse parsed = parse_scenario_yaml(text, "canary.yaml");
  EXPECT_TRUE(parsed.ok()) << (parsed.errors.empty() ? "" : parsed.errors.front());
  return parsed.spec;
}

constexpr const char* kHashScenario = R"(name: hash-canary
possible_cpus: 2
map: {type: hash, key_size: 4, value_size: 8, max_entries: 4, flags: BPF_F_ZERO_SEED}
cpu0: [update 1 1]
cpu1: [update 2 2]
)";

TEST(ScenarioCanaryTest, AMutantTheChecksCannotSeeIsReportedAsMissed) {
  // An LRU mutant planted under a HASH map changes nothing the checks could catch.
  ScenarioSpec spec = parse_ok(std::string(kHashScenario) + "canary: lru-cursor-not-moved\n");
  ASSERT_EQ(spec.canary, "lru-cursor-not-moved");
  const ScenarioResult result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kFailedExpectation);
  EXPECT_FALSE(result.canary_caught);
  ASSERT_FALSE(result.failures.empty());
  EXPECT_EQ(result.failures.front().kind, "canary_missed");
  EXPECT_NE(result.failures.front().message.find("lru-cursor-not-moved"), std::string::npos);
}

TEST(ScenarioCanaryTest, ACaughtMutantPassesAndKeepsItsEvidence) {
  const ScenarioParse parsed = load_scenario_file(
      std::string(MAPSIM_SOURCE_DIR) + "/scenarios/suite/canary_lru_steal_without_victim_lock.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.errors.front();
  const ScenarioResult result = run_scenario(parsed.spec);
  EXPECT_EQ(result.verdict, Verdict::kPass);
  EXPECT_TRUE(result.canary_caught);
  EXPECT_FALSE(result.failures.empty());
  // Without the canary the same scenario passes on its own: the catch is the mutant's doing.
  ScenarioSpec plain = parsed.spec;
  plain.canary.clear();
  EXPECT_EQ(run_scenario(plain).verdict, Verdict::kPass);
}

TEST(ScenarioCanaryTest, AnUnknownMutantIsAnErrorWithItsPosition) {
  const ScenarioParse parsed =
      parse_scenario_yaml(std::string(kHashScenario) + "canary: no-such-bug\n", "canary.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.errors.front().find("canary.yaml:6:9: canary: unknown mutant 'no-such-bug'"),
            std::string::npos)
      << parsed.errors.front();
  ScenarioSpec spec = parse_ok(kHashScenario);
  spec.canary = "no-such-bug";
  EXPECT_EQ(run_scenario(spec).verdict, Verdict::kBadScenario);
}

TEST(ScenarioCanaryTest, TheCanaryRoundTrips) {
  const ScenarioSpec spec =
      parse_ok(std::string(kHashScenario) + "canary: lru-steal-without-victim-lock\n");
  const ScenarioSpec again = parse_ok(emit_scenario_yaml(spec));
  EXPECT_EQ(again.canary, spec.canary);
}

}  // namespace
}  // namespace mapsim::scenario
