// The scenario runner checks the map's full structural invariants (model/invariants) after
// every visible step, for every map type: a clean map never trips them, a planted bug that
// breaks the structure in the middle of an execution is an "invariant" failure that names the
// step and whose trace marks it, and a NO_PREALLOC element freed without a grace period is a
// use after free reported with both trails.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scenarios/run/scenario_run.h"
#include "scenarios/scenario_yaml.h"

namespace mapsim::scenario {
namespace {

ScenarioSpec parse_ok(const std::string& text) {
  const ScenarioParse parsed = parse_scenario_yaml(text, "invariants.yaml");
  EXPECT_TRUE(parsed.ok()) << (parsed.errors.empty() ? "" : parsed.errors.front());
  return parsed.spec;
}

ScenarioSpec load_ok(const std::string& relative) {
  const ScenarioParse parsed = load_scenario_file(std::string(MAPSIM_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(parsed.ok()) << (parsed.errors.empty() ? relative : parsed.errors.front());
  return parsed.spec;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Two CPUs racing inserts, replacements, deletes and lookups on one small map of each type,
// every interleaving (DPOR), with the step check on.
struct TypeCase {
  const char* type;
  const char* map;
  const char* programs;
};

constexpr const char* kKeyed = R"(setup: [update 1 10]
cpu0: [update 2 20, delete 1]
cpu1: [update 1 11, lookup 2, delete 2]
)";

const TypeCase kTypes[] = {
    {"hash", "{type: hash, key_size: 4, value_size: 8, max_entries: 2, flags: BPF_F_ZERO_SEED}",
     kKeyed},
    {"percpu_hash",
     "{type: percpu_hash, key_size: 4, value_size: 8, max_entries: 2, flags: BPF_F_ZERO_SEED}",
     kKeyed},
    {"lru_hash",
     "{type: lru_hash, key_size: 4, value_size: 8, max_entries: 2, flags: BPF_F_ZERO_SEED}",
     kKeyed},
    {"lru_percpu_hash",
     "{type: lru_percpu_hash, key_size: 4, value_size: 8, max_entries: 2, "
     "flags: [BPF_F_ZERO_SEED, BPF_F_NO_COMMON_LRU]}",
     kKeyed},
    {"array", "{type: array, key_size: 4, value_size: 8, max_entries: 2}",
     "setup: [update 1 10]\ncpu0: [update 0 20, lookup 1]\ncpu1: [update 1 11, lookup 0]\n"},
    {"percpu_array", "{type: percpu_array, key_size: 4, value_size: 8, max_entries: 2}",
     "cpu0: [lookup_add_else_insert 0 1, update 1 5]\ncpu1: [lookup_add_else_insert 0 1]\n"},
    {"bloom_filter",
     "{type: bloom_filter, key_size: 0, value_size: 4, max_entries: 16, map_extra: 3, "
     "flags: BPF_F_ZERO_SEED}",
     "cpu0: [{op: update, value: 7}, {op: lookup, value: 9}]\n"
     "cpu1: [{op: update, value: 9}, {op: lookup, value: 7}]\n"},
    {"devmap", "{type: devmap, key_size: 4, value_size: 4, max_entries: 4}",
     "devices: {1: lo}\nsetup: [update 0 1]\ncpu0: [delete 0, update 2 1]\n"
     "cpu1: [update 1 1, lookup 0]\n"},
    {"devmap_hash", "{type: devmap_hash, key_size: 4, value_size: 4, max_entries: 2}",
     "devices: {1: lo}\nsetup: [update 1 1]\ncpu0: [update 2 1, delete 1]\n"
     "cpu1: [update 3 1, lookup 2]\n"},
    {"lpm_trie",
     "{type: lpm_trie, key_size: 8, value_size: 8, max_entries: 4, flags: BPF_F_NO_PREALLOC}",
     "setup: [update 0x080000000a000000 1]\n"
     "cpu0: [update 0x100000000a010000 2, delete 0x080000000a000000]\n"
     "cpu1: [update 0x180000000a010200 3, lookup 0x200000000a010203]\n"},
};

TEST(ScenarioRunInvariantsTest, EveryMapTypeKeepsItsInvariantsAfterEveryStep) {
  for (const TypeCase& type : kTypes) {
    SCOPED_TRACE(type.type);
    const ScenarioSpec spec = parse_ok(std::string("name: ") + type.type +
                                       "-steps\npossible_cpus: 2\nmap: " + type.map + "\n" +
                                       type.programs + "explore: {strategy: dpor}\n");
    ASSERT_TRUE(spec.checks.invariants);
    const ScenarioResult result = run_scenario(spec);
    EXPECT_EQ(result.verdict, Verdict::kPass)
        << (result.failures.empty() ? result.error : result.failures.front().message);
    EXPECT_TRUE(result.exhausted);
    EXPECT_GT(result.executions, 1u);
  }
}

// lru-move-skips-count: a node moved between ACTIVE and INACTIVE leaves one counter stale. The
// lists are right again by the time the counters are compared at the end only by luck; after
// the step that moves the node they are not.
TEST(ScenarioRunInvariantsTest, ABrokenInvariantIsReportedAtTheStepThatBrokeIt) {
  const ScenarioSpec spec = load_ok("scenarios/examples/lru_nested_update.yaml");
  RunOptions options;
  options.mutants = MutantSet(Mutant::kLruMoveSkipsCount);
  options.stop_on_failure = true;
  const ScenarioResult result = run_scenario(spec, options);
  ASSERT_EQ(result.verdict, Verdict::kViolation);
  ASSERT_FALSE(result.failures.empty());
  const ScenarioFailure& failure = result.failures.front();
  EXPECT_EQ(failure.kind, "invariant");
  // "after step N (cpu0, in \"...\"): counter of ..."
  ASSERT_EQ(failure.message.rfind("after step ", 0), 0u) << failure.message;
  const std::string step = failure.message.substr(11, failure.message.find(' ', 11) - 11);
  EXPECT_TRUE(contains(failure.message, ", in \"")) << failure.message;
  EXPECT_TRUE(contains(failure.message, "counter")) << failure.message;
  // The trace marks that step (and only that one).
  const std::string marker = "<== the step check failed after this step";
  const size_t marked = failure.trace_tail.find(marker);
  ASSERT_NE(marked, std::string::npos) << failure.trace_tail;
  EXPECT_EQ(failure.trace_tail.find(marker, marked + 1), std::string::npos);
  const size_t line = failure.trace_tail.rfind('\n', marked) + 1;
  EXPECT_EQ(failure.trace_tail.compare(line, 6 + step.size(), "step " + step + " "), 0)
      << failure.trace_tail.substr(line, marked - line);
  EXPECT_FALSE(failure.labels.empty());  // the operations in flight at that step

  // Replaying the schedule gives the same finding kind.
  const ReplayResult replay = replay_scenario(spec, failure.schedule, options.mutants);
  ASSERT_TRUE(replay.ok()) << replay.error << replay.divergence;
  EXPECT_EQ(replay.failure_kind, "invariant");
}

TEST(ScenarioRunInvariantsTest, TheStepCheckIsOffWithTheInvariantsCheck) {
  ScenarioSpec spec = load_ok("scenarios/examples/lru_nested_update.yaml");
  spec.checks.invariants = false;
  spec.checks.linearizability = false;
  spec.expectations.clear();
  RunOptions options;
  options.mutants = MutantSet(Mutant::kLruMoveSkipsCount);
  const ScenarioResult result = run_scenario(spec, options);
  for (const ScenarioFailure& failure : result.failures) EXPECT_NE(failure.kind, "invariant");
}

// hash-free-without-grace-period: a deleted NO_PREALLOC element is freed at once, while a
// lookup on the other CPU may still be reading it.
TEST(ScenarioRunInvariantsTest, AFreeWithoutGracePeriodIsAUseAfterFreeWithBothTrails) {
  const ScenarioSpec spec = load_ok("scenarios/suite/hash_no_prealloc_reader.yaml");
  ASSERT_EQ(run_scenario(spec).verdict, Verdict::kPass);
  RunOptions options;
  options.mutants = MutantSet(Mutant::kHashFreeWithoutGracePeriod);
  const ScenarioResult result = run_scenario(spec, options);
  ASSERT_EQ(result.verdict, Verdict::kViolation);
  ASSERT_FALSE(result.failures.empty());
  const ScenarioFailure& failure = result.failures.front();
  EXPECT_EQ(failure.kind, "use_after_free");
  const std::string& message = failure.message;
  // The access: the reader, in its lookup, with its own events up to it.
  EXPECT_TRUE(contains(message, "access: cpu0 at step ")) << message;
  EXPECT_TRUE(contains(message, "in \"read")) << message;
  EXPECT_TRUE(contains(message, "cpu0's events up to the access:")) << message;
  // The free: the deleting CPU, in its delete, with its own events up to the free.
  EXPECT_TRUE(contains(message, "free: released by cpu1 at step ")) << message;
  EXPECT_TRUE(contains(message, "in \"del")) << message;
  EXPECT_TRUE(contains(message, "cpu1's events up to the free:")) << message;
  EXPECT_NE(std::find(failure.labels.begin(), failure.labels.end(), "read"), failure.labels.end());
}

}  // namespace
}  // namespace mapsim::scenario
