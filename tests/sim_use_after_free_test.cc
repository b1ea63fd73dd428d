// Use after free under the simulator (sim/execution_free_report.cc): deferred frees wait for
// the RCU readers that could see the block, and touching freed memory is a violation reported
// with both trails of events: the access (context, step, operation, its last events) and the
// free (who released it, or retired it and when the grace period ended, with the freeing
// context's last events).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "sim/explorer.h"
#include "sim/sim_platform.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/random_walk.h"
#include "impl/mutant.h"
#include "impl/uapi.h"
#include "sim/testing/map_scenarios.h"

namespace mapsim::sim {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// NO_PREALLOC HASH holding key 1; CPU 0 looks it up (an RCU reader), CPU 1 deletes it.
Scenario lookup_against_delete() {
  using Kind = testing::MapOperation::Kind;
  testing::MapScenarioConfig config;
  config.name = "lookup against delete";
  config.possible_cpus = 2;
  config.attr.map_type = bpf::kMapHash;
  config.attr.key_size = 4;
  config.attr.value_size = 8;
  config.attr.max_entries = 2;
  config.attr.map_flags = bpf::kFZeroSeed | bpf::kFNoPrealloc;
  config.setup = {{Kind::kUpdate, 1}};
  config.cpus = {{{Kind::kLookup, 1}}, {{Kind::kDelete, 1}}};
  return testing::map_scenario(config);
}

// The mutant hash-free-without-grace-period (impl/mutant.h; SimPlatform only): a NO_PREALLOC
// element is freed at once instead of after the readers that may see it.
ExplorerOptions without_grace_period() {
  ExplorerOptions options;
  options.execution.mutants = MutantSet(Mutant::kHashFreeWithoutGracePeriod);
  return options;
}

TEST(UseAfterFreeTest, ElementFreedWithoutGracePeriodIsReportedWithBothTrails) {
  Explorer explorer(lookup_against_delete(), without_grace_period());
  DporStrategy dpor(DporOptions{});
  const ExploreReport report = explorer.explore(dpor);
  ASSERT_EQ(report.failures.size(), 1u) << report.header;
  const FailureReport& failure = report.failures[0];
  EXPECT_EQ(failure.kind, FailureKind::kUseAfterFree);
  const std::string& message = failure.message;
  // The access: the lookup on CPU 0, with its trail.
  EXPECT_TRUE(contains(message, "access: cpu0 at step ")) << message;
  EXPECT_TRUE(contains(message, "in \"lookup key=1\"")) << message;
  EXPECT_TRUE(contains(message, "cpu0's events up to the access:\n    step 0  cpu0  begin "
                                "lookup key=1\n    step 0  cpu0  rcu_read_lock")) << message;
  // The free: the delete on CPU 1, with its trail ending in the release.
  EXPECT_TRUE(contains(message, "free: released by cpu1 at step ")) << message;
  EXPECT_TRUE(contains(message, "in \"delete key=1\"")) << message;
  EXPECT_TRUE(contains(message, "cpu1's events up to the free:\n    step 0  cpu1  begin "
                                "delete key=1")) << message;
  EXPECT_TRUE(contains(message, "cpu1  release block#")) << message;
  // The schedule replays to the same failure.
  const ReplayReport replay = explorer.replay(failure.schedule);
  EXPECT_TRUE(replay.ok()) << replay.error << replay.divergence;
  EXPECT_EQ(replay.result.failure.kind, FailureKind::kUseAfterFree);
  EXPECT_EQ(replay.result.failure.message, message);
}

TEST(UseAfterFreeTest, RandomWalkFindsTheSameMutant) {
  Explorer explorer(lookup_against_delete(), without_grace_period());
  RandomWalkOptions options;
  options.seed = 3;
  RandomWalkStrategy random(options);
  const ExploreReport report = explorer.explore(random);
  ASSERT_FALSE(report.failures.empty());
  EXPECT_EQ(report.failures[0].kind, FailureKind::kUseAfterFree);
}

// With the real grace period (SimPlatform) no interleaving touches freed memory.
TEST(UseAfterFreeTest, RealGracePeriodPassesExhaustiveDpor) {
  Explorer explorer(lookup_against_delete());
  DporStrategy dpor(DporOptions{});
  const ExploreReport report = explorer.explore(dpor);
  EXPECT_TRUE(report.ok()) << report.failures.front().message;
  EXPECT_TRUE(report.exhausted);
}

// A writer that keeps using a block after retiring it: the report names the retire and the
// reader whose exit ended the grace period.
struct Cell {
  SimPlatform::Racy<uint64_t> value;
};

Scenario use_after_retire_scenario() {
  Scenario scenario;
  scenario.name = "use after retire";
  scenario.possible_cpus = 2;
  scenario.build = [](SimPlatform& platform) {
    auto cell = std::make_shared<Cell*>(new (platform.allocate(sizeof(Cell))) Cell());
    ScenarioInstance instance;
    instance.cpus.resize(2);
    instance.cpus[0].push_back(Operation{"reader", [&platform, cell] {
      platform.rcu_read_lock();
      const uint64_t seen = (*cell)->value.load();
      platform.rcu_read_unlock();
      return static_cast<int64_t>(seen);
    }});
    instance.cpus[1].push_back(Operation{"retire and reuse", [&platform, cell] {
      platform.release_after_grace_period(*cell);
      platform.rcu_read_lock();  // a step at which the reader may leave
      platform.rcu_read_unlock();
      (*cell)->value.store(1);  // THE BUG: the block may be reclaimed by now
      return int64_t{0};
    }});
    instance.state = cell;
    return instance;
  };
  return scenario;
}

TEST(UseAfterFreeTest, UseAfterRetireNamesTheRetireAndTheEndOfTheGracePeriod) {
  Explorer explorer(use_after_retire_scenario());
  DporStrategy dpor(DporOptions{});
  const ExploreReport report = explorer.explore(dpor);
  ASSERT_FALSE(report.failures.empty());
  const std::string& message = report.failures[0].message;
  EXPECT_EQ(report.failures[0].kind, FailureKind::kUseAfterFree);
  EXPECT_TRUE(contains(message, "cpu1 uses a SimPlatform object at offset 0 of block#"))
      << message;
  EXPECT_TRUE(contains(message, "free: retired (release_after_grace_period) by cpu1 at step "))
      << message;
  EXPECT_TRUE(contains(message, "in \"retire and reuse\"")) << message;
  EXPECT_TRUE(contains(message, "free_after_grace_period")) << message;
}

// A step check that reads freed memory is reported as such, not as a crash.
TEST(UseAfterFreeTest, CheckReadingFreedMemoryIsReported) {
  Scenario scenario;
  scenario.name = "check reads freed";
  scenario.possible_cpus = 1;
  scenario.build = [](SimPlatform& platform) {
    auto cell = std::make_shared<Cell*>(new (platform.allocate(sizeof(Cell))) Cell());
    ScenarioInstance instance;
    instance.cpus.resize(1);
    instance.cpus[0].push_back(Operation{"free", [&platform, cell] {
      platform.release(*cell);
      platform.rcu_read_lock();
      platform.rcu_read_unlock();
      return int64_t{0};
    }});
    instance.check_step = [cell] {
      (*cell)->value.load();
      return std::string();
    };
    instance.state = cell;
    return instance;
  };
  Explorer explorer(scenario);
  DporStrategy dpor(DporOptions{});
  const ExploreReport report = explorer.explore(dpor);
  ASSERT_FALSE(report.failures.empty());
  EXPECT_EQ(report.failures[0].kind, FailureKind::kStepCheck);
  EXPECT_TRUE(contains(report.failures[0].message, "the check reached freed memory"))
      << report.failures[0].message;
  EXPECT_TRUE(contains(report.failures[0].message, "free: released by cpu0"))
      << report.failures[0].message;
}

}  // namespace
}  // namespace mapsim::sim
