// compile_scenario(): every StepKind on the map types it applies to, run once under the
// simulator, and the bad-input errors of the validator.
#include "scenarios/run/scenario_compile.h"

#include <gtest/gtest.h>

#include <cstring>

#include "scenarios/run/step_text.h"
#include "sim/explorer.h"
#include "sim/strategy/random_walk.h"
#include "tests/support/spec_builder.h"

namespace mapsim::scenario {
namespace {

using namespace mapsim::bpf;
using testing::key32;
using testing::le_bytes;
using testing::le_value;
using testing::make_step;
using testing::program;
using testing::spec_for;
using testing::value64;

struct Ran {
  CompiledScenario compiled;
  sim::ExploreReport report;
  std::vector<Observation> observations;
  ExecutionJudgement judgement;

  const Observation& at(const std::string& label) const {
    return observations[compiled.compiled->slot_of.at(label)];
  }
};

// One execution (the programs of different CPUs interleave at random, seed 1).
Ran run_once(const ScenarioSpec& spec) {
  Ran ran;
  sim::Result<CompiledScenario> compiled = compile_scenario(spec);
  EXPECT_TRUE(compiled.ok()) << compiled.error();
  if (!compiled.ok()) return ran;
  ran.compiled = compiled.value();
  sim::ExplorerOptions options = ran.compiled.explorer_options();
  options.max_executions = 1;
  sim::Explorer explorer(ran.compiled.scenario, options);
  sim::RandomWalkStrategy random(sim::RandomWalkOptions{1});
  ran.report = explorer.explore(random);
  const LoggedExecution& logged = ran.compiled.log->this_thread();
  ran.observations = logged.observations;
  ran.judgement = logged.judgement;
  return ran;
}

std::string compile_error(const ScenarioSpec& spec) {
  sim::Result<CompiledScenario> compiled = compile_scenario(spec);
  return compiled.ok() ? "" : compiled.error();
}

TEST(ScenarioCompileTest, SyscallAndProgramStepsOnAHashMap) {
  ScenarioSpec spec = spec_for(kMapHash, 4, kFZeroSeed);
  spec.setup = {testing::update(7, 70)};
  StepSpec next_of_null = make_step(StepKind::kGetNextKey);
  StepSpec lookup_and_delete = make_step(StepKind::kLookupAndDelete, 7);
  spec.cpus = {program(1, {testing::update(1, 10, kNoExist), testing::update(1, 11, kNoExist),
                           testing::lookup(1), testing::prog_lookup(1), next_of_null,
                           lookup_and_delete, testing::prog_delete(1), testing::lookup(1),
                           testing::prog_update(2, 20), testing::remove(2)})};
  const Ran ran = run_once(spec);
  ASSERT_TRUE(ran.report.ok()) << ran.report.error;
  EXPECT_EQ(ran.at("setup.0").rc, 0);
  EXPECT_EQ(ran.at("cpu1.0").rc, 0);
  EXPECT_EQ(ran.at("cpu1.1").rc, kEEXIST);
  EXPECT_EQ(ran.at("cpu1.2").value, value64(10));
  EXPECT_EQ(ran.at("cpu1.3").value, value64(10));
  EXPECT_EQ(ran.at("cpu1.4").rc, 0);
  EXPECT_EQ(ran.at("cpu1.4").value.size(), 4u);  // some key of the map
  EXPECT_EQ(ran.at("cpu1.5").value, value64(70));
  EXPECT_EQ(ran.at("cpu1.6").rc, 0);
  EXPECT_EQ(ran.at("cpu1.7").rc, kENOENT);
  EXPECT_EQ(ran.at("cpu1.8").rc, 0);
  EXPECT_EQ(ran.at("cpu1.9").rc, 0);
  // Times: one context, so each step starts where the previous one returned.
  for (int i = 1; i < 10; ++i) {
    const Observation& previous = ran.at("cpu1." + std::to_string(i - 1));
    const Observation& current = ran.at("cpu1." + std::to_string(i));
    EXPECT_LE(previous.invoked_step, previous.returned_step);
    EXPECT_LT(previous.returned_step, current.invoked_step);
  }
}

TEST(ScenarioCompileTest, OperationNamesAreReadable) {
  ScenarioSpec spec = spec_for(kMapHash, 4, kFZeroSeed);
  spec.cpus = {program(1, {testing::update(1, 10, kNoExist), testing::prog_lookup(1)})};
  sim::Result<CompiledScenario> compiled = compile_scenario(spec);
  ASSERT_TRUE(compiled.ok()) << compiled.error();
  EXPECT_EQ(operation_name(compiled.value().compiled->spec.cpus[0].steps[0]),
            "cpu1.0 update key=01000000 value=0a00000000000000 flags=BPF_NOEXIST");
  EXPECT_EQ(operation_name(compiled.value().compiled->spec.cpus[0].steps[1]),
            "cpu1.1 prog lookup key=01000000");
  EXPECT_EQ(result_text(kEEXIST), "-17 (EEXIST)");
  EXPECT_EQ(result_text(kENOTSUPP), "-524 (ENOTSUPP)");
}

TEST(ScenarioCompileTest, PerCpuValuesThroughTheSyscallAndAProgram) {
  ScenarioSpec spec = spec_for(kMapPercpuHash, 4, kFZeroSeed);
  StepSpec update_all = testing::update(1, 0);
  update_all.value = le_bytes(0x0b0a, 16);  // CPU 0: 0x0b0a, CPU 1: 0
  std::memcpy(update_all.value.data() + 8, "\x21\0\0\0\0\0\0\0", 8);  // CPU 1: 0x21
  spec.setup = {update_all};
  spec.cpus = {program(1, {testing::prog_lookup(1), testing::lookup(1)})};
  const Ran ran = run_once(spec);
  ASSERT_TRUE(ran.report.ok()) << ran.report.error;
  EXPECT_EQ(ran.at("cpu1.0").value, value64(0x21));  // this CPU's slot
  EXPECT_EQ(ran.at("cpu1.1").value, update_all.value);
}

TEST(ScenarioCompileTest, LookupAddElseInsertAddsWhenFoundAndInsertsOtherwise) {
  for (uint32_t type : {kMapHash, kMapLruHash, kMapArray, kMapPercpuArray, kMapLruPercpuHash}) {
    SCOPED_TRACE(type);
    const bool hashed = type != kMapArray && type != kMapPercpuArray;
    ScenarioSpec spec = spec_for(type, 4, hashed ? kFZeroSeed : 0);
    const StepSpec add = make_step(StepKind::kLookupAddElseInsert, 1, 5);
    spec.cpus = {program(0, {add, add})};
    const Ran ran = run_once(spec);
    ASSERT_TRUE(ran.report.ok()) << ran.report.error;
    // Arrays: the element exists (zero) from the start, so both are adds.
    EXPECT_EQ(ran.at("cpu0.0").found, !hashed);
    EXPECT_EQ(ran.at("cpu0.0").rc, 0);
    EXPECT_TRUE(ran.at("cpu0.1").found);
    EXPECT_EQ(le_value(ran.at("cpu0.1").value), 10u);
  }
}

TEST(ScenarioCompileTest, KeepPointerThenAddIsOneProgram) {
  ScenarioSpec spec = spec_for(kMapHash, 4, kFZeroSeed);
  spec.setup = {testing::update(1, 100)};
  spec.cpus = {program(0, {make_step(StepKind::kLookupKeepPointer, 1),
                           make_step(StepKind::kAddThroughPointer, {}, 3),
                           make_step(StepKind::kLookupKeepPointer, 9),
                           make_step(StepKind::kAddThroughPointer, {}, 3), testing::lookup(1)})};
  const Ran ran = run_once(spec);
  ASSERT_TRUE(ran.report.ok()) << ran.report.error;
  EXPECT_EQ(ran.at("cpu0.0").value, value64(100));
  EXPECT_EQ(ran.at("cpu0.1").rc, 0);
  EXPECT_EQ(ran.at("cpu0.1").value, value64(103));
  EXPECT_EQ(ran.at("cpu0.2").rc, kENOENT);
  EXPECT_EQ(ran.at("cpu0.3").rc, kENOENT);
  EXPECT_EQ(ran.at("cpu0.4").value, value64(103));
}

TEST(ScenarioCompileTest, WalkOfArrayAndHash) {
  ScenarioSpec array = spec_for(kMapArray, 3);
  array.cpus = {program(0, {testing::walk()})};
  Ran ran = run_once(array);
  ASSERT_TRUE(ran.report.ok()) << ran.report.error;
  EXPECT_EQ(ran.at("cpu0.0").walk_keys,
            (std::vector<Bytes>{key32(0), key32(1), key32(2)}));
  EXPECT_EQ(ran.at("cpu0.0").walk_lookup_rcs, (std::vector<int64_t>{0, 0, 0}));

  ScenarioSpec hash = spec_for(kMapHash, 8, kFZeroSeed);
  hash.setup = {testing::update(1, 1), testing::update(2, 2), testing::update(3, 3)};
  hash.cpus = {program(1, {testing::walk()})};
  ran = run_once(hash);
  ASSERT_TRUE(ran.report.ok()) << ran.report.error;
  std::vector<Bytes> keys = ran.at("cpu1.0").walk_keys;
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<Bytes>{key32(1), key32(2), key32(3)}));
  EXPECT_EQ(ran.at("cpu1.0").rc, 0);
}

TEST(ScenarioCompileTest, BloomFilterLpmTrieAndDevmaps) {
  ScenarioSpec bloom = spec_for(kMapBloomFilter, 16);
  bloom.map.key_size = 0;
  StepSpec push = make_step(StepKind::kUpdate, {}, 42);
  StepSpec peek = make_step(StepKind::kLookup, {}, 42);
  bloom.cpus = {program(0, {push, peek})};
  Ran ran = run_once(bloom);
  ASSERT_TRUE(ran.report.ok()) << ran.report.error;
  EXPECT_EQ(ran.at("cpu0.0").rc, 0);
  EXPECT_EQ(ran.at("cpu0.1").rc, 0);

  ScenarioSpec trie = spec_for(kMapLpmTrie, 4, kFNoPrealloc);
  trie.map.key_size = 8;  // prefixlen + 4 bytes of IPv4 address
  StepSpec insert = make_step(StepKind::kUpdate, {}, 7);
  insert.key = Bytes{24, 0, 0, 0, 10, 0, 0, 0};
  StepSpec match = make_step(StepKind::kLookup);
  match.key = Bytes{32, 0, 0, 0, 10, 0, 0, 9};
  trie.cpus = {program(0, {insert, match})};
  ran = run_once(trie);
  ASSERT_TRUE(ran.report.ok()) << ran.report.error;
  EXPECT_EQ(ran.at("cpu0.1").value, value64(7));

  for (uint32_t type : {kMapDevmap, kMapDevmapHash}) {
    SCOPED_TRACE(type);
    ScenarioSpec devmap = spec_for(type, 4);
    devmap.map.value_size = 4;
    devmap.devices = {{1, "lo"}, {5, "veth0"}};
    StepSpec to_veth = make_step(StepKind::kUpdate, 0);
    to_veth.value = le_bytes(5, 4);
    StepSpec to_nowhere = make_step(StepKind::kUpdate, 1);
    to_nowhere.value = le_bytes(6, 4);
    devmap.cpus = {program(0, {to_veth, to_nowhere, testing::lookup(0)})};
    ran = run_once(devmap);
    ASSERT_TRUE(ran.report.ok()) << ran.report.error;
    EXPECT_EQ(ran.at("cpu0.0").rc, 0);
    EXPECT_EQ(ran.at("cpu0.1").rc, kEINVAL);  // ifindex 6 is no device of this namespace
    EXPECT_EQ(ran.at("cpu0.2").value, le_bytes(5, 4));
  }
}

TEST(ScenarioCompileTest, InterruptsBecomeNestedPrograms) {
  ScenarioSpec spec = spec_for(kMapHash, 4, kFZeroSeed);
  spec.cpus = {program(0, {testing::update(1, 1)})};
  InterruptSpec irq;
  irq.cpu = 0;
  irq.steps = {testing::prog_update(2, 2)};
  spec.interrupts = {irq};
  const Ran ran = run_once(spec);
  ASSERT_TRUE(ran.report.ok()) << ran.report.error;
  EXPECT_EQ(ran.at("irq0.0").origin, Observation::Origin::kInterrupt);
  EXPECT_EQ(ran.at("irq0.0").context, 1);
  EXPECT_EQ(ran.at("irq0.0").cpu, 0);
  EXPECT_TRUE(ran.at("irq0.0").finished);
  EXPECT_EQ(ran.at("irq0.0").rc, 0);
}

TEST(ScenarioCompileTest, BadInputNamesTheFieldAndThePosition) {
  ScenarioSpec spec = spec_for(kMapHash, 4, kFZeroSeed);
  spec.file = "s.yaml";
  StepSpec short_key = testing::update(1, 1);
  short_key.key = Bytes{1, 0};
  short_key.pos = {12, 7};
  spec.cpus = {program(0, {short_key})};
  EXPECT_EQ(compile_error(spec),
            "s.yaml:12:7: cpus[0].steps[0] (cpu0.0): key: expected 4 bytes (key_size), got 2");

  spec.cpus = {program(0, {testing::update(1, 1)})};
  spec.map.max_entries = 0;
  EXPECT_EQ(compile_error(spec).rfind("s.yaml: map: BPF_MAP_CREATE fails with -22 (EINVAL)", 0),
            0u)
      << compile_error(spec);
  spec.map.max_entries = 4;

  spec.cpus = {program(2, {testing::update(1, 1)})};
  EXPECT_EQ(compile_error(spec),
            "s.yaml: cpus[0].cpu: expected 0..1 (possible_cpus is 2), got 2");

  spec.cpus = {program(0, {make_step(StepKind::kLookupAndDelete, 1, {}, 0, Via::kProgram)})};
  EXPECT_NE(compile_error(spec).find("lookup_and_delete is a bpf(2) command"), std::string::npos);

  spec.cpus = {program(0, {make_step(StepKind::kLookupKeepPointer, 1), testing::lookup(1)})};
  EXPECT_NE(compile_error(spec).find("must be followed by add_through_pointer"),
            std::string::npos);

  spec.cpus = {program(0, {testing::with_label(testing::update(1, 1), "a"),
                           testing::with_label(testing::lookup(1), "a")})};
  EXPECT_NE(compile_error(spec).find("label: 'a' names another step too"), std::string::npos);

  spec.cpus = {program(0, {testing::update(1, 1)})};
  spec.expectations = {testing::expectation(ExpectationSpec::Kind::kExists,
                                            {testing::result_atom("nope", 0)})};
  EXPECT_NE(compile_error(spec).find("no step is labelled 'nope'"), std::string::npos);
  spec.expectations.clear();

  StepSpec per_cpu_value = testing::update(1, 1);
  spec.map.map_type = kMapPercpuHash;
  spec.cpus = {program(0, {per_cpu_value})};
  EXPECT_NE(compile_error(spec).find("value: expected 16 bytes"), std::string::npos);
  spec.map.map_type = kMapHash;

  InterruptSpec irq;
  irq.cpu = 1;
  irq.steps = {testing::update(1, 1)};
  spec.interrupts = {irq};
  EXPECT_NE(compile_error(spec).find("an interrupt runs BPF program operations"),
            std::string::npos);
  spec.interrupts.clear();

  spec.checks.walks = false;
  EXPECT_NE(compile_error(spec).find("checks.why_off"), std::string::npos);
  spec.checks.why_off = "the walk is the subject";
  EXPECT_EQ(compile_error(spec), "");

  spec.explore.strategy = "bfs";
  EXPECT_NE(compile_error(spec).find("explore.strategy: expected random, pct, bounded or dpor"),
            std::string::npos);
}

}  // namespace
}  // namespace mapsim::scenario
