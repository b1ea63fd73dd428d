// Scenario files: the batch walk ops (batch_walk, batch_walk_and_delete; docs/scenario-format.md
// "Ops"): shorthand and long form read into StepSpec, every refused field reported with its
// file:line:column and path, walk atoms about batch walks, and the canonical form's round trip.
#include "scenarios/scenario_yaml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace mapsim::scenario {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kHashMap =
    "map: {type: hash, key_size: 4, value_size: 8, max_entries: 4, flags: BPF_F_ZERO_SEED}\n";

std::string hash_cpu0(const std::string& ops) {
  return std::string(kHashMap) + "cpu0: " + ops + "\n";
}

void expect_one_error(const std::string& text, const std::string& where, const std::string& path,
                      const std::string& what) {
  EXPECT_THAT(parse_scenario_yaml(text, "t.yaml").errors,
              ElementsAre(AllOf(StartsWith("t.yaml:" + where + ": " + path + ": "),
                                HasSubstr(what))))
      << text;
}

ScenarioSpec parsed(const std::string& text) {
  ScenarioParse result = parse_scenario_yaml(text, "t.yaml");
  EXPECT_TRUE(result.errors.empty()) << ::testing::PrintToString(result.errors);
  return result.spec;
}

TEST(ScenarioYamlBatchWalkTest, ShorthandAndLongFormReadTheBatchSize) {
  const ScenarioSpec spec = parsed(hash_cpu0(
      "[batch_walk 2 as scan, batch_walk, {op: batch_walk_and_delete, batch_size: 4294967295}]"));
  ASSERT_EQ(spec.cpus.size(), 1u);
  const std::vector<StepSpec>& steps = spec.cpus[0].steps;
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].kind, StepKind::kBatchWalk);
  EXPECT_EQ(steps[0].batch_size, 2u);
  EXPECT_EQ(steps[0].label, "scan");
  EXPECT_EQ(steps[0].via, Via::kSyscall);
  EXPECT_FALSE(steps[0].key.has_value());
  EXPECT_EQ(steps[1].kind, StepKind::kBatchWalk);
  EXPECT_EQ(steps[1].batch_size, 0u);  // the map's max_entries
  EXPECT_EQ(steps[1].label, "cpu0.1");
  EXPECT_EQ(steps[2].kind, StepKind::kBatchWalkAndDelete);
  EXPECT_EQ(steps[2].batch_size, 4294967295u);
}

TEST(ScenarioYamlBatchWalkTest, BadBatchSizesAreRefusedWhereWritten) {
  expect_one_error(hash_cpu0("[batch_walk 0]"), "2:19", "cpu0[0].batch_size",
                   "expected an integer");
  expect_one_error(hash_cpu0("[batch_walk 4294967296]"), "2:19", "cpu0[0].batch_size",
                   "4294967295");
  expect_one_error(hash_cpu0("[{op: batch_walk, batch_size: two}]"), "2:37",
                   "cpu0[0].batch_size", "expected an integer");
  expect_one_error(hash_cpu0("[{op: batch_walk_and_delete, batch_size: -1}]"), "2:48",
                   "cpu0[0].batch_size", "expected an integer");
  expect_one_error(hash_cpu0("[{op: walk, batch_size: 2}]"), "2:31", "cpu0[0].batch_size",
                   "walk takes no batch_size (only batch_walk and batch_walk_and_delete do)");
  expect_one_error(hash_cpu0("[batch_walk 2 3]"), "2:21", "cpu0[0]",
                   "unexpected '3'; expected batch_walk [BATCH_SIZE]");
}

TEST(ScenarioYamlBatchWalkTest, BatchWalksAreUserspaceOps) {
  expect_one_error(hash_cpu0("[batch_walk 2 via prog]"), "2:25", "cpu0[0].via",
                   "batch_walk runs only through the syscall");
  expect_one_error(hash_cpu0("[{op: batch_walk, key: 1}]"), "2:30", "cpu0[0].key",
                   "batch_walk takes no key");
  expect_one_error(std::string(kHashMap) + "cpu0: [update 1 2]\n"
                                           "interrupts:\n"
                                           "  - cpu: 0\n"
                                           "    ops: [batch_walk_and_delete]\n",
                   "5:11", "interrupts[0].ops[0].op",
                   "batch_walk_and_delete is a userspace op; an interrupt is a BPF program");
}

TEST(ScenarioYamlBatchWalkTest, WalkAtomsNameBatchWalks) {
  const ScenarioSpec spec = parsed(hash_cpu0("[batch_walk 1 as scan]") +
                                   "expectations:\n"
                                   "  - never: [{walk: scan, repeats: true}]\n"
                                   "  - exists: [{walk: scan, skips: false}]\n");
  ASSERT_EQ(spec.expectations.size(), 2u);
  EXPECT_EQ(spec.expectations[0].atoms.at(0).kind, AtomSpec::Kind::kWalkRepeats);
  EXPECT_EQ(spec.expectations[0].atoms.at(0).label, "scan");
  EXPECT_EQ(spec.expectations[1].atoms.at(0).kind, AtomSpec::Kind::kWalkSkips);
  expect_one_error(hash_cpu0("[update 1 2 as w]") +
                       "expectations:\n"
                       "  - never: [{walk: w, repeats: true}]\n",
                   "4:20", "expectations[0].never[0].walk",
                   "walk atoms are about walk, batch_walk and batch_walk_and_delete ops");
}

TEST(ScenarioYamlBatchWalkTest, CanonicalFormRoundTrips) {
  const std::string text =
      hash_cpu0("[batch_walk 3 as scan, batch_walk_and_delete, batch_walk]") +
      "cpu1: [delete 1]\n";
  const ScenarioSpec spec = parsed(text);
  const std::string emitted = emit_scenario_yaml(spec);
  EXPECT_THAT(emitted, HasSubstr("- batch_walk 3 as scan\n"));
  EXPECT_THAT(emitted, HasSubstr("- batch_walk_and_delete\n"));
  const ScenarioSpec again = parsed(emitted);
  EXPECT_TRUE(strip_positions(again) == strip_positions(spec)) << emitted;
  EXPECT_EQ(emit_scenario_yaml(again), emitted);
}

}  // namespace
}  // namespace mapsim::scenario
