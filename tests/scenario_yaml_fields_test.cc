// Scenario files (scenarios/scenario_yaml.h): field-level error paths (keys and values, flags,
// CPUs, labels, ops and where they may run, atoms, run settings), each asserting the exact
// file:line:column, the field path and what was expected; and that one parse reports them all.
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

constexpr const char* kHashMap = "map: {type: hash, key_size: 4, value_size: 8, max_entries: 4}\n";

std::vector<std::string> errors(const std::string& text) {
  return parse_scenario_yaml(text, "t.yaml").errors;
}

void expect_one_error(const std::string& text, const std::string& where, const std::string& path,
                      const std::string& what) {
  EXPECT_THAT(errors(text), ElementsAre(AllOf(StartsWith("t.yaml:" + where + ": " + path + ": "),
                                              HasSubstr(what))))
      << text;
}

// A hash map scenario whose CPU 0 runs `ops` (the text after "cpu0: ", on line 2).
std::string hash_cpu0(const std::string& ops) {
  return std::string(kHashMap) + "cpu0: " + ops + "\n";
}

TEST(ScenarioYamlFieldTest, IntegerOutOfRange) {
  expect_one_error(hash_cpu0("[update 4294967296 1]"), "2:15", "cpu0[0].key",
                   "4294967296 does not fit in 4 bytes (4294967295 is the largest)");
  expect_one_error(hash_cpu0("[update 1 -9223372036854775809]"), "2:17", "cpu0[0].value",
                   "does not fit in 8 bytes (-9223372036854775808 is the lowest)");
  expect_one_error("map: {type: hash, key_size: 2, value_size: 8, max_entries: 4}\n"
                   "cpu0: [delete -32769]\n",
                   "2:15", "cpu0[0].key", "-32769 does not fit in 2 bytes (-32768 is the lowest)");
  expect_one_error("map: {type: hash, key_size: 513, value_size: 8, max_entries: 4}\n"
                   "cpu0: [walk]\n",
                   "1:29", "map.key_size", "expected an integer in 0..512, got '513'");
  expect_one_error("map: {type: percpu_hash, key_size: 4, value_size: 32769, max_entries: 1}\n"
                   "cpu0: [walk]\n",
                   "1:51", "map.value_size", "expected an integer in 0..32768");
  expect_one_error("possible_cpus: 4097\n" + std::string(kHashMap) + "cpu0: [walk]\n", "1:16",
                   "possible_cpus", "expected an integer in 1..4096");
  expect_one_error(hash_cpu0("[walk]") + "explore: {pct_depth: 0}\n", "3:22",
                   "explore.pct_depth", "expected an integer in 1..32, got '0'");
  expect_one_error(hash_cpu0("[walk]") + "faults: {allocation_failures: 9}\n", "3:31",
                   "faults.allocation_failures", "expected an integer in 0..8, got '9'");
}

TEST(ScenarioYamlFieldTest, LeadingZerosAndQuotedNumbersAreRefused) {
  expect_one_error(hash_cpu0("[delete 01000000]"), "2:15", "cpu0[0].key",
                   "(no leading zeros; for bytes in memory order write 0x01000000)");
  expect_one_error(hash_cpu0("[{op: delete, key: \"01000000\"}]"), "2:26", "cpu0[0].key",
                   "a quoted value is never an integer");
  expect_one_error("possible_cpus: 02\n" + std::string(kHashMap) + "cpu0: [walk]\n", "1:16",
                   "possible_cpus", "(no leading zeros");
}

TEST(ScenarioYamlFieldTest, BadHexAndWrongLength) {
  expect_one_error(hash_cpu0("[delete 0x0g000000]"), "2:15", "cpu0[0].key",
                   "'g' at position 1 is not a hex digit; expected 0x followed by 8 hex digits");
  expect_one_error(hash_cpu0("[delete 0x0100]"), "2:15", "cpu0[0].key",
                   "expected 0x followed by 8 hex digits (the 4 bytes in memory order), got 4 "
                   "hex digits");
  expect_one_error(hash_cpu0("[update 1 0x0a000000]"), "2:17", "cpu0[0].value",
                   "expected 0x followed by 16 hex digits (the 8 bytes in memory order), got 8");
  expect_one_error(hash_cpu0("[update 1 0x0a0]"), "2:17", "cpu0[0].value",
                   "odd number of hex digits (3)");
  expect_one_error(hash_cpu0("[{op: delete, key: [1]}]"), "2:26", "cpu0[0].key",
                   "expected an integer or 0x followed by 8 hex digits, got a list");
}

TEST(ScenarioYamlFieldTest, PerCpuValueShapes) {
  const std::string map = "possible_cpus: 3\nmap: {type: percpu_array, key_size: 4, "
                          "value_size: 4, max_entries: 2}\n";
  expect_one_error(map + "cpu0: [{op: update, key: 0, value: [1, 2]}]\n", "3:36",
                   "cpu0[0].value", "expected one value per possible CPU (3), got 2");
  expect_one_error(map + "cpu0: [{op: update, key: 0, value: [1, 2, 0x0100]}]\n", "3:43",
                   "cpu0[0].value[2]", "expected 0x followed by 8 hex digits");
  expect_one_error(map + "cpu0: [{op: update, key: 0, value: [1, 2, 3], via: prog}]\n", "3:36",
                   "cpu0[0].value", "a program reads and writes only its own CPU's value");
  expect_one_error(map + "cpu0: [update 0 4294967296]\n", "3:17", "cpu0[0].value",
                   "or a list of 3 values (one per CPU), or the whole per-CPU buffer as 0x and 48 "
                   "hex digits");
  expect_one_error(hash_cpu0("[{op: update, key: 1, value: [1, 2]}]"), "2:36", "cpu0[0].value",
                   "expected one value (the map is not per-CPU), got a list");
}

TEST(ScenarioYamlFieldTest, BadFlagNames) {
  expect_one_error("map: {type: hash, key_size: 4, value_size: 8, max_entries: 4,\n"
                   "      flags: [BPF_F_ZERO_SEED, BPF_F_NOPREALLOC]}\ncpu0: [walk]\n",
                   "2:32", "map.flags[1]", "unknown flag 'BPF_F_NOPREALLOC'; expected "
                                           "BPF_F_NO_PREALLOC, BPF_F_NO_COMMON_LRU");
  expect_one_error(hash_cpu0("[update 1 1 BPF_NOEXIST|BPF_EXISTS]"), "2:19", "cpu0[0].flags",
                   "unknown flag 'BPF_EXISTS'; expected BPF_ANY, BPF_NOEXIST, BPF_EXIST, "
                   "BPF_F_LOCK");
  expect_one_error(hash_cpu0("[{op: update, key: 1, value: 1, flags: BPF_F_NO_PREALLOC}]"),
                   "2:46", "cpu0[0].flags", "unknown flag 'BPF_F_NO_PREALLOC'");
  expect_one_error(hash_cpu0("[update 1 1 NOEXIST]"), "2:19", "cpu0[0]",
                   "unexpected 'NOEXIST'; expected update KEY VALUE [FLAGS]");
  expect_one_error(hash_cpu0("[delete 1 BPF_EXIST]"), "2:17", "cpu0[0].flags",
                   "delete takes no flags");
  expect_one_error(hash_cpu0("[lookup 1 BPF_F_LOCK via prog]"), "2:17", "cpu0[0].flags",
                   "a program lookup takes no flags");
}

TEST(ScenarioYamlFieldTest, MapTypes) {
  expect_one_error("map: {type: hashmap, key_size: 4, value_size: 8, max_entries: 4}\n"
                   "cpu0: [walk]\n",
                   "1:13", "map.type", "unknown map type 'hashmap'; expected one of hash, "
                                       "percpu_hash, lru_hash");
  expect_one_error("map: {type: ringbuf, key_size: 0, value_size: 0, max_entries: 4096}\n"
                   "cpu0: [walk]\n",
                   "1:13", "map.type", "'ringbuf' is a kernel map type mapsim does not simulate");
  expect_one_error("map: {type: 1, key_size: 4, value_size: 8, max_entries: 4}\ncpu0: [walk]\n",
                   "1:13", "map.type", "unknown map type '1'");
}

TEST(ScenarioYamlFieldTest, CpusOutOfRange) {
  expect_one_error(std::string(kHashMap) + "cpu0: [walk]\ncpu2: [walk]\n", "3:1", "cpu2",
                   "no such CPU; expected cpu0 to cpu1 (possible_cpus is 2)");
  expect_one_error(std::string(kHashMap) + "cpu01: [walk]\n", "2:1", "cpu01",
                   "written without leading zeros");
  expect_one_error(hash_cpu0("[walk]") + "interrupts: [{cpu: 2, ops: [delete 1]}]\n", "3:20",
                   "interrupts[0].cpu", "expected an integer in 0..1, got '2'");
  expect_one_error(hash_cpu0("[walk]") + "interrupts: [{cpu: 1, ops: [delete 1]}]\n", "3:14",
                   "interrupts[0].cpu", "CPU 1 runs no program; an interrupt fires inside the "
                                        "program of its CPU");
}

TEST(ScenarioYamlFieldTest, Labels) {
  expect_one_error(hash_cpu0("[walk as a]") + "cpu1: [delete 1 as b, delete 2 as a]\n", "3:35",
                   "cpu1[1].label", "duplicate label 'a' (also the op at line 2)");
  expect_one_error(hash_cpu0("[walk]") + "cpu1: [{op: walk, label: cpu0.0}]\n", "3:26",
                   "cpu1[0].label", "duplicate label 'cpu0.0'");
  expect_one_error(hash_cpu0("[walk as 0a]"), "2:16", "cpu0[0].label",
                   "expected a label: a letter or _");
  expect_one_error(hash_cpu0("[walk as]"), "2:13", "cpu0[0].label",
                   "'as' needs a word after it (as LABEL)");
  expect_one_error(hash_cpu0("[walk as a as b]"), "2:18", "cpu0[0].label", "given twice");
}

TEST(ScenarioYamlFieldTest, OpsAndWhereTheyRun) {
  expect_one_error(hash_cpu0("[updat 1 2]"), "2:8", "cpu0[0].op",
                   "unknown op 'updat'; expected one of update, lookup, delete");
  expect_one_error(hash_cpu0("[walk via prog]"), "2:17", "cpu0[0].via",
                   "walk runs only through the syscall");
  expect_one_error(hash_cpu0("[lookup_and_delete 1 via prog]"), "2:32", "cpu0[0].via",
                   "lookup_and_delete runs only through the syscall");
  expect_one_error(hash_cpu0("[lookup_add_else_insert 1 1 via syscall]"), "2:39", "cpu0[0].via",
                   "lookup_add_else_insert is a program op: via prog only");
  expect_one_error(hash_cpu0("[update 1 1 via kernel]"), "2:23", "cpu0[0].via",
                   "expected prog or syscall, got 'kernel'");
  expect_one_error(hash_cpu0("[walk 3]"), "2:13", "cpu0[0]",
                   "unexpected '3'; expected walk [via prog|syscall] [as LABEL]");
  expect_one_error(hash_cpu0("[{op: delete, key: 1, value: 2}]"), "2:36", "cpu0[0].value",
                   "delete takes no value");
  expect_one_error(hash_cpu0("[add_through_pointer 1]"), "2:8", "cpu0[0]",
                   "add_through_pointer must directly follow a lookup_keep_pointer");
  EXPECT_THAT(errors(hash_cpu0("[lookup_keep_pointer 1, walk, add_through_pointer 1]")),
              ElementsAre(StartsWith("t.yaml:2:8: cpu0[0]: lookup_keep_pointer must be directly "
                                     "followed by add_through_pointer"),
                          StartsWith("t.yaml:2:37: cpu0[2]: add_through_pointer must directly "
                                     "follow a lookup_keep_pointer")));
  expect_one_error(hash_cpu0("[walk, lookup_keep_pointer 1]"), "2:14", "cpu0[1]",
                   "lookup_keep_pointer must be directly followed by add_through_pointer");
  expect_one_error(hash_cpu0("[walk]") + "interrupts: [{cpu: 0, ops: [walk]}]\n", "3:29",
                   "interrupts[0].ops[0].op", "walk is a userspace op; an interrupt is a BPF "
                                              "program");
  expect_one_error(hash_cpu0("[walk]") + "interrupts: [{cpu: 0, ops: [delete 1 via syscall]}]\n",
                   "3:42", "interrupts[0].ops[0].via", "its ops run via prog");
  expect_one_error(hash_cpu0("[]"), "2:7", "cpu0", "no ops; a program needs at least one op");
  expect_one_error(hash_cpu0("['']"), "2:8", "cpu0[0]", "empty op");
}

TEST(ScenarioYamlFieldTest, MapShapeRules) {
  expect_one_error("map: {type: hash, key_size: 4, value_size: 2, max_entries: 4}\n"
                   "cpu0: [lookup_add_else_insert 1 1]\n",
                   "2:8", "cpu0[0].op", "lookup_add_else_insert needs value_size >= 4");
  const std::string bloom = "map: {type: bloom_filter, key_size: 0, value_size: 4, "
                            "max_entries: 8, map_extra: 3}\n";
  expect_one_error(bloom + "cpu0: [update 1 via prog]\n", "2:21", "cpu0[0].via",
                   "bloom_filter ops run only through the syscall");
  expect_one_error(bloom + "cpu0: [{op: lookup, key: 1, value: 1}]\n", "2:26", "cpu0[0].key",
                   "the map has no keys (key_size 0): leave key out");
  expect_one_error(bloom + "cpu0: [lookup]\n", "2:8", "cpu0[0].value", "missing; expected lookup");
  expect_one_error(hash_cpu0("[walk]") + "devices: {1: lo}\n", "3:1", "devices",
                   "only devmap and devmap_hash maps use devices");
  const std::string devmap = "map: {type: devmap, key_size: 4, value_size: 4, max_entries: 4}\n"
                             "cpu0: [walk]\n";
  expect_one_error(devmap + "devices: {0: lo}\n", "3:11", "devices",
                   "expected an integer in 1..2147483647, got '0'");
  expect_one_error(devmap + "devices: {1: a_very_long_device_name}\n", "3:14", "devices.1",
                   "expected a device name of 1 to 15 characters");
}

TEST(ScenarioYamlFieldTest, AtomsAndLabels) {
  const std::string ops = hash_cpu0("[walk as scan, update 1 1 as w, get_next_key as g]") +
                          "expectations:\n";
  expect_one_error(ops + "  - exists: [{step: nope, rc: 0}]\n", "4:21",
                   "expectations[0].exists[0].step",
                   "unknown label 'nope'; the ops' labels are g, scan, w");
  expect_one_error(ops + "  - exists: [{walk: w, repeats: true}]\n", "4:21",
                   "expectations[0].exists[0].walk",
                   "'w' is a update op; walk atoms are about walk, batch_walk and "
                   "batch_walk_and_delete ops");
  expect_one_error(ops + "  - exists: [{step: g, value: 1}]\n", "4:24",
                   "expectations[0].exists[0].value", "'g' reads no value (get_next_key)");
  expect_one_error(ops + "  - exists: [{step: w, rc: ENOENTT}]\n", "4:28",
                   "expectations[0].exists[0].rc", "expected a result: 0, a negative errno");
  expect_one_error(ops + "  - exists: [{step: w, rc: 2}]\n", "4:28",
                   "expectations[0].exists[0].rc", "expected a result");
  expect_one_error(ops + "  - exists: [{step: w, walk: scan}]\n", "4:24",
                   "expectations[0].exists[0].walk", "'step' and 'walk' make two atoms");
  expect_one_error(ops + "  - exists: [{step: w, present: true}]\n", "4:24",
                   "expectations[0].exists[0].present", "an atom about a step takes rc or value");
  expect_one_error(ops + "  - exists: [{step: w}]\n", "4:14", "expectations[0].exists[0]",
                   "incomplete; an atom about a step takes rc or value");
  expect_one_error(ops + "  - exists: [{rc: 0}]\n", "4:14", "expectations[0].exists[0]",
                   "an atom names what it is about");
  expect_one_error(ops + "  - exists: [{path_event: lru.update.eexist}]\n", "4:27",
                   "expectations[0].exists[0].path_event",
                   "path events come from lru_hash and lru_percpu_hash maps only");
  expect_one_error(ops + "  - {always: [{count: 1}], never: [{count: 2}]}\n", "4:28",
                   "expectations[0].never", "one kind per expectation");
  expect_one_error(ops + "  - description: x\n", "4:5", "expectations[0]",
                   "an expectation needs one of always, never, exists, expected");
  expect_one_error("map: {type: lru_hash, key_size: 4, value_size: 8, max_entries: 4}\n"
                   "cpu0: [walk]\nexpectations: [{exists: {path_event: lru.update.nope}}]\n",
                   "3:38", "expectations[0].exists[0].path_event",
                   "unknown path event 'lru.update.nope'");
}

TEST(ScenarioYamlFieldTest, BloomFilterAtomsNameItemsAndCannotCount) {
  const std::string bloom = "map: {type: bloom_filter, key_size: 0, value_size: 4, "
                            "max_entries: 8}\ncpu0: [update 7]\nexpectations:\n";
  const ScenarioParse parse =
      parse_scenario_yaml(bloom + "  - always: [{item: 7, present: true}]\n", "t.yaml");
  ASSERT_THAT(parse.errors, ElementsAre());
  const AtomSpec& atom = parse.spec.expectations.at(0).atoms.at(0);
  EXPECT_EQ(atom.kind, AtomSpec::Kind::kFinalPresent);
  EXPECT_TRUE(atom.key.empty());
  EXPECT_EQ(atom.value, (Bytes{7, 0, 0, 0}));
  expect_one_error(bloom + "  - always: [{count: 1}]\n", "4:15", "expectations[0].always[0].count",
                   "a bloom filter cannot be counted");
  expect_one_error(bloom + "  - always: [{key: 1, present: true}]\n", "4:15",
                   "expectations[0].always[0].key",
                   "a bloom filter's atom is {item: V, present: B}");
  expect_one_error(hash_cpu0("[walk]") + "expectations: [{always: {item: 1, present: true}}]\n",
                   "3:26", "expectations[0].always[0].item",
                   "item atoms are about bloom_filter maps");
}

TEST(ScenarioYamlFieldTest, PathEventsOfOneStep) {
  const std::string lru = "map: {type: lru_hash, key_size: 4, value_size: 8, max_entries: 4}\n"
                          "cpu0: [update 1 1 as w]\nexpectations:\n";
  const ScenarioParse parse = parse_scenario_yaml(
      lru + "  - exists: [{path_event: lru.update.insert_new, step: w}]\n", "t.yaml");
  ASSERT_THAT(parse.errors, ElementsAre());
  EXPECT_EQ(parse.spec.expectations.at(0).atoms.at(0).label, "w");
  expect_one_error(lru + "  - exists: [{path_event: lru.update.insert_new, step: v}]\n", "4:56",
                   "expectations[0].exists[0].step", "unknown label 'v'");
  expect_one_error(lru + "  - exists: [{path_event: lru.update.insert_new, rc: 0}]\n", "4:50",
                   "expectations[0].exists[0].rc",
                   "an atom about a path_event takes step (optional)");
}

TEST(ScenarioYamlFieldTest, AtMostThirtyTwoProgramsAndInterrupts) {
  std::string text = "possible_cpus: 40\n" + std::string(kHashMap);
  for (int cpu = 0; cpu < 33; ++cpu) text += "cpu" + std::to_string(cpu) + ": [walk]\n";
  expect_one_error(text, "35:1", "cpu32", "the simulator runs at most 32 CPU programs and "
                                          "interrupts together, this scenario has 33");
}

TEST(ScenarioYamlFieldTest, RunSettings) {
  expect_one_error(hash_cpu0("[walk]") + "explore: {strategy: dfs}\n", "3:21",
                   "explore.strategy", "unknown strategy 'dfs'; expected random, pct, bounded or "
                                       "dpor");
  expect_one_error(hash_cpu0("[walk]") + "explore: {max_steps: 0}\n", "3:22",
                   "explore.max_steps", "expected an integer in 1..4294967295");
  expect_one_error(hash_cpu0("[walk]") + "checks: {why_off: because}\n", "3:10",
                   "checks.why_off", "every check is on");
  expect_one_error(hash_cpu0("[walk]") + "name: \"\"\n", "3:7", "name",
                   "expected a one-line, non-empty name");
}

TEST(ScenarioYamlFieldTest, EveryErrorIsReportedInFileOrder) {
  const std::string text = "map: {type: hash, key_size: 4, value_size: 8, max_entries: 4,\n"
                           "      flags: BPF_F_BOGUS}\n"
                           "cpu0: [updat 1 2, update 1 0x01]\n"
                           "cpu7: [walk]\n"
                           "explore: {strategy: dfs}\n"
                           "expectations: [{exists: {step: nope, rc: 0}}]\n";
  EXPECT_THAT(errors(text),
              ElementsAre(StartsWith("t.yaml:2:14: map.flags: unknown flag 'BPF_F_BOGUS'"),
                          StartsWith("t.yaml:3:8: cpu0[0].op: unknown op 'updat'"),
                          StartsWith("t.yaml:3:28: cpu0[1].value: expected 0x followed by 16"),
                          StartsWith("t.yaml:4:1: cpu7: no such CPU"),
                          StartsWith("t.yaml:5:21: explore.strategy: unknown strategy 'dfs'"),
                          StartsWith("t.yaml:6:32: expectations[0].exists[0].step: unknown "
                                     "label 'nope'")));
}

TEST(ScenarioYamlFieldTest, ShorthandColumnsInQuotedStrings) {
  expect_one_error(hash_cpu0("[\"update 1 0x01\"]"), "2:18", "cpu0[0].value",
                   "expected 0x followed by 16 hex digits");
  expect_one_error(std::string(kHashMap) + "cpu0:\n  - 'update  1   0x01 as w'\n", "3:18",
                   "cpu0[0].value", "expected 0x followed by 16 hex digits");
}

}  // namespace
}  // namespace mapsim::scenario
