// The walk check under concurrent updates: a replaced key is linked at its bucket's head, so a
// walk already past the head misses it although it was present throughout.
#include <gtest/gtest.h>

#include "impl/jhash.h"
#include "scenarios/run/scenario_run.h"
#include "tests/support/spec_builder.h"

namespace mapsim::scenario {
namespace {

using namespace mapsim::bpf;
using testing::expectation;
using testing::key32;
using testing::program;
using testing::spec_for;
using Kind = ExpectationSpec::Kind;

// Two keys in the same bucket of a ZERO_SEED hash map with `buckets` buckets.
std::pair<uint32_t, uint32_t> colliding_keys(uint32_t buckets) {
  auto bucket = [buckets](uint32_t key) { return htab_key_hash(&key, 4, 0) & (buckets - 1); };
  for (uint32_t second = 2;; ++second) {
    if (bucket(second) == bucket(1)) return {1, second};
  }
}

// Keys a and b share a bucket; a is inserted last, so the walk visits a, then b. CPU 1
// replaces b meanwhile.
ScenarioSpec walk_under_replace() {
  const auto [a, b] = colliding_keys(2);
  ScenarioSpec spec = spec_for(kMapHash, 2, kFZeroSeed);
  spec.setup = {testing::update(b, 1), testing::update(a, 1)};
  spec.cpus = {program(0, {testing::walk()}), program(1, {testing::update(b, 2, kExist)})};
  return spec;
}

AtomSpec walk_atom(AtomSpec::Kind kind, bool flag) {
  AtomSpec atom;
  atom.kind = kind;
  atom.label = "cpu0.0";
  atom.flag = flag;
  return atom;
}

// Replacing the walk's current key restarts it from the new element at the bucket head
// (repeats); replacing the key after it moves that key behind the walk (a skip).
TEST(ScenarioRunWalkTest, WalkUnderReplaceRepeatsAndSkips) {
  ScenarioSpec spec = walk_under_replace();
  spec.expectations = {
      expectation(Kind::kExpected, {walk_atom(AtomSpec::Kind::kWalkRepeats, true)}, "restart"),
      expectation(Kind::kExists, {walk_atom(AtomSpec::Kind::kWalkSkips, true)}, "skip")};
  const ScenarioResult result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kViolation) << result.error;
  EXPECT_EQ(result.expectations[1].status, ExpectationResult::Status::kMet);
  ASSERT_FALSE(result.failures.empty());
  const auto [a, b] = colliding_keys(2);
  for (const ScenarioFailure& failure : result.failures) {
    EXPECT_EQ(failure.kind, "walk_skip");
    EXPECT_NE(failure.message.find("missed keys present during the whole walk: " +
                                   testing::to_hex(key32(b))),
              std::string::npos)
        << failure.message;
  }
}

TEST(ScenarioRunWalkTest, DeclaredRepeatsAndSkipsAreExpected) {
  ScenarioSpec spec = walk_under_replace();
  spec.expectations = {
      expectation(Kind::kExpected, {walk_atom(AtomSpec::Kind::kWalkSkips, true)}, "replace"),
      expectation(Kind::kExpected, {walk_atom(AtomSpec::Kind::kWalkRepeats, true)}, "restart"),
      expectation(Kind::kExists, {walk_atom(AtomSpec::Kind::kWalkSkips, false),
                                  walk_atom(AtomSpec::Kind::kWalkRepeats, false)}, "clean")};
  const ScenarioResult result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kPass) << result.error;
  EXPECT_GT(result.expectations[0].excused_executions, 0u);
  EXPECT_GT(result.expectations[1].excused_executions, 0u);
  EXPECT_LT(result.expected_executions, result.executions);
}

TEST(ScenarioRunWalkTest, TheWalkCheckCanBeTurnedOffWithAReason) {
  ScenarioSpec spec = walk_under_replace();
  spec.checks.walks = false;
  spec.checks.why_off = "the scenario only counts keys";
  EXPECT_EQ(run_scenario(spec).verdict, Verdict::kPass);
}

TEST(ScenarioRunWalkTest, ArrayWalkNeverSkipsOrRepeats) {
  ScenarioSpec spec = spec_for(kMapArray, 3);
  spec.cpus = {program(0, {testing::walk()}), program(1, {testing::update(1, 5)})};
  spec.expectations = {
      expectation(Kind::kAlways, {walk_atom(AtomSpec::Kind::kWalkSkips, false),
                                  walk_atom(AtomSpec::Kind::kWalkRepeats, false)})};
  const ScenarioResult result = run_scenario(spec);
  EXPECT_EQ(result.verdict, Verdict::kPass) << result.error;
  EXPECT_TRUE(result.exhausted);
}

// Presence is followed on LRU maps (through the inspection lookup) and LPM tries (their key
// set) as on hash maps: a concurrent delete of the walk's current key restarts the walk.
TEST(ScenarioRunWalkTest, LruAndLpmWalksUnderDelete) {
  ScenarioSpec lru = spec_for(kMapLruHash, 8, kFZeroSeed);
  lru.setup = {testing::update(1, 1), testing::update(2, 2), testing::update(3, 3)};
  lru.cpus = {program(0, {testing::walk()}),
              program(1, {testing::remove(1), testing::remove(2), testing::remove(3)})};
  lru.expectations = {
      expectation(Kind::kExpected, {walk_atom(AtomSpec::Kind::kWalkRepeats, true)}, "restart"),
      expectation(Kind::kExists, {walk_atom(AtomSpec::Kind::kWalkRepeats, true)}, "restart"),
      expectation(Kind::kNever, {walk_atom(AtomSpec::Kind::kWalkSkips, true)}, "deleted keys")};
  ScenarioResult result = run_scenario(lru);
  EXPECT_EQ(result.verdict, Verdict::kPass)
      << result.error << (result.failures.empty() ? "" : result.failures[0].message);

  ScenarioSpec trie = spec_for(kMapLpmTrie, 4, kFNoPrealloc);
  trie.map.key_size = 8;
  std::vector<StepSpec> inserts;
  for (uint8_t last : {1, 2, 3}) {
    StepSpec insert = testing::make_step(StepKind::kUpdate, {}, last);
    insert.key = Bytes{32, 0, 0, 0, 10, 0, 0, last};
    inserts.push_back(insert);
  }
  trie.setup = inserts;
  StepSpec remove_middle = testing::make_step(StepKind::kDelete);
  remove_middle.key = inserts[1].key;
  trie.cpus = {program(0, {testing::walk()}), program(1, {remove_middle})};
  trie.expectations = {
      expectation(Kind::kExists, {walk_atom(AtomSpec::Kind::kWalkSkips, false),
                                  walk_atom(AtomSpec::Kind::kWalkRepeats, false)}, "clean"),
      expectation(Kind::kNever, {walk_atom(AtomSpec::Kind::kWalkSkips, true)}, "no skip")};
  result = run_scenario(trie);
  // get_next_key of a deleted prefix starts again from the leftmost leaf: repeats, no skips.
  EXPECT_EQ(result.verdict, Verdict::kViolation) << result.error;
  EXPECT_FALSE(result.failures.empty());
  for (const ExpectationResult& expectation : result.expectations) {
    EXPECT_EQ(expectation.status, ExpectationResult::Status::kMet) << expectation.message;
  }
  for (const ScenarioFailure& failure : result.failures) {
    EXPECT_EQ(failure.kind, "walk_repeat") << failure.message;
  }
}

}  // namespace
}  // namespace mapsim::scenario
