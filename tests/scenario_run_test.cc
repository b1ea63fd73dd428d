// run_scenario() / replay_scenario(): exploration, checks, expectations and their verdicts on
// small scenarios whose interleavings DPOR covers exhaustively.
#include "scenarios/run/scenario_run.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "scenarios/run/scenario_compile.h"
#include "sim/explorer.h"
#include "sim/strategy/dpor.h"
#include "tests/support/spec_builder.h"

namespace mapsim::scenario {
namespace {

using namespace mapsim::bpf;
using testing::expectation;
using testing::key32;
using testing::make_step;
using testing::program;
using testing::result_atom;
using testing::spec_for;
using testing::value64;
using Kind = ExpectationSpec::Kind;

AtomSpec walk_repeats(const std::string& label) {
  AtomSpec atom;
  atom.kind = AtomSpec::Kind::kWalkRepeats;
  atom.label = label;
  return atom;
}

AtomSpec final_value(uint32_t key, uint64_t value) {
  AtomSpec atom;
  atom.kind = AtomSpec::Kind::kFinalValue;
  atom.key = key32(key);
  atom.value = value64(value);
  return atom;
}

// The order a walk visits keys 1, 2, 3 of a ZERO_SEED hash map (bucket order), from one
// execution of a lone walk.
std::vector<Bytes> sequential_walk_order() {
  ScenarioSpec spec = spec_for(kMapHash, 8, kFZeroSeed);
  spec.setup = {testing::update(1, 1), testing::update(2, 2), testing::update(3, 3)};
  spec.cpus = {program(0, {testing::walk()})};
  sim::Result<CompiledScenario> compiled = compile_scenario(spec);
  EXPECT_TRUE(compiled.ok()) << compiled.error();
  sim::ExplorerOptions options;
  options.max_executions = 1;
  sim::Explorer explorer(compiled.value().scenario, options);
  sim::DporStrategy dpor(sim::DporOptions{});
  explorer.explore(dpor);
  return compiled.value().log->this_thread().observations.at(3).walk_keys;
}

// A walk of keys 1, 2, 3 while CPU 1 deletes the key the walk visits last.
ScenarioSpec walk_under_delete() {
  const std::vector<Bytes> order = sequential_walk_order();
  EXPECT_EQ(order.size(), 3u);
  ScenarioSpec spec = spec_for(kMapHash, 8, kFZeroSeed);
  spec.setup = {testing::update(1, 1), testing::update(2, 2), testing::update(3, 3)};
  StepSpec remove_last = make_step(StepKind::kDelete);
  remove_last.key = order.back();
  spec.cpus = {program(0, {testing::walk()}), program(1, {remove_last})};
  return spec;
}

TEST(ScenarioRunTest, WalkUnderConcurrentDeleteRestartsAndIsFlagged) {
  const ScenarioResult result = run_scenario(walk_under_delete());
  EXPECT_EQ(result.verdict, Verdict::kViolation) << result.error;
  EXPECT_TRUE(result.exhausted);
  ASSERT_FALSE(result.failures.empty());
  const ScenarioFailure& failure = result.failures.front();
  EXPECT_EQ(failure.kind, "walk_repeat");
  EXPECT_EQ(failure.labels, std::vector<std::string>{"cpu0.0"});
  EXPECT_NE(failure.message.find("walk cpu0.0 returned keys more than once"), std::string::npos)
      << failure.message;
  EXPECT_FALSE(failure.schedule_compact.empty());
  EXPECT_FALSE(failure.trace_tail.empty());

  // The failing schedule replays to the same finding.
  const ReplayResult replay = replay_scenario(walk_under_delete(), failure.schedule);
  EXPECT_TRUE(replay.ok()) << replay.error << replay.divergence;
  EXPECT_EQ(replay.failure_kind, "walk_repeat");
  ASSERT_EQ(replay.observations.size(), 5u);
  const std::vector<Bytes>& keys = replay.observations[3].walk_keys;
  EXPECT_GT(keys.size(), 3u);  // restarted from the first key
  EXPECT_EQ(keys.front(), sequential_walk_order().front());
  EXPECT_NE(replay.trace.find("cpu0.0 walk"), std::string::npos);
}

TEST(ScenarioRunTest, DeclaredRestartIsExpectedNotAViolation) {
  ScenarioSpec spec = walk_under_delete();
  spec.expectations = {
      expectation(Kind::kExpected, {walk_repeats("cpu0.0")}, "get_next_key restarts")};
  const ScenarioResult result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kPass) << result.error;
  EXPECT_TRUE(result.failures.empty());
  EXPECT_GT(result.expected_executions, 0u);
  EXPECT_LT(result.expected_executions, result.executions);  // not every order restarts
  ASSERT_EQ(result.expectations.size(), 1u);
  EXPECT_EQ(result.expectations[0].excused_executions, result.expected_executions);
  ASSERT_TRUE(result.expectations[0].witness.has_value());
  const ReplayResult witness = replay_scenario(spec, *result.expectations[0].witness);
  EXPECT_TRUE(witness.ok());
  EXPECT_EQ(witness.judgement.excused.size(), 1u);
}

// CPU 0 and CPU 1 insert the same key with BPF_NOEXIST.
ScenarioSpec racing_inserts() {
  ScenarioSpec spec = spec_for(kMapHash, 4, kFZeroSeed);
  spec.cpus = {program(0, {testing::update(1, 10, kNoExist)}),
               program(1, {testing::update(1, 11, kNoExist)})};
  return spec;
}

TEST(ScenarioRunTest, ExistsMetAndUnmet) {
  ScenarioSpec spec = racing_inserts();
  spec.expectations = {expectation(Kind::kExists, {result_atom("cpu1.0", kEEXIST)}),
                       expectation(Kind::kExists, {result_atom("cpu0.0", kEEXIST)}),
                       expectation(Kind::kExists, {result_atom("cpu0.0", kENOENT)}, "never")};
  const ScenarioResult result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kFailedExpectation);
  ASSERT_EQ(result.expectations.size(), 3u);
  EXPECT_EQ(result.expectations[0].status, ExpectationResult::Status::kMet);
  EXPECT_EQ(result.expectations[1].status, ExpectationResult::Status::kMet);
  EXPECT_EQ(result.expectations[2].status, ExpectationResult::Status::kUnmet);
  EXPECT_FALSE(result.expectations[2].witness.has_value());
  EXPECT_GT(result.expectations[0].satisfied_executions, 0u);
  // The witness of "cpu1.0 got EEXIST" replays to exactly that.
  const ReplayResult replay = replay_scenario(spec, *result.expectations[0].witness);
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay.observations[1].rc, kEEXIST);

  spec.expectations.pop_back();
  EXPECT_EQ(run_scenario(spec).verdict, Verdict::kPass);
}

TEST(ScenarioRunTest, AlwaysAndNever) {
  ScenarioSpec spec = racing_inserts();
  AtomSpec one_key;
  one_key.kind = AtomSpec::Kind::kFinalCount;
  one_key.count = 1;
  spec.expectations = {
      expectation(Kind::kAlways, {one_key}, "one key"),
      expectation(Kind::kNever, {result_atom("cpu0.0", kEEXIST), result_atom("cpu1.0", kEEXIST)},
                  "both fail")};
  EXPECT_EQ(run_scenario(spec).verdict, Verdict::kPass);

  spec.expectations = {expectation(Kind::kAlways, {result_atom("cpu0.0", 0)}, "cpu0 wins")};
  ScenarioResult result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kFailedExpectation);
  ASSERT_FALSE(result.failures.empty());
  EXPECT_EQ(result.failures[0].kind, "always");
  EXPECT_EQ(result.failures[0].labels, std::vector<std::string>{"cpu0.0"});
  EXPECT_EQ(result.expectations[0].status, ExpectationResult::Status::kUnmet);

  spec.expectations = {expectation(Kind::kNever, {one_key}, "one key")};
  result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kFailedExpectation);
  ASSERT_FALSE(result.failures.empty());
  EXPECT_EQ(result.failures[0].kind, "never");
}

// CPU 0's program keeps the pointer to key 1's value, then adds 1 through it; meanwhile CPU 1
// deletes key 1 and inserts key 2.
ScenarioSpec pointer_race(uint32_t flags) {
  ScenarioSpec spec = spec_for(kMapHash, 2, kFZeroSeed | flags);
  spec.setup = {testing::update(1, 100)};
  spec.cpus = {program(0, {make_step(StepKind::kLookupKeepPointer, 1),
                           make_step(StepKind::kAddThroughPointer, {}, 1)}),
               program(1, {testing::remove(1), testing::update(2, 200, kNoExist)})};
  return spec;
}

AtomSpec value_read(const std::string& label, uint64_t value) {
  AtomSpec atom;
  atom.kind = AtomSpec::Kind::kValue;
  atom.label = label;
  atom.value = value64(value);
  return atom;
}

TEST(ScenarioRunTest, KeptPointerHitsTheReusedPreallocatedElement) {
  ScenarioSpec spec = pointer_race(0);
  spec.expectations = {expectation(Kind::kExists, {final_value(2, 201)}, "add lands on key 2"),
                       expectation(Kind::kExists, {final_value(2, 200)}, "add lands elsewhere")};
  // Without declaring it, the reuse is a linearizability violation: no order of the ops
  // explains an add to key 1 that changed key 2.
  ScenarioResult prealloc = run_scenario(spec);
  EXPECT_EQ(prealloc.verdict, Verdict::kViolation);
  ASSERT_FALSE(prealloc.failures.empty());
  EXPECT_EQ(prealloc.failures[0].kind, "linearizability");
  EXPECT_NE(prealloc.failures[0].message.find("NOT linearizable"), std::string::npos);
  EXPECT_FALSE(prealloc.failures[0].labels.empty());

  spec.expectations.push_back(
      expectation(Kind::kExpected, {final_value(2, 201)}, "the add reached key 2's element"));
  spec.expectations.push_back(
      expectation(Kind::kExpected, {value_read("cpu0.0", 200)}, "the lookup read key 2's value"));
  prealloc = run_scenario(spec);
  EXPECT_EQ(prealloc.verdict, Verdict::kPass)
      << (prealloc.failures.empty() ? "" : prealloc.failures[0].message);
  EXPECT_TRUE(prealloc.exhausted);
  EXPECT_GT(prealloc.expected_executions, 0u);

  // Without preallocation the deleted element waits for the program's RCU read section: the
  // new key gets fresh memory and the add never reaches it; every execution is linearizable.
  spec = pointer_race(kFNoPrealloc);
  spec.expectations = {expectation(Kind::kNever, {final_value(2, 201)}, "add lands on key 2")};
  const ScenarioResult fresh = run_scenario(spec);
  EXPECT_EQ(fresh.verdict, Verdict::kPass)
      << (fresh.failures.empty() ? "" : fresh.failures[0].message);
  EXPECT_TRUE(fresh.exhausted);
}

TEST(ScenarioRunTest, AMutantFreeingWithoutGracePeriodIsCaughtAndReplays) {
  const ScenarioSpec spec = pointer_race(kFNoPrealloc);
  RunOptions options;
  options.mutants = MutantSet(Mutant::kHashFreeWithoutGracePeriod);
  const ScenarioResult result = run_scenario(spec, options);
  EXPECT_EQ(result.verdict, Verdict::kViolation);
  ASSERT_FALSE(result.failures.empty());
  EXPECT_EQ(result.failures[0].kind, "use_after_free");
  EXPECT_EQ(result.failures[0].labels, std::vector<std::string>{"cpu0.1"});
  const ReplayResult replay =
      replay_scenario(spec, result.failures[0].schedule, options.mutants);
  EXPECT_TRUE(replay.ok()) << replay.error << replay.divergence;
  EXPECT_EQ(replay.failure_kind, "use_after_free");
  EXPECT_FALSE(replay.judgement.judged);  // it never reached the end check
}

TEST(ScenarioRunTest, AllocationFailureGivesEnomemWithoutPreallocation) {
  ScenarioSpec spec = spec_for(kMapHash, 4, kFZeroSeed | kFNoPrealloc);
  spec.cpus = {program(0, {testing::update(1, 1)})};
  spec.faults.allocation_failures = 1;
  spec.expectations = {expectation(Kind::kExists, {result_atom("cpu0.0", kENOMEM)}, "ENOMEM"),
                       expectation(Kind::kExists, {result_atom("cpu0.0", 0)}, "success")};
  ScenarioResult result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kPass) << result.error;
  for (const ExpectationResult& expectation : result.expectations) {
    EXPECT_EQ(expectation.status, ExpectationResult::Status::kMet) << expectation.message;
  }
  // Without fault injection the allocation never fails.
  spec.faults.allocation_failures = 0;
  result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kFailedExpectation);
  EXPECT_EQ(result.expectations[0].status, ExpectationResult::Status::kUnmet);
}

TEST(ScenarioRunTest, NestedProgramOnTheSameCpuGetsEdeadlk) {
  ScenarioSpec spec = spec_for(kMapHash, 4, kFZeroSeed);
  spec.cpus = {program(0, {testing::update(1, 1)})};
  InterruptSpec irq;
  irq.cpu = 0;
  irq.steps = {testing::prog_update(1, 2)};
  spec.interrupts = {irq};
  spec.expectations = {expectation(Kind::kExists, {result_atom("irq0.0", kEDEADLK)}, "EDEADLK"),
                       expectation(Kind::kExists, {result_atom("irq0.0", 0)}, "irq first")};
  const ScenarioResult result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kPass) << result.error;
  EXPECT_TRUE(result.exhausted);
}

TEST(ScenarioRunTest, LruPathCoverageIsCounted) {
  ScenarioSpec spec = spec_for(kMapLruHash, 2, kFZeroSeed);
  spec.setup = {testing::update(100, 1)};
  spec.cpus = {program(0, {testing::update(1, 1)}), program(1, {testing::update(2, 2)})};
  const ScenarioResult result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kPass) << result.error;
  EXPECT_EQ(result.coverage.events.at(100), 2 * result.executions);  // lru.update.begin
  EXPECT_GT(result.coverage.transitions.size(), 2u);
  uint64_t from_begin = 0;
  for (const auto& [edge, times] : result.coverage.transitions) {
    if (edge.first == 100) from_begin += times;
  }
  EXPECT_EQ(from_begin, 2 * result.executions);
}

void expect_same(const ScenarioResult& a, const ScenarioResult& b) {
  EXPECT_EQ(a.verdict, b.verdict);
  EXPECT_EQ(a.header, b.header);
  EXPECT_EQ(a.strategy, b.strategy);
  EXPECT_EQ(a.executions, b.executions);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.failing_executions, b.failing_executions);
  EXPECT_EQ(a.expected_executions, b.expected_executions);
  EXPECT_EQ(a.expectations, b.expectations);
  EXPECT_EQ(a.failures, b.failures);
  EXPECT_EQ(a.coverage, b.coverage);
}

TEST(ScenarioRunTest, SameSpecAndSeedGiveTheSameResult) {
  ScenarioSpec spec = racing_inserts();
  spec.expectations = {expectation(Kind::kExists, {result_atom("cpu1.0", kEEXIST)}, "cpu0 first"),
                       expectation(Kind::kAlways, {result_atom("cpu1.0", 0)}, "cpu1 wins")};
  RunOptions options;
  options.strategy = "random";
  options.seed = 7;
  options.executions = 300;
  options.determinism_check_every = 10;
  const ScenarioResult first = run_scenario(spec, options);
  const ScenarioResult second = run_scenario(spec, options);
  EXPECT_EQ(first.executions, 300u);
  EXPECT_GT(first.determinism_checks, 0u);
  EXPECT_EQ(first.verdict, Verdict::kFailedExpectation);
  expect_same(first, second);
  options.seed = 8;
  const ScenarioResult other = run_scenario(spec, options);
  // Another seed explores other interleavings: other counts, other witnesses.
  EXPECT_FALSE(first.expectations == other.expectations);

  // Exhaustive DPOR with failures: the same failures, schedules and traces.
  const ScenarioResult dpor_first = run_scenario(walk_under_delete());
  const ScenarioResult dpor_second = run_scenario(walk_under_delete());
  EXPECT_FALSE(dpor_first.failures.empty());
  expect_same(dpor_first, dpor_second);
}

TEST(ScenarioRunTest, OptionsBudgetsAndProgress) {
  ScenarioSpec spec = racing_inserts();
  std::vector<RunProgress> seen;
  RunOptions options;
  options.progress = [&seen](const RunProgress& progress) { seen.push_back(progress); };
  ScenarioResult result = run_scenario(spec, options);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().executions, result.executions);

  options.strategy = "pct";
  options.executions = 5;
  result = run_scenario(spec, options);
  EXPECT_EQ(result.executions, 5u);
  EXPECT_TRUE(result.budget_reached);

  options.time_seconds = 1e-9;  // over before the first execution
  result = run_scenario(spec, options);
  EXPECT_TRUE(result.time_budget_reached);
  EXPECT_LT(result.executions, 5u);

  options = RunOptions{};
  options.strategy = "bfs";
  result = run_scenario(spec, options);
  EXPECT_EQ(result.verdict, Verdict::kBadScenario);
  EXPECT_NE(result.error.find("explore.strategy"), std::string::npos);
}

TEST(ScenarioRunTest, ReplayRefusesAnotherScenariosScheduleAndReportsDivergence) {
  const ScenarioSpec spec = racing_inserts();
  ScenarioSpec with_exists = spec;
  with_exists.expectations = {expectation(Kind::kExists, {result_atom("cpu0.0", 0)})};
  const ScenarioResult result = run_scenario(with_exists);
  ASSERT_TRUE(result.expectations[0].witness.has_value());
  const sim::Schedule schedule = *result.expectations[0].witness;
  EXPECT_TRUE(replay_scenario(spec, schedule).ok());  // expectations are not in the fingerprint

  ScenarioSpec renamed = spec;
  renamed.name = "other";
  EXPECT_NE(replay_scenario(renamed, schedule).error.find("not for 'other'"), std::string::npos);

  sim::Schedule cut = schedule;
  cut.choices.pop_back();
  const ReplayResult diverged = replay_scenario(spec, cut);
  EXPECT_TRUE(diverged.diverged);
  EXPECT_FALSE(diverged.divergence.empty());
}

}  // namespace
}  // namespace mapsim::scenario
