// Batch walks in scenarios (StepKind::kBatchWalk, kBatchWalkAndDelete): the userspace loop of
// BPF_MAP_LOOKUP_BATCH calls chained by their token, run once to see what it returns, and
// explored against concurrent deletes and replacements next to a get_next_key walk.
//
// Scenario (hash, ZERO_SEED, 8 buckets, keys 1..4 one per bucket, walk order 4, 2, 1, 3):
//   a get_next_key walk racing with a delete of key 1 repeats keys (it restarts from the first
//   bucket when its key is gone); the batch walk carries a bucket index and never repeats.
//   => batch walks are judged by the same walk check; a bucket larger than the batch size is
//      ENOSPC; lookup_and_delete batches empty the map; arrays and LPM tries use the generic
//      lookup, whose key token restarts like get_next_key.
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

#include "impl/jhash.h"
#include "scenarios/run/scenario_compile.h"
#include "scenarios/run/scenario_run.h"
#include "sim/explorer.h"
#include "sim/strategy/random_walk.h"
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
using Kind = ExpectationSpec::Kind;

StepSpec batch_walk(uint32_t batch_size, StepKind kind = StepKind::kBatchWalk) {
  StepSpec step = make_step(kind);
  step.batch_size = batch_size;
  return step;
}

// The observations of one execution (random interleaving, seed 1).
std::vector<Observation> run_once(const ScenarioSpec& spec, CompiledScenario* kept) {
  sim::Result<CompiledScenario> compiled = compile_scenario(spec);
  EXPECT_TRUE(compiled.ok()) << compiled.error();
  if (!compiled.ok()) return {};
  *kept = compiled.value();
  sim::ExplorerOptions options = kept->explorer_options();
  options.max_executions = 1;
  sim::Explorer explorer(kept->scenario, options);
  sim::RandomWalkStrategy random(sim::RandomWalkOptions{1});
  const sim::ExploreReport report = explorer.explore(random);
  EXPECT_TRUE(report.ok()) << report.error;
  return kept->log->this_thread().observations;
}

const Observation& at(const CompiledScenario& compiled, const std::vector<Observation>& ran,
                      const std::string& label) {
  return ran.at(compiled.compiled->slot_of.at(label));
}

// Keys 1..4 of the walk_restart example: one per bucket of an 8-bucket ZERO_SEED map.
ScenarioSpec four_keys() {
  ScenarioSpec spec = spec_for(kMapHash, 8, kFZeroSeed);
  spec.setup = {testing::update(1, 1), testing::update(2, 2), testing::update(3, 3),
                testing::update(4, 4)};
  return spec;
}

AtomSpec walk_atom(const std::string& label, AtomSpec::Kind kind, bool flag) {
  AtomSpec atom;
  atom.kind = kind;
  atom.label = label;
  atom.flag = flag;
  return atom;
}

TEST(ScenarioRunBatchWalkTest, BatchWalkReturnsTheGetNextKeyOrder) {
  ScenarioSpec spec = four_keys();
  spec.cpus = {program(0, {testing::walk()}), program(1, {batch_walk(1), batch_walk(0)})};
  CompiledScenario compiled;
  const std::vector<Observation> ran = run_once(spec, &compiled);
  const std::vector<Bytes> order = {key32(4), key32(2), key32(1), key32(3)};
  EXPECT_EQ(at(compiled, ran, "cpu0.0").walk_keys, order);
  for (const char* label : {"cpu1.0", "cpu1.1"}) {
    EXPECT_EQ(at(compiled, ran, label).rc, 0) << label;
    EXPECT_EQ(at(compiled, ran, label).walk_keys, order) << label;
  }
}

// Two keys share the bucket of key 1 in a 2-bucket map: a batch of one cannot take that bucket.
TEST(ScenarioRunBatchWalkTest, ABucketLargerThanTheBatchIsEnospc) {
  auto bucket = [](uint32_t key) { return htab_key_hash(&key, 4, 0) & 1; };
  uint32_t twin = 2;
  while (bucket(twin) != bucket(1)) ++twin;
  ScenarioSpec spec = spec_for(kMapHash, 2, kFZeroSeed);
  spec.setup = {testing::update(twin, 1), testing::update(1, 1)};
  spec.cpus = {program(0, {batch_walk(1), batch_walk(2)})};
  CompiledScenario compiled;
  const std::vector<Observation> ran = run_once(spec, &compiled);
  EXPECT_EQ(at(compiled, ran, "cpu0.0").rc, kENOSPC);
  EXPECT_TRUE(at(compiled, ran, "cpu0.0").walk_keys.empty());
  EXPECT_EQ(at(compiled, ran, "cpu0.1").rc, 0);
  // Head first: key 1 was linked last.
  EXPECT_EQ(at(compiled, ran, "cpu0.1").walk_keys, (std::vector<Bytes>{key32(1), key32(twin)}));
}

TEST(ScenarioRunBatchWalkTest, ArraysUseTheGenericKeyToken) {
  ScenarioSpec spec = spec_for(kMapArray, 5);
  spec.cpus = {program(0, {batch_walk(2)})};
  CompiledScenario compiled;
  const std::vector<Observation> ran = run_once(spec, &compiled);
  EXPECT_EQ(at(compiled, ran, "cpu0.0").rc, 0);
  EXPECT_EQ(at(compiled, ran, "cpu0.0").walk_keys,
            (std::vector<Bytes>{key32(0), key32(1), key32(2), key32(3), key32(4)}));
}

TEST(ScenarioRunBatchWalkTest, DeviceMapsHaveNoBatchLookup) {
  ScenarioSpec spec = spec_for(kMapDevmap, 4);
  spec.map.map_flags = 0;
  spec.cpus = {program(0, {batch_walk(2)})};
  CompiledScenario compiled;
  const std::vector<Observation> ran = run_once(spec, &compiled);
  EXPECT_EQ(at(compiled, ran, "cpu0.0").rc, kENOTSUPP);
}

// The same delete, under a get_next_key walk and under a batch walk, every interleaving.
TEST(ScenarioRunBatchWalkTest, OnlyTheGetNextKeyWalkRepeatsUnderADelete) {
  ScenarioSpec walk = four_keys();
  walk.cpus = {program(0, {testing::walk()}), program(1, {testing::remove(1)})};
  walk.expectations = {
      expectation(Kind::kExpected, {walk_atom("cpu0.0", AtomSpec::Kind::kWalkRepeats, true)},
                  "restart"),
      expectation(Kind::kExists, {walk_atom("cpu0.0", AtomSpec::Kind::kWalkRepeats, true)})};
  ScenarioResult result = run_scenario(walk);
  EXPECT_EQ(result.verdict, Verdict::kPass) << result.error;
  EXPECT_TRUE(result.exhausted);

  for (uint32_t batch_size : {1u, 2u, 0u}) {
    ScenarioSpec batched = four_keys();
    batched.cpus = {program(0, {batch_walk(batch_size)}), program(1, {testing::remove(1)})};
    batched.expectations = {
        expectation(Kind::kNever, {walk_atom("cpu0.0", AtomSpec::Kind::kWalkRepeats, true)}),
        expectation(Kind::kNever, {walk_atom("cpu0.0", AtomSpec::Kind::kWalkSkips, true)}),
        expectation(Kind::kAlways, {result_atom("cpu0.0", 0)})};
    result = run_scenario(batched);
    EXPECT_EQ(result.verdict, Verdict::kPass)
        << batch_size << ": " << result.error
        << (result.failures.empty() ? "" : result.failures[0].message);
    EXPECT_TRUE(result.exhausted);
    // The delete lands before, inside and after the walk's visit of key 1's bucket.
    EXPECT_GE(result.executions, 3u) << batch_size;
  }
}

// A replacement links the new element at its bucket's head; a get_next_key walk past it misses
// the key (walk_check.h), a batch walk copies the bucket whole under its lock.
TEST(ScenarioRunBatchWalkTest, ABatchWalkNeverSkipsAReplacedKey) {
  auto bucket = [](uint32_t key) { return htab_key_hash(&key, 4, 0) & 1; };
  uint32_t twin = 2;
  while (bucket(twin) != bucket(1)) ++twin;
  ScenarioSpec spec = spec_for(kMapHash, 2, kFZeroSeed);
  spec.setup = {testing::update(twin, 1), testing::update(1, 1)};
  spec.cpus = {program(0, {batch_walk(2)}), program(1, {testing::update(twin, 2, kExist)})};
  spec.expectations = {
      expectation(Kind::kAlways, {walk_atom("cpu0.0", AtomSpec::Kind::kWalkSkips, false),
                                  walk_atom("cpu0.0", AtomSpec::Kind::kWalkRepeats, false),
                                  result_atom("cpu0.0", 0)})};
  const ScenarioResult result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kPass)
      << result.error << (result.failures.empty() ? "" : result.failures[0].message);
  EXPECT_TRUE(result.exhausted);
}

// lookup_and_delete batches remove what they return; an insert racing with the walk may land
// in a bucket already drained (it stays) or in one still ahead (it goes).
TEST(ScenarioRunBatchWalkTest, BatchWalkAndDeleteDrainsTheMap) {
  ScenarioSpec spec = four_keys();
  spec.cpus = {program(0, {batch_walk(2, StepKind::kBatchWalkAndDelete)}),
               program(1, {testing::update(5, 5)})};
  auto final_atom = [](AtomSpec::Kind kind, bool present, uint64_t keys) {
    AtomSpec atom;
    atom.kind = kind;
    atom.key = key32(5);
    atom.flag = present;
    atom.count = keys;
    return atom;
  };
  using Atom = AtomSpec::Kind;
  spec.expectations = {
      expectation(Kind::kAlways, {result_atom("cpu0.0", 0)}),
      expectation(Kind::kExists, {final_atom(Atom::kFinalPresent, false, 0),
                                  final_atom(Atom::kFinalCount, false, 0)}),
      expectation(Kind::kExists, {final_atom(Atom::kFinalPresent, true, 0),
                                  final_atom(Atom::kFinalCount, false, 1)}),
      expectation(Kind::kNever, {final_atom(Atom::kFinalCount, false, 2)})};
  const ScenarioResult result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kPass)
      << result.error << (result.failures.empty() ? "" : result.failures[0].message);
  EXPECT_TRUE(result.exhausted);
  // The reference model does not replay bucket-wise deletes: such histories go unchecked.
  EXPECT_GT(result.linearizability_unchecked, 0u);
  EXPECT_NE(result.linearizability_unchecked_reason.find("batch_walk_and_delete"),
            std::string::npos)
      << result.linearizability_unchecked_reason;
}

// The generic batch lookup of an LPM trie continues from a key: get_next_key of a deleted
// prefix restarts from the leftmost leaf, so batch walks of tries repeat like walks do.
TEST(ScenarioRunBatchWalkTest, LpmTrieBatchWalksRestartLikeGetNextKey) {
  ScenarioSpec trie = spec_for(kMapLpmTrie, 4, kFNoPrealloc);
  trie.map.key_size = 8;
  std::vector<StepSpec> inserts;
  for (uint8_t last : {1, 2, 3}) {
    StepSpec insert = make_step(StepKind::kUpdate, {}, last);
    insert.key = Bytes{32, 0, 0, 0, 10, 0, 0, last};
    inserts.push_back(insert);
  }
  trie.setup = inserts;
  StepSpec remove_middle = make_step(StepKind::kDelete);
  remove_middle.key = inserts[1].key;
  trie.cpus = {program(0, {batch_walk(1)}), program(1, {remove_middle})};
  trie.expectations = {
      expectation(Kind::kExpected, {walk_atom("cpu0.0", AtomSpec::Kind::kWalkRepeats, true)},
                  "restart"),
      expectation(Kind::kExists, {walk_atom("cpu0.0", AtomSpec::Kind::kWalkRepeats, true)}),
      expectation(Kind::kNever, {walk_atom("cpu0.0", AtomSpec::Kind::kWalkSkips, true)})};
  const ScenarioResult result = run_scenario(trie);
  EXPECT_EQ(result.verdict, Verdict::kPass)
      << result.error << (result.failures.empty() ? "" : result.failures[0].message);
}

}  // namespace
}  // namespace mapsim::scenario
