// The map invariants (model/invariants/check_map.h) as the simulator's step check
// (sim/testing/map_step_check.h): no false positives over random and PCT executions of every
// hash-family configuration (both LRU list kinds, NO_PREALLOC, per-CPU values, nested programs,
// allocation failures), and a violation that arises in the middle of an execution fails that
// step with FailureKind::kStepCheck.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "impl/uapi.h"
#include "sim/explorer.h"
#include "sim/strategy/pct.h"
#include "sim/strategy/random_walk.h"
#include "sim/testing/map_scenarios.h"

namespace mapsim::sim {
namespace {

using testing::MapOperation;
using Kind = MapOperation::Kind;

std::string first_failure(const ExploreReport& report) {
  if (report.failures.empty()) return report.error;
  return report.failures[0].message + "\n" + report.failures[0].trace;
}

class InvariantScenarioTest : public ::testing::TestWithParam<testing::MapScenarioConfig> {};

TEST_P(InvariantScenarioTest, StepInvariantsHoldInRandomAndPctExecutions) {
  const testing::MapScenarioConfig& config = GetParam();
  ASSERT_TRUE(config.check_every_step);
  ExplorerOptions options;
  options.execution.max_allocation_failures = 2;
  Explorer explorer(testing::map_scenario(config), options);
  RandomWalkOptions random_options;
  random_options.seed = 41;
  random_options.budget = 150;
  random_options.allocation_failure_probability = 0.2;
  RandomWalkStrategy random(random_options);
  const ExploreReport random_report = explorer.explore(random);
  EXPECT_TRUE(random_report.ok()) << first_failure(random_report);
  EXPECT_EQ(random_report.executions, 150u);
  PctOptions pct_options;
  pct_options.seed = 43;
  pct_options.budget = 150;
  PctStrategy pct(pct_options);
  const ExploreReport pct_report = explorer.explore(pct);
  EXPECT_TRUE(pct_report.ok()) << first_failure(pct_report);
}

std::string scenario_name(const ::testing::TestParamInfo<testing::MapScenarioConfig>& info) {
  std::string name;
  for (char c : info.param.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(EveryHashFamilyConfiguration, InvariantScenarioTest,
                         ::testing::ValuesIn(testing::map_scenarios_for_invariants()),
                         scenario_name);

// A finding of the step check, kept as a test: on a preallocated HASH map, a program nested
// on a CPU that is inside a replacement (after it swapped its extra element, before it
// unlinked the old one) replaces another key and takes that CPU's extra element, which is the
// old element, still linked in its bucket: the nested update rewrites its key and hash in
// place. 6.18 has no per-CPU map_locked guard any more (fact sheet 3.11); only programs that
// can fire inside a bucket-locked section (NMI-context programs, tracing programs on the
// functions called there) reach this window.
TEST(InvariantStepCheckTest, NestedReplacementReusesAnExtraElementThatIsStillLinked) {
  testing::MapScenarioConfig config = testing::hash_two_cpus();
  config.name = "nested replacement";
  config.setup = {{Kind::kUpdate, 1}, {Kind::kUpdate, 2}};
  config.cpus = {{{Kind::kUpdate, 1}}};
  config.nested = {{0, {{Kind::kProgramUpdate, 2}}}};
  Explorer explorer(testing::map_scenario(config));
  RandomWalkOptions random_options;
  random_options.seed = 5;
  random_options.budget = 2000;
  RandomWalkStrategy random(random_options);
  const ExploreReport report = explorer.explore(random);
  ASSERT_FALSE(report.failures.empty()) << report.header;
  EXPECT_EQ(report.failures[0].kind, FailureKind::kStepCheck) << first_failure(report);
  EXPECT_NE(report.failures[0].message.find("stores hash"), std::string::npos)
      << first_failure(report);
  // The same scenario without the step check ends "fine": the corruption is only visible while
  // it lasts, which is what checking after every step is for.
}

}  // namespace
}  // namespace mapsim::sim
