// Scenario files (scenarios/scenario_yaml.h): what a valid file becomes, and every error path,
// each asserting the exact file:line:column, the field path and what was expected.
#include "scenarios/scenario_yaml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace mapsim::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::testing::AllOf;

constexpr const char* kHashMap = "map: {type: hash, key_size: 4, value_size: 8, max_entries: 4}\n";

ScenarioSpec parse_ok(const std::string& text) {
  const ScenarioParse parse = parse_scenario_yaml(text, "t.yaml");
  EXPECT_THAT(parse.errors, ElementsAre()) << text;
  return parse.spec;
}

std::vector<std::string> errors(const std::string& text) {
  return parse_scenario_yaml(text, "t.yaml").errors;
}

// Exactly one error, starting with "t.yaml:<where>: <path>: " and saying `what`.
void expect_one_error(const std::string& text, const std::string& where, const std::string& path,
                      const std::string& what) {
  const std::string prefix = "t.yaml:" + where + ": " + (path.empty() ? "" : path + ": ");
  EXPECT_THAT(errors(text), ElementsAre(AllOf(StartsWith(prefix),
                                              HasSubstr(what))))
      << text;
}

Bytes u32(uint32_t value) {
  return Bytes{static_cast<unsigned char>(value), static_cast<unsigned char>(value >> 8),
               static_cast<unsigned char>(value >> 16), static_cast<unsigned char>(value >> 24)};
}
Bytes u64(uint64_t value) {
  Bytes bytes(8);
  for (size_t index = 0; index < 8; ++index) {
    bytes[index] = static_cast<unsigned char>(value >> (8 * index));
  }
  return bytes;
}

TEST(ScenarioYamlTest, ShorthandAndLongFormGiveTheSameSteps) {
  const ScenarioSpec spec = parse_ok(std::string(kHashMap) +
                                     "cpu0: [update 1 10 BPF_NOEXIST via prog as w]\n"
                                     "cpu1:\n"
                                     "  - {op: update, key: 1, value: 10, flags: BPF_NOEXIST, "
                                     "via: prog, label: v}\n");
  ASSERT_EQ(spec.cpus.size(), 2u);
  StepSpec shorthand = spec.cpus[0].steps.at(0);
  StepSpec long_form = spec.cpus[1].steps.at(0);
  EXPECT_EQ(shorthand.kind, StepKind::kUpdate);
  EXPECT_EQ(shorthand.via, Via::kProgram);
  EXPECT_EQ(shorthand.key, u32(1));
  EXPECT_EQ(shorthand.value, u64(10));
  EXPECT_EQ(shorthand.flags, 1u);
  EXPECT_EQ(shorthand.label, "w");
  EXPECT_EQ(shorthand.pos, (SourcePos{2, 8}));
  EXPECT_EQ(long_form.pos, (SourcePos{4, 5}));
  shorthand.pos = long_form.pos = SourcePos{};
  long_form.label = "w";
  EXPECT_EQ(shorthand, long_form);
}

TEST(ScenarioYamlTest, DefaultsAndDefaultLabels) {
  const ScenarioSpec spec = parse_ok(std::string(kHashMap) +
                                     "setup: [update 1 1]\n"
                                     "cpu1: [walk, get_next_key, get_next_key null, "
                                     "get_next_key 1]\n"
                                     "interrupts: [{cpu: 1, ops: [delete 1]}]\n");
  EXPECT_EQ(spec.name, "t");
  EXPECT_EQ(spec.possible_cpus, 2);
  EXPECT_EQ(spec.setup.at(0).label, "setup.0");
  EXPECT_EQ(spec.cpus.at(0).cpu, 1);
  EXPECT_EQ(spec.cpus[0].steps.at(3).label, "cpu1.3");
  EXPECT_EQ(spec.cpus[0].steps[1].key, std::nullopt);
  EXPECT_EQ(spec.cpus[0].steps[2].key, std::nullopt);
  EXPECT_EQ(spec.cpus[0].steps[3].key, u32(1));
  EXPECT_EQ(spec.interrupts.at(0).steps.at(0).label, "irq0.0");
  EXPECT_EQ(spec.interrupts[0].steps[0].via, Via::kProgram);
  EXPECT_EQ(spec.explore, ExploreSpec{});
  EXPECT_EQ(spec.checks, ChecksSpec{});
}

TEST(ScenarioYamlTest, KeysAndValuesAsIntegersAndBytes) {
  const ScenarioSpec spec = parse_ok(
      "map: {type: hash, key_size: 16, value_size: 2, max_entries: 4}\n"
      "cpu0: [update 258 -1, update -2 0xabcd, update 0x0102030405060708090a0b0c0d0e0f10 65535]\n");
  const std::vector<StepSpec>& steps = spec.cpus.at(0).steps;
  Bytes key(16, 0);
  key[0] = 2;
  key[1] = 1;
  EXPECT_EQ(steps.at(0).key, key);
  EXPECT_EQ(steps[0].value, (Bytes{0xff, 0xff}));
  Bytes minus_two(16, 0xff);
  minus_two[0] = 0xfe;
  EXPECT_EQ(steps[1].key, minus_two);
  EXPECT_EQ(steps[1].value, (Bytes{0xab, 0xcd}));
  EXPECT_EQ(steps[2].key->at(0), 0x01);
  EXPECT_EQ(steps[2].key->at(15), 0x10);
}

TEST(ScenarioYamlTest, PerCpuValuesOneForAllOnePerCpuOrTheWholeBuffer) {
  const ScenarioSpec spec = parse_ok(
      "possible_cpus: 2\n"
      "map: {type: percpu_hash, key_size: 4, value_size: 4, max_entries: 4}\n"
      "cpu0: [update 1 7, 'update 1 0x0700000000000000ff00000000000000']\n"
      "cpu1: [{op: update, key: 1, value: [7, 0xff000000]}, update 1 9 via prog]\n");
  const Bytes every_cpu = {7, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0};
  const Bytes per_cpu = {7, 0, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(spec.cpus.at(0).steps.at(0).value, every_cpu);
  EXPECT_EQ(spec.cpus[0].steps.at(1).value, per_cpu);
  EXPECT_EQ(spec.cpus.at(1).steps.at(0).value, per_cpu);
  EXPECT_EQ(spec.cpus[1].steps.at(1).value, (Bytes{9, 0, 0, 0}));  // a program: its own slot
}

TEST(ScenarioYamlTest, FlagsAsNamesBarsListsOrIntegers) {
  const ScenarioSpec spec = parse_ok(
      "map: {type: lru_hash, key_size: 4, value_size: 8, max_entries: 4,\n"
      "      flags: [BPF_F_NO_COMMON_LRU, BPF_F_ZERO_SEED]}\n"
      "cpu0: [update 1 1 BPF_EXIST|BPF_F_LOCK, {op: update, key: 1, value: 1, flags: 1024}]\n");
  EXPECT_EQ(spec.map.map_flags, 2u | 64u);
  EXPECT_EQ(spec.cpus.at(0).steps.at(0).flags, 2u | 4u);
  EXPECT_EQ(spec.cpus[0].steps.at(1).flags, 1024u);
}

TEST(ScenarioYamlTest, DescriptionFromTheOpeningCommentOrTheKey) {
  EXPECT_EQ(parse_ok("# first line\n#  indented\n#\n# => result\n" + std::string(kHashMap) +
                     "cpu0: [walk]\n# not part of it\n")
                .description,
            "first line\n indented\n\n=> result");
  EXPECT_EQ(parse_ok("\xef\xbb\xbf# after a byte order mark\r\n" + std::string(kHashMap) +
                     "cpu0: [walk]\n")
                .description,
            "after a byte order mark");
  EXPECT_EQ(parse_ok("# comment\ndescription: key wins\n" + std::string(kHashMap) +
                     "cpu0: [walk]\n")
                .description,
            "key wins");
}

TEST(ScenarioYamlTest, ExpectationsAndAtoms) {
  const ScenarioSpec spec = parse_ok(
      "map: {type: lru_hash, key_size: 4, value_size: 8, max_entries: 4}\n"
      "cpu0: [update 1 1 as w, walk as scan, lookup 1 via prog as r]\n"
      "expectations:\n"
      "  - exists: {step: w, rc: -ENOENT}\n"
      "  - never: [{step: w, rc: -17}, {walk: scan, skips: true}, {step: r, value: 1}]\n"
      "  - always: [{key: 1, present: false}, {key: 1, value: 2}, {count: 3}]\n"
      "  - expected: [{path_event: lru.update.eexist}, {walk: scan, repeats: yes}]\n"
      "    description: documented\n");
  ASSERT_EQ(spec.expectations.size(), 4u);
  using Kind = AtomSpec::Kind;
  EXPECT_EQ(spec.expectations[0].kind, ExpectationSpec::Kind::kExists);
  EXPECT_EQ(spec.expectations[0].atoms.at(0).rc, -2);
  EXPECT_EQ(spec.expectations[1].atoms.at(0).rc, -17);
  EXPECT_EQ(spec.expectations[1].atoms.at(1).kind, Kind::kWalkSkips);
  EXPECT_EQ(spec.expectations[1].atoms.at(2).value, u64(1));
  EXPECT_EQ(spec.expectations[2].atoms.at(0).kind, Kind::kFinalPresent);
  EXPECT_FALSE(spec.expectations[2].atoms[0].flag);
  EXPECT_EQ(spec.expectations[2].atoms.at(2).count, 3u);
  EXPECT_EQ(spec.expectations[3].atoms.at(0).event, "lru.update.eexist");
  EXPECT_EQ(spec.expectations[3].description, "documented");
}

// The complete scenarios (a map and a CPU program; other blocks are fragments) in ```yaml
// blocks of a documentation file; each must parse.
int expect_yaml_blocks_parse(const std::string& relative_path) {
  std::ifstream file(std::string(MAPSIM_SOURCE_DIR) + "/" + relative_path);
  EXPECT_TRUE(file) << relative_path;
  std::stringstream text;
  text << file.rdbuf();
  const std::string doc = text.str();
  int complete = 0;
  for (size_t start = doc.find("```yaml\n"); start != std::string::npos;
       start = doc.find("```yaml\n", start + 1)) {
    const size_t body = start + 8;
    const std::string block = doc.substr(body, doc.find("```", body) - body);
    if (block.find("\nmap:") == std::string::npos && block.rfind("map:", 0) != 0) continue;
    if (block.find("\ncpu0:") == std::string::npos) continue;
    ++complete;
    EXPECT_THAT(parse_scenario_yaml(block, relative_path).errors, ElementsAre()) << block;
  }
  return complete;
}

TEST(ScenarioYamlTest, CompleteExamplesInTheDocumentationParse) {
  EXPECT_GE(expect_yaml_blocks_parse("docs/scenario-format.md"), 5);
  EXPECT_GE(expect_yaml_blocks_parse("README.md"), 1);
}

// ---- errors: YAML and structure ----

TEST(ScenarioYamlErrorTest, SyntaxErrorHasAPosition) {
  expect_one_error(std::string(kHashMap) + "cpu0: [update 1 2\ncpu1: [walk]\n", "3:5", "",
                   "YAML syntax error");
  EXPECT_THAT(errors("a: 1\n  b: 2\n"), ElementsAre(StartsWith("t.yaml:2:4: YAML syntax error")));
}

TEST(ScenarioYamlErrorTest, EmptyFileAndSecondDocument) {
  EXPECT_THAT(errors("# nothing\n"), ElementsAre(StartsWith("t.yaml:1:1: empty scenario")));
  EXPECT_THAT(errors(std::string(kHashMap) + "cpu0: [walk]\n---\nx: 1\n"),
              ElementsAre(StartsWith("t.yaml:3:1: a second YAML document")));
  EXPECT_THAT(errors("- a\nb: 1\n"), ElementsAre(StartsWith("t.yaml:2:1: a second YAML document")));
  EXPECT_THAT(errors("- a\n"), ElementsAre(StartsWith("t.yaml:1:1: expected a scenario")));
}

// yaml-cpp 0.7's LoadAll never returns on these (upstream issue #1040): the parser must.
TEST(ScenarioYamlErrorTest, StrayCommaAtTheTopIsAnErrorNotAHang) {
  EXPECT_THAT(errors(", b\n"), ElementsAre(StartsWith("t.yaml:1:1: YAML syntax error: no YAML "
                                                      "value starts here")));
  EXPECT_THAT(errors("# about\n  , add 5\nmap: {}\n"),
              ElementsAre(StartsWith("t.yaml:2:3: YAML syntax error: no YAML value")));
  EXPECT_THAT(errors(std::string(kHashMap) + "cpu0: [walk]\n---\n,\n"),
              ElementsAre(StartsWith("t.yaml:3:1: a second YAML document starts here")));
  EXPECT_THAT(errors(std::string(kHashMap) + "cpu0: [walk]\n---\n# nothing more\n"),
              ElementsAre());
}

TEST(ScenarioYamlErrorTest, UnknownKeysListTheAllowedOnes) {
  expect_one_error(std::string(kHashMap) + "cpu0: [walk]\nexplore: {strategy: dpor}\ncpus: 1\n",
                   "4:1", "cpus", "unknown key; a scenario (a map of map:, cpu0:, ...) takes "
                                  "name, description, possible_cpus");
  expect_one_error("map: {type: hash, key_size: 4, value_size: 8, max_entries: 4, size: 3}\n"
                   "cpu0: [walk]\n",
                   "1:63", "map.size", "takes type, key_size, value_size, max_entries, flags");
  expect_one_error(std::string(kHashMap) + "cpu0: [{op: walk, cpu: 1}]\n", "2:19", "cpu0[0].cpu",
                   "an op takes op, key, value, flags, via, label");
  expect_one_error(std::string(kHashMap) + "cpu0: [walk]\nexplore: {budget: 3}\n", "3:11",
                   "explore.budget", "takes strategy, executions, max_steps, time_seconds");
  expect_one_error(std::string(kHashMap) + "cpu0: [walk as s]\nexpectations:\n"
                   "  - exists: [{walk: s, repeat: true}]\n",
                   "4:24", "expectations[0].exists[0].repeat", "an atom takes step, walk, key");
  expect_one_error(std::string(kHashMap) + "cpu0: [walk]\nchecks: {lin: false}\n", "3:10",
                   "checks.lin", "takes invariants, linearizability, races, walks, why_off");
}

TEST(ScenarioYamlErrorTest, DuplicateKeys) {
  expect_one_error(std::string(kHashMap) + "cpu0: [walk]\ncpu0: [walk]\n", "3:1", "cpu0",
                   "duplicate key");
}

TEST(ScenarioYamlErrorTest, MissingRequiredFields) {
  expect_one_error("cpu0: [walk]\n", "1:1", "map", "missing; a scenario needs a map");
  expect_one_error("map: {type: hash, key_size: 4, value_size: 8}\ncpu0: [walk]\n", "1:1",
                   "map.max_entries", "missing");
  expect_one_error(kHashMap, "1:1", "cpu0", "at least one CPU program");
  expect_one_error(std::string(kHashMap) + "cpu0: [{key: 1}]\n", "2:8", "cpu0[0].op", "missing");
  expect_one_error(std::string(kHashMap) + "cpu0: [update 1]\n", "2:8", "cpu0[0].value",
                   "missing; expected update KEY VALUE");
  expect_one_error(std::string(kHashMap) + "cpu0: [delete]\n", "2:8", "cpu0[0].key",
                   "missing; expected delete KEY");
  expect_one_error(std::string(kHashMap) + "cpu0: [walk]\ninterrupts: [{cpu: 0}]\n", "3:14",
                   "interrupts[0].ops", "missing");
  expect_one_error(std::string(kHashMap) + "cpu0: [walk as s]\nexpectations:\n"
                   "  - expected: [{walk: s, repeats: true}]\n",
                   "4:5", "expectations[0].description", "missing; an expected outcome");
  expect_one_error(std::string(kHashMap) + "cpu0: [walk]\nchecks: {races: false}\n", "3:1",
                   "checks.why_off", "missing; a check turned off needs the reason");
}

TEST(ScenarioYamlErrorTest, WrongTypes) {
  expect_one_error("possible_cpus: \"2\"\n" + std::string(kHashMap) + "cpu0: [walk]\n", "1:16",
                   "possible_cpus", "expected an integer in 1..4096, got the quoted string \"2\"");
  expect_one_error("map: {type: hash, key_size: [4], value_size: 8, max_entries: 4}\n"
                   "cpu0: [walk]\n",
                   "1:29", "map.key_size", "expected an integer in 0..512, got a list");
  expect_one_error(std::string(kHashMap) + "cpu0: walk\ncpu1: {op: walk, a: 1}\n", "3:18",
                   "cpu1[0].a", "unknown key");
  expect_one_error(std::string(kHashMap) + "cpu0: [[walk]]\n", "2:8", "cpu0[0]",
                   "expected an op: a string such as 'update 1 10'");
  expect_one_error(std::string(kHashMap) + "cpu0: [walk]\nchecks: {races: maybe, why_off: x}\n",
                   "3:17", "checks.races", "expected true or false, got 'maybe'");
  expect_one_error(std::string(kHashMap) + "cpu0: [walk]\nexplore: {time_seconds: -1}\n",
                   "3:25", "explore.time_seconds", "expected a number of seconds >= 0");
  expect_one_error(std::string(kHashMap) + "cpu0: [walk]\nexpectations: {always: []}\n", "3:15",
                   "expectations", "expected a list of expectations, got a map");
}

// The error paths no test above reaches (found with gcov over the parser's tests).
TEST(ScenarioYamlErrorTest, RemainingErrorPaths) {
  const std::string devmap = "map: {type: devmap, key_size: 4, value_size: 4, max_entries: 4}\n";
  expect_one_error(devmap + "devices: [lo]\ncpu0: [walk]\n", "2:10", "devices",
                   "expected a map of ifindex to device name, such as {1: lo, 3: veth0}, got a "
                   "list");
  expect_one_error(devmap + "devices: {1: lo, 1: eth0}\ncpu0: [walk]\n", "2:18", "devices.1",
                   "duplicate ifindex; each device is declared once");
  expect_one_error("map: {type: hash, key_size: 4, value_size: 8, max_entries: 4, flags: {a: 1}}\n"
                   "cpu0: [walk]\n",
                   "1:70", "map.flags",
                   "expected flag names (\"A|B\" or a list) or an integer, got a map");
  expect_one_error(std::string(kHashMap) + "cpu0: [walk]\nexpectations:\n  - always: []\n",
                   "4:13", "expectations[0].always",
                   "no atoms; expected at least one, such as {step: w, rc: EEXIST}");
  expect_one_error("map: {type: hash, key_size: 4, value_size: 0, max_entries: 4}\n"
                   "cpu0: [update 1 2]\n",
                   "2:17", "cpu0[0].value", "expected 0x (zero bytes), got '2'");
  EXPECT_THAT(errors(std::string(kHashMap) + "cpu0:\n"),
              ElementsAre("t.yaml:2:1: cpu0: expected a list of ops (such as [update 1 10, "
                          "lookup 1 via prog]), got nothing",
                          "t.yaml:2:1: cpu0: no ops; a program needs at least one op"));
}

}  // namespace
}  // namespace mapsim::scenario
