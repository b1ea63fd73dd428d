// sim/sim_platform.h under the explorer: each primitive's scheduling, blocking and failure
// semantics, checked over every interleaving (exhaustive DFS) of tiny programs.
#include "sim/sim_platform.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <stdexcept>
#include <string>

#include "impl/assert.h"
#include "impl/uapi.h"
#include "sim/explorer.h"
#include "sim/strategy/bounded_dfs.h"

namespace mapsim::sim {
namespace {

using Build = std::function<ScenarioInstance(SimPlatform&)>;

Scenario make_scenario(const std::string& name, int cpus, Build build) {
  Scenario scenario;
  scenario.name = name;
  scenario.possible_cpus = cpus;
  scenario.build = std::move(build);
  return scenario;
}

Operation op(const std::string& name, std::function<int64_t()> run) {
  return Operation{name, std::move(run)};
}

// Every interleaving; records the outcomes it saw.
ExploreReport explore_all(const Scenario& scenario, ExplorerOptions options = {},
                          std::set<std::vector<int64_t>>* nested_results = nullptr) {
  options.stop_on_failure = false;
  if (nested_results != nullptr) {
    options.observer = [nested_results](const ExecutionRecord& record) {
      if (record.result->completed) nested_results->insert(record.outcome->nested_results(0));
    };
  }
  Explorer explorer(scenario, options);
  BoundedDfsOptions dfs_options;
  dfs_options.first_bound = BoundedDfsOptions::kUnbounded;
  BoundedDfsStrategy dfs(dfs_options);
  ExploreReport report = explorer.explore(dfs);
  EXPECT_TRUE(report.exhausted) << report.header;
  return report;
}

bool has_failure(const ExploreReport& report, FailureKind kind, const std::string& text = "") {
  for (const FailureReport& failure : report.failures) {
    if (failure.kind == kind && failure.message.find(text) != std::string::npos) return true;
  }
  return false;
}

struct Counter {
  SimPlatform::SpinLock lock;
  SimPlatform::Racy<int64_t> value;
};

Scenario counter_scenario(bool locked) {
  return make_scenario(locked ? "locked counter" : "racy counter", 2, [locked](SimPlatform&) {
    auto state = std::make_shared<Counter>();
    ScenarioInstance instance;
    instance.cpus.resize(2);
    for (int cpu = 0; cpu < 2; ++cpu) {
      instance.cpus[cpu].push_back(op("increment", [state, locked] {
        if (locked) state->lock.lock();
        state->value.store(state->value.load() + 1);
        if (locked) state->lock.unlock();
        return int64_t{0};
      }));
    }
    instance.check_end = [state](const Outcome&) -> std::string {
      return state->value.load() == 2 ? "" : "lost an increment";
    };
    instance.state = state;
    return instance;
  });
}

TEST(SimPlatformTest, SpinLockMakesIncrementsAtomicInEveryInterleaving) {
  const ExploreReport locked = explore_all(counter_scenario(true));
  EXPECT_EQ(locked.failing_executions, 0u);
  EXPECT_GT(locked.executions, 1u);
  const ExploreReport racy = explore_all(counter_scenario(false));
  EXPECT_TRUE(has_failure(racy, FailureKind::kCheck, "lost an increment"));
}

struct Bucket {
  SimPlatform::BucketLock lock;
  SimPlatform::Racy<int64_t> value;
};

// CPU `owner_cpu` takes the bucket lock; a nested program on CPU 0 takes it too.
Scenario nested_bucket_scenario(int owner_cpu) {
  return make_scenario("nested bucket", 2, [owner_cpu](SimPlatform&) {
    auto state = std::make_shared<Bucket>();
    ScenarioInstance instance;
    instance.cpus.resize(2);
    instance.cpus[owner_cpu].push_back(op("update", [state] {
      const int result = state->lock.lock();
      if (result == 0) {
        state->value.store(1);
        state->lock.unlock();
      }
      return int64_t{result};
    }));
    instance.nested.push_back(NestedProgram{0, {op("nested update", [state] {
      const int result = state->lock.lock();
      if (result == 0) state->lock.unlock();
      return int64_t{result};
    })}});
    instance.state = state;
    return instance;
  });
}

TEST(SimPlatformTest, NestedProgramOnTheHoldingCpuGetsEdeadlk) {
  std::set<std::vector<int64_t>> nested;
  const ExploreReport report = explore_all(nested_bucket_scenario(0), {}, &nested);
  EXPECT_EQ(report.failing_executions, 0u);
  const std::set<std::vector<int64_t>> expected{{0}, {bpf::kEDEADLK}};
  EXPECT_EQ(nested, expected);
}

TEST(SimPlatformTest, NestedProgramOnAnotherCpuWaitsInsteadOfFailing) {
  std::set<std::vector<int64_t>> nested;
  const ExploreReport report = explore_all(nested_bucket_scenario(1), {}, &nested);
  EXPECT_EQ(report.failing_executions, 0u);
  const std::set<std::vector<int64_t>> expected{{0}};
  EXPECT_EQ(nested, expected);
}

TEST(SimPlatformTest, NestedProgramRetakingARawSpinLockIsADeadlock) {
  const Scenario scenario = make_scenario("nested spin", 1, [](SimPlatform&) {
    auto state = std::make_shared<Counter>();
    ScenarioInstance instance;
    instance.cpus.resize(1);
    instance.cpus[0].push_back(op("locked", [state] {
      state->lock.lock();
      state->value.store(1);
      state->lock.unlock();
      return int64_t{0};
    }));
    instance.nested.push_back(NestedProgram{0, {op("nested", [state] {
      state->lock.lock();
      state->lock.unlock();
      return int64_t{0};
    })}});
    instance.state = state;
    return instance;
  });
  const ExploreReport report = explore_all(scenario);
  EXPECT_TRUE(has_failure(report, FailureKind::kDeadlock, "irq@cpu0 waits in spin_lock"));
  // Not every placement deadlocks: firing outside the critical section is fine.
  EXPECT_LT(report.failing_executions, report.executions);
  ExplorerOptions masked;
  masked.execution.nested_blocked_by_spin_locks = true;  // raw_spin_lock_irqsave
  EXPECT_EQ(explore_all(scenario, masked).failing_executions, 0u);
}

struct TwoLocks {
  SimPlatform::SpinLock first;
  SimPlatform::SpinLock second;
  SimPlatform::BucketLock bucket_a;
  SimPlatform::BucketLock bucket_b;
};

TEST(SimPlatformTest, OppositeLockOrderIsReportedAsDeadlockWithBothWaiters) {
  const Scenario scenario = make_scenario("abba", 2, [](SimPlatform&) {
    auto state = std::make_shared<TwoLocks>();
    ScenarioInstance instance;
    instance.cpus.resize(2);
    instance.cpus[0].push_back(op("first then second", [state] {
      SpinLockGuard<SimPlatform::SpinLock> a(state->first);
      SpinLockGuard<SimPlatform::SpinLock> b(state->second);
      return int64_t{0};
    }));
    instance.cpus[1].push_back(op("second then first", [state] {
      SpinLockGuard<SimPlatform::SpinLock> b(state->second);
      SpinLockGuard<SimPlatform::SpinLock> a(state->first);
      return int64_t{0};
    }));
    instance.state = state;
    return instance;
  });
  const ExploreReport report = explore_all(scenario);
  ASSERT_TRUE(has_failure(report, FailureKind::kDeadlock));
  const std::string& message = report.failures[0].message;
  EXPECT_NE(message.find("cpu0 waits in spin_lock"), std::string::npos) << message;
  EXPECT_NE(message.find("cpu1 waits in spin_lock"), std::string::npos) << message;
  EXPECT_FALSE(report.failures[0].schedule.choices.empty());
  // The report carries the trace that led there: both CPUs took their first lock.
  const std::string& trace = report.failures[0].trace;
  EXPECT_NE(trace.find("cpu0"), std::string::npos) << trace;
  EXPECT_NE(trace.find("cpu1"), std::string::npos) << trace;
  EXPECT_NE(trace.find("spin_lock"), std::string::npos) << trace;
}

TEST(SimPlatformTest, NestedBucketLockCycleAcrossCpusFailsWithEdeadlkNotDeadlock) {
  const Scenario scenario = make_scenario("nested abba", 2, [](SimPlatform&) {
    auto state = std::make_shared<TwoLocks>();
    ScenarioInstance instance;
    instance.cpus.resize(2);
    auto hold = [](SimPlatform::BucketLock* lock) {
      return op("hold", [lock] {
        const int result = lock->lock();
        if (result == 0) lock->unlock();
        return int64_t{result};
      });
    };
    instance.cpus[0].push_back(hold(&state->bucket_a));
    instance.cpus[1].push_back(hold(&state->bucket_b));
    instance.nested.push_back(NestedProgram{0, {hold(&state->bucket_b)}});
    instance.nested.push_back(NestedProgram{1, {hold(&state->bucket_a)}});
    instance.state = state;
    return instance;
  });
  std::set<std::vector<int64_t>> nested;
  const ExploreReport report = explore_all(scenario, {}, &nested);
  EXPECT_EQ(report.failing_executions, 0u);
  EXPECT_TRUE(nested.count({bpf::kEDEADLK}) == 1);
  EXPECT_TRUE(nested.count({0}) == 1);
}

TEST(SimPlatformTest, SpinningForeverIsReportedAsLivelock) {
  const Scenario scenario = make_scenario("spin", 1, [](SimPlatform&) {
    auto flag = std::make_shared<SimPlatform::Atomic<int>>(0);
    ScenarioInstance instance;
    instance.cpus.resize(1);
    instance.cpus[0].push_back(op("wait", [flag] {
      while (flag->load() == 0) {
      }
      return int64_t{0};
    }));
    instance.state = flag;
    return instance;
  });
  ExplorerOptions options;
  options.execution.max_steps = 500;
  const ExploreReport report = explore_all(scenario, options);
  EXPECT_TRUE(has_failure(report, FailureKind::kLivelock, "500 steps"));
}

TEST(SimPlatformTest, AllocationFailureIsAnExploredOutcome) {
  const Scenario scenario = make_scenario("allocate", 2, [](SimPlatform& platform) {
    ScenarioInstance instance;
    instance.cpus.resize(2);
    for (int cpu = 0; cpu < 2; ++cpu) {
      instance.cpus[cpu].push_back(op("allocate", [&platform] {
        void* block = platform.allocate(64);
        if (block == nullptr) return int64_t{bpf::kENOMEM};
        platform.release(block);
        return int64_t{0};
      }));
    }
    return instance;
  });
  std::set<std::vector<int64_t>> outcomes;
  ExplorerOptions options;
  options.observer = [&outcomes](const ExecutionRecord& record) {
    outcomes.insert({record.outcome->cpu_results(0)[0], record.outcome->cpu_results(1)[0]});
  };
  EXPECT_EQ(explore_all(scenario, options).failing_executions, 0u);
  EXPECT_EQ(outcomes, (std::set<std::vector<int64_t>>{{0, 0}}));
  outcomes.clear();
  options.execution.max_allocation_failures = 1;
  explore_all(scenario, options);
  const std::set<std::vector<int64_t>> one_failure{{0, 0}, {bpf::kENOMEM, 0}, {0, bpf::kENOMEM}};
  EXPECT_EQ(outcomes, one_failure);
}

// CPU 0 copies {1, 1} over a two-word block holding {0, 0}; CPU 1 copies the block out. Racy
// copies move a word per visible step, so the reader can see either half new and the other old,
// as a lookup racing an in-place update (the kernel's copy_map_value) can.
Scenario torn_copy_scenario() {
  return make_scenario("torn copy", 2, [](SimPlatform& platform) {
    auto* block = static_cast<uint64_t*>(platform.allocate(2 * sizeof(uint64_t)));
    block[0] = block[1] = 0;
    ScenarioInstance instance;
    instance.cpus.resize(2);
    instance.cpus[0].push_back(op("write", [block] {
      const uint64_t fresh[2] = {1, 1};
      SimPlatform::copy_racy(block, fresh, sizeof fresh);
      return int64_t{0};
    }));
    instance.cpus[1].push_back(op("read", [block] {
      uint64_t seen[2] = {7, 7};
      SimPlatform::copy_racy(seen, block, sizeof seen);
      return static_cast<int64_t>(seen[0] * 10 + seen[1]);  // 0, 1, 10 or 11
    }));
    return instance;
  });
}

TEST(SimPlatformTest, RacyCopiesMoveAWordPerStepSoReadsCanTear) {
  std::set<int64_t> reads;
  ExplorerOptions options;
  options.observer = [&reads](const ExecutionRecord& record) {
    if (record.result->completed) reads.insert(record.outcome->cpu_results(1).at(0));
  };
  const ExploreReport report = explore_all(torn_copy_scenario(), options);
  EXPECT_EQ(report.failing_executions, 0u);
  const std::set<int64_t> expected{0, 1, 10, 11};  // old, torn both ways, new
  EXPECT_EQ(reads, expected);
}

struct Published {
  SimPlatform::Atomic<uint64_t*> pointer{nullptr};
};

// CPU 0 publishes a block, then unpublishes and retires it; CPU 1 reads through the pointer,
// inside or outside an RCU read-side section.
Scenario rcu_scenario(bool reader_protected) {
  return make_scenario("rcu", 2, [reader_protected](SimPlatform& platform) {
    auto state = std::make_shared<Published>();
    auto* block = static_cast<uint64_t*>(platform.allocate(sizeof(uint64_t)));
    *block = 7;
    state->pointer.store(block);
    ScenarioInstance instance;
    instance.cpus.resize(2);
    instance.cpus[0].push_back(op("retire", [state, &platform] {
      uint64_t* old = state->pointer.exchange(nullptr);
      platform.release_after_grace_period(old);
      return int64_t{0};
    }));
    instance.cpus[1].push_back(op("read", [state, &platform, reader_protected] {
      if (reader_protected) platform.rcu_read_lock();
      uint64_t value = 0;
      if (uint64_t* current = state->pointer.load()) {
        SimPlatform::copy_racy(&value, current, sizeof value);
      }
      if (reader_protected) platform.rcu_read_unlock();
      return static_cast<int64_t>(value);
    }));
    instance.state = state;
    return instance;
  });
}

TEST(SimPlatformTest, ReaderOutsideRcuReadSectionTouchesReclaimedMemory) {
  EXPECT_EQ(explore_all(rcu_scenario(true)).failing_executions, 0u);
  const ExploreReport report = explore_all(rcu_scenario(false));
  EXPECT_TRUE(has_failure(report, FailureKind::kUseAfterFree, "after it was freed"));
}

struct PlainCell {
  SimPlatform::SpinLock lock;
  SimPlatform::Plain<int> value;
};

Scenario plain_scenario(bool locked) {
  return make_scenario("plain", 2, [locked](SimPlatform&) {
    auto state = std::make_shared<PlainCell>();
    ScenarioInstance instance;
    instance.cpus.resize(2);
    for (int cpu = 0; cpu < 2; ++cpu) {
      instance.cpus[cpu].push_back(op("write", [state, locked, cpu] {
        if (locked) state->lock.lock();
        state->value.write(state->value.read() + cpu + 1);
        if (locked) state->lock.unlock();
        return int64_t{0};
      }));
    }
    instance.state = state;
    return instance;
  });
}

TEST(SimPlatformTest, UnprotectedPlainAccessesAreADataRaceNamingBothAccesses) {
  EXPECT_EQ(explore_all(plain_scenario(true)).failing_executions, 0u);
  const ExploreReport report = explore_all(plain_scenario(false));
  ASSERT_TRUE(has_failure(report, FailureKind::kDataRace));
  const std::string& message = report.failures[0].message;
  EXPECT_NE(message.find("cpu0"), std::string::npos) << message;
  EXPECT_NE(message.find("cpu1"), std::string::npos) << message;
  EXPECT_NE(message.find("sim_platform_test.cc"), std::string::npos) << message;
  ExplorerOptions quiet;
  quiet.execution.detect_races = false;
  EXPECT_EQ(explore_all(plain_scenario(false), quiet).failing_executions, 0u);
}

Scenario single_operation(const std::string& name, std::function<int64_t()> run) {
  return make_scenario(name, 1, [name, run](SimPlatform&) {
    ScenarioInstance instance;
    instance.cpus.resize(1);
    instance.cpus[0].push_back(op(name, run));
    return instance;
  });
}

TEST(SimPlatformTest, AssertionInsideAContextFailsTheExecutionNotTheProcess) {
  const Scenario scenario = single_operation("assert", [] {
    SimPlatform::Atomic<int> value{1};
    MAPSIM_ASSERT(value.load() == 2, "the value is two");
    return int64_t{0};
  });
  EXPECT_TRUE(has_failure(explore_all(scenario), FailureKind::kAssertion, "the value is two"));
}

TEST(SimPlatformTest, ExceptionInsideAContextFailsTheExecution) {
  const Scenario scenario = single_operation("throw", []() -> int64_t {
    SimPlatform::Atomic<int> value{1};
    if (value.load() == 1) throw std::runtime_error("operation gave up");
    return 0;
  });
  EXPECT_TRUE(has_failure(explore_all(scenario), FailureKind::kException, "operation gave up"));
}

TEST(SimPlatformTest, MisusedLocksAreProgramErrors) {
  auto lock = std::make_shared<SimPlatform::SpinLock>();
  const Scenario unlock_free = single_operation("unlock", [lock] {
    lock->unlock();
    return int64_t{0};
  });
  EXPECT_TRUE(has_failure(explore_all(unlock_free), FailureKind::kProgramError,
                          "that it does not hold"));
  auto bucket = std::make_shared<SimPlatform::BucketLock>();
  const Scenario keep_locked = single_operation("keep", [bucket] {
    return int64_t{bucket->lock()};
  });
  EXPECT_TRUE(has_failure(explore_all(keep_locked), FailureKind::kProgramError,
                          "finished holding lock"));
}

TEST(SimPlatformTest, ScenarioWithAProgramBeyondTheCpusIsABadScenario) {
  const Scenario scenario = make_scenario("too many", 1, [](SimPlatform&) {
    ScenarioInstance instance;
    instance.cpus.resize(3);
    instance.cpus[2].push_back(op("nothing", [] { return int64_t{0}; }));
    return instance;
  });
  Explorer explorer(scenario);
  BoundedDfsStrategy dfs(BoundedDfsOptions{});
  const ExploreReport report = explorer.explore(dfs);
  EXPECT_NE(report.error.find("CPU 2 has a program but the machine has 1 CPUs"),
            std::string::npos)
      << report.error;
}

TEST(SimPlatformTest, CpuIsTheRunningContextsCpuAndZeroDuringSetup) {
  std::set<std::vector<int64_t>> seen;
  const Scenario scenario = make_scenario("cpu", 3, [](SimPlatform& platform) {
    EXPECT_EQ(platform.cpu(), 0);
    ScenarioInstance instance;
    instance.cpus.resize(3);
    instance.cpus[2].push_back(op("cpu", [&platform] { return int64_t{platform.cpu()}; }));
    instance.nested.push_back(
        NestedProgram{1, {op("cpu", [&platform] { return int64_t{platform.cpu()}; })}});
    return instance;
  });
  ExplorerOptions options;
  options.observer = [&seen](const ExecutionRecord& record) {
    seen.insert({record.outcome->cpu_results(2)[0], record.outcome->nested_results(0)[0]});
  };
  explore_all(scenario, options);
  EXPECT_EQ(seen, (std::set<std::vector<int64_t>>{{2, 1}}));
}

}  // namespace
}  // namespace mapsim::sim
