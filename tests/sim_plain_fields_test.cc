// The map code's plain shared fields (P::Plain: LRU list links, counters, cursor and owners,
// free-list links, extra-element slots, area caches, DEVMAP_HASH and LPM counters, LPM
// prefixes) under the simulator's race detector: accesses ordered by the map's locks (and
// release/acquire publication) are never reported, and an access that no lock orders is
// reported as a data race naming both accesses.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "sim/explorer.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/random_walk.h"
#include "sim/testing/canaries.h"
#include "sim/testing/map_scenarios.h"

namespace mapsim::sim {
namespace {

size_t occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

// The LRU code on locks that exclude nobody: both accesses of the race are in the LRU list
// code, on two CPUs.
TEST(PlainFieldsTest, UnlockedLruListAccessIsReportedWithBothAccesses) {
  Explorer explorer(testing::unlocked_lru_map_scenario());
  DporStrategy dpor(DporOptions{});
  const ExploreReport report = explorer.explore(dpor);
  ASSERT_EQ(report.failures.size(), 1u) << report.header;
  const std::string& message = report.failures[0].message;
  EXPECT_EQ(report.failures[0].kind, FailureKind::kDataRace) << message;
  EXPECT_EQ(message.rfind("data race on plain cell obj#", 0), 0u) << message;
  EXPECT_EQ(occurrences(message, "impl/internal/lru_"), 2u) << message;
  EXPECT_EQ(occurrences(message, " by cpu0 at step "), 1u) << message;
  EXPECT_EQ(occurrences(message, " by cpu1 at step "), 1u) << message;
  EXPECT_NE(message.find("are not ordered by happens-before"), std::string::npos) << message;
}

// The same scenario with real locks: every interleaving, no race.
TEST(PlainFieldsTest, LockedLruListAccessesAreNeverReported) {
  Explorer explorer(testing::unlocked_lru_map_scenario(/*fixed=*/true));
  ASSERT_TRUE(explorer.scenario().name.find("fixed") != std::string::npos);
  DporStrategy dpor(DporOptions{});
  const ExploreReport report = explorer.explore(dpor);
  EXPECT_TRUE(report.ok()) << report.failures.front().message;
  EXPECT_TRUE(report.exhausted);
}

// Every hash-family configuration, nested programs included, with race detection on (the
// default): the plain fields are always ordered.
TEST(PlainFieldsTest, HashFamilyScenariosHaveNoDataRaces) {
  for (const testing::MapScenarioConfig& config : testing::map_scenarios_for_invariants()) {
    ExplorerOptions options;
    ASSERT_TRUE(options.execution.detect_races);
    Explorer explorer(testing::map_scenario(config), options);
    RandomWalkOptions random_options;
    random_options.seed = 17;
    random_options.budget = 100;
    RandomWalkStrategy random(random_options);
    const ExploreReport report = explorer.explore(random);
    EXPECT_TRUE(report.ok()) << config.name << ": " << report.failures.front().message;
  }
}

// One CPU's program order: a nested program firing on a CPU whose program has finished comes
// after everything that program did; on another CPU it does not.
Scenario write_then_nested_read(int reader_cpu) {
  Scenario scenario;
  scenario.name = "write then nested read on cpu " + std::to_string(reader_cpu);
  scenario.possible_cpus = 2;
  scenario.build = [reader_cpu](SimPlatform&) {
    auto cell = std::make_shared<SimPlatform::Plain<int>>();
    ScenarioInstance instance;
    instance.cpus.resize(1);
    instance.cpus[0].push_back(Operation{"write", [cell] {
      cell->write(1);
      return int64_t{0};
    }});
    instance.nested.push_back(
        NestedProgram{reader_cpu, {Operation{"read", [cell] { return int64_t{cell->read()}; }}}});
    instance.state = cell;
    return instance;
  };
  return scenario;
}

TEST(PlainFieldsTest, NestedProgramAfterItsCpusProgramIsOrderedAfterIt) {
  Explorer same_cpu(write_then_nested_read(0));
  DporStrategy dpor(DporOptions{});
  const ExploreReport report = same_cpu.explore(dpor);
  EXPECT_TRUE(report.ok()) << report.failures.front().message;

  Explorer other_cpu(write_then_nested_read(1));
  DporStrategy dpor_other(DporOptions{});
  const ExploreReport other = other_cpu.explore(dpor_other);
  ASSERT_FALSE(other.failures.empty());
  EXPECT_EQ(other.failures[0].kind, FailureKind::kDataRace) << other.failures[0].message;
}

}  // namespace
}  // namespace mapsim::sim
