// The fiber stack size (sim::ExplorerOptions::stack_bytes) from scenario files and the command
// line: `explore: stack_kib` parsed, range-checked (file:line:column and field), emitted and
// parsed back; `--stack-kib N` on run, replay and minimize range-checked naming the option; the
// size reaching the explorer (the Explorer's mapped stacks, the size a trace file records from
// its capture); trace files recording it, reading it back (optional, range-checked), and replay
// running on the recorded size or on --stack-kib.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli/common_options.h"
#include "cli/failure_traces.h"
#include "scenarios/run/scenario_compile.h"
#include "scenarios/run/scenario_run.h"
#include "scenarios/scenario_yaml.h"
#include "scenarios/trace/trace_file.h"
#include "sim/explorer.h"
#include "tests/support/mapsim_command_fixture.h"

namespace mapsim {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kScenario =
    "name: stacks\n"
    "map: {type: hash, key_size: 4, value_size: 8, max_entries: 4}\n"
    "cpu0: [update 1 1, delete 1]\n"
    "cpu1: [lookup 1]\n";

scenario::ScenarioParse parse_with_explore(const std::string& explore) {
  return scenario::parse_scenario_yaml(std::string(kScenario) + "explore: " + explore + "\n",
                                       "t.yaml");
}

TEST(StackSizeTest, ScenarioFieldIsParsedAndReachesTheExplorer) {
  const scenario::ScenarioParse parse = parse_with_explore("{stack_kib: 512}");
  ASSERT_TRUE(parse.ok()) << parse.errors.front();
  EXPECT_EQ(parse.spec.explore.stack_kib, 512u);
  sim::Result<scenario::CompiledScenario> compiled = scenario::compile_scenario(parse.spec);
  ASSERT_TRUE(compiled.ok()) << compiled.error();
  const sim::ExplorerOptions options = compiled.value().explorer_options();
  EXPECT_EQ(options.stack_bytes, size_t{512} << 10);
  const sim::Explorer explorer(compiled.value().scenario, options);
  EXPECT_EQ(explorer.stack_bytes(), size_t{512} << 10);
}

TEST(StackSizeTest, WithoutTheFieldTheBuildsDefaultIsKept) {
  const scenario::ScenarioParse parse =
      scenario::parse_scenario_yaml(kScenario, "t.yaml");
  ASSERT_TRUE(parse.ok());
  EXPECT_EQ(parse.spec.explore.stack_kib, 0u);
  sim::Result<scenario::CompiledScenario> compiled = scenario::compile_scenario(parse.spec);
  ASSERT_TRUE(compiled.ok());
  EXPECT_EQ(compiled.value().explorer_options().stack_bytes,
            sim::ExplorerOptions::kDefaultStackBytes);
  EXPECT_EQ(scenario::emit_scenario_yaml(parse.spec).find("stack_kib"), std::string::npos);
}

TEST(StackSizeTest, OutOfRangeValuesNameFileLineColumnAndField) {
  for (const char* bad : {"8", "15", "65537", "-1", "big", "1.5"}) {
    EXPECT_THAT(parse_with_explore(std::string("{stack_kib: ") + bad + "}").errors,
                ElementsAre(AllOf(StartsWith("t.yaml:5:22: explore.stack_kib: "),
                                  HasSubstr("expected an integer in 16..65536"))))
        << bad;
  }
  EXPECT_TRUE(parse_with_explore("{stack_kib: 16}").ok());
  EXPECT_TRUE(parse_with_explore("{stack_kib: 65536}").ok());
}

TEST(StackSizeTest, RoundTripKeepsTheSize) {
  const scenario::ScenarioParse parse = parse_with_explore("{strategy: random, stack_kib: 96}");
  ASSERT_TRUE(parse.ok());
  const std::string emitted = scenario::emit_scenario_yaml(parse.spec);
  EXPECT_NE(emitted.find("  stack_kib: 96\n"), std::string::npos) << emitted;
  const scenario::ScenarioParse back = scenario::parse_scenario_yaml(emitted, "emitted.yaml");
  ASSERT_TRUE(back.ok()) << back.errors.front();
  EXPECT_EQ(back.spec.explore, parse.spec.explore);
  EXPECT_EQ(scenario::emit_scenario_yaml(back.spec), emitted);
}

TEST(StackSizeTest, CommandLineOverrideAppliesToTheSpec) {
  scenario::ScenarioParse parse = parse_with_explore("{stack_kib: 512}");
  ASSERT_TRUE(parse.ok());
  cli::CommonOptions options;
  options.stack_kib = 64;
  EXPECT_EQ(cli::apply_overrides(options, &parse.spec), "");
  EXPECT_EQ(parse.spec.explore.stack_kib, 64u);
}

// A trace of the seeded bug's first failure, run with `stack_kib` (0: the default).
scenario::TraceFile seeded_trace(uint32_t stack_kib) {
  scenario::ScenarioParse parse = scenario::load_scenario_file(
      std::string(MAPSIM_SOURCE_DIR) + "/tests/data/cli/seeded_bug.yaml");
  EXPECT_TRUE(parse.ok());
  parse.spec.explore.stack_kib = stack_kib;
  const scenario::ScenarioResult result = scenario::run_scenario(parse.spec, {});
  EXPECT_FALSE(result.failures.empty());
  const scenario::ScenarioFailure& failure = result.failures.front();
  sim::Result<scenario::TraceFile> file = cli::make_trace_file(
      parse.spec, failure.schedule, failure.kind, failure.execution, "out/traces/t.json");
  EXPECT_TRUE(file.ok()) << file.error();
  return file.value();
}

TEST(StackSizeTest, TraceFilesRecordTheSizeTheExecutionRanWith) {
  EXPECT_EQ(seeded_trace(64).stack_kib, 64u);
  EXPECT_EQ(seeded_trace(0).stack_kib, sim::ExplorerOptions::kDefaultStackBytes >> 10);
  const scenario::TraceFile written = seeded_trace(80);
  const std::string text = scenario::trace_file_json(written);
  EXPECT_NE(text.find("\"stack_kib\":80"), std::string::npos);
  sim::Result<scenario::TraceFile> read = scenario::parse_trace_file(text, "t.json");
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read.value().stack_kib, 80u);
}

TEST(StackSizeTest, TraceFieldIsOptionalAndRangeChecked) {
  const std::string text = scenario::trace_file_json(seeded_trace(80));
  const size_t at = text.find(",\"stack_kib\":80");
  ASSERT_NE(at, std::string::npos);
  std::string without = text;
  without.erase(at, std::string(",\"stack_kib\":80").size());
  sim::Result<scenario::TraceFile> old = scenario::parse_trace_file(without, "old.json");
  ASSERT_TRUE(old.ok()) << old.error();
  EXPECT_EQ(old.value().stack_kib, 0u);
  for (const char* bad : {"8", "70000", "4294967312"}) {
    std::string edited = text;
    edited.replace(at, std::string(",\"stack_kib\":80").size(),
                   std::string(",\"stack_kib\":") + bad);
    sim::Result<scenario::TraceFile> read = scenario::parse_trace_file(edited, "e.json");
    ASSERT_FALSE(read.ok()) << bad;
    EXPECT_THAT(read.error(),
                AllOf(StartsWith("e.json: 'exploration.stack_kib' is " + std::string(bad)),
                      HasSubstr("expected 16 to 65536")))
        << bad;
  }
  std::string mistyped = text;
  mistyped.replace(at, std::string(",\"stack_kib\":80").size(), ",\"stack_kib\":\"80\"");
  sim::Result<scenario::TraceFile> read = scenario::parse_trace_file(mistyped, "m.json");
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.error(), HasSubstr("'exploration.stack_kib' must be an integer"));
}

class StackSizeCommandTest : public testing::MapsimCommandFixture {
 protected:
  static std::string seeded() { return source_file("tests/data/cli/seeded_bug.yaml"); }
};

TEST_F(StackSizeCommandTest, RunRecordsTheSizeAndReplayUsesItOrTheOption) {
  const CommandResult run = mapsim("run " + seeded() + " --executions 60 --stack-kib 96");
  ASSERT_EQ(run.status, 1) << run.out << run.err;
  const fs::path trace = folder_ / "out" / "traces" / "seeded-bug-1.json";
  ASSERT_TRUE(fs::exists(trace)) << run.out;
  EXPECT_NE(testing::read_text(trace).find("\"stack_kib\":96"), std::string::npos);
  const CommandResult replay = mapsim("replay out/traces/seeded-bug-1.json");
  EXPECT_EQ(replay.status, 0) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("fiber stacks of 96 KiB (as recorded)"), std::string::npos)
      << replay.out;
  EXPECT_NE(replay.out.find("IDENTICAL"), std::string::npos) << replay.out;
  const CommandResult larger = mapsim("replay out/traces/seeded-bug-1.json --stack-kib 2048");
  EXPECT_EQ(larger.status, 0) << larger.out << larger.err;
  EXPECT_NE(larger.out.find("fiber stacks of 2048 KiB (--stack-kib)"), std::string::npos)
      << larger.out;
}

TEST_F(StackSizeCommandTest, OutOfRangeOptionIsBadInputNamingIt) {
  for (const std::string& verb : {"run " + seeded(), std::string("replay t.json"),
                                  std::string("minimize t.json")}) {
    for (const char* bad : {"8", "65537", "x"}) {
      const CommandResult result = mapsim(verb + " --stack-kib " + bad);
      EXPECT_EQ(result.status, 2) << verb << " " << bad << "\n" << result.out << result.err;
      EXPECT_NE(result.err.find("--stack-kib"), std::string::npos)
          << verb << " " << bad << "\n" << result.err;
    }
  }
}

}  // namespace
}  // namespace mapsim
