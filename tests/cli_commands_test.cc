// The `mapsim run / replay / minimize` command lines, run as a user runs them: the built binary
// (MAPSIM_BINARY) on the scenario files of tests/data/cli/ and scenarios/examples/.
//
// Every exit status (0 pass, 1 findings, 2 bad input, 3 internal error), failure messages that
// end with a working reproduce command, replay bit-exact and diverging, traces from another
// build, corrupt and foreign trace files, --jobs 1 and --jobs 3 writing identical reports and
// traces, canaries (caught on any thread count, missed), well-formed JUnit XML, and
// minimisation of a seeded bug to its essential steps.
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/mapsim_command_fixture.h"

namespace mapsim {
namespace {

namespace fs = std::filesystem;

class CommandsTest : public testing::MapsimCommandFixture {
 protected:
  // A scenario file of tests/data/cli/, quoted.
  static std::string data(const std::string& name) {
    return source_file("tests/data/cli/" + name);
  }
  // Runs the seeded bug (it fails) and returns the first trace's path, relative to folder_.
  std::string failing_trace() {
    const CommandResult run = mapsim("run " + data("seeded_bug.yaml"));
    EXPECT_EQ(run.status, 1) << run.out << run.err;
    EXPECT_TRUE(fs::exists(folder_ / "out/traces/seeded-bug-1.json")) << run.out;
    return "out/traces/seeded-bug-1.json";
  }
};

TEST_F(CommandsTest, PassingScenarioExitsZeroAndWritesBothReports) {
  const CommandResult run = mapsim("run " + data("passing.yaml") + " --json extra.json");
  EXPECT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("PASS  passing"), std::string::npos) << run.out;
  const nlohmann::json report = nlohmann::json::parse(read_file("out/report.json"));
  EXPECT_EQ(report["exit_status"], 0);
  EXPECT_EQ(report["scenarios"][0]["verdict"], "pass");
  EXPECT_EQ(report["scenarios"][0]["counts"]["executions"], 4);
  EXPECT_TRUE(report["scenarios"][0]["ended_by"]["exhausted"]);
  EXPECT_EQ(read_file("extra.json"), read_file("out/report.json"));
  EXPECT_TRUE(fs::exists(folder_ / "out/junit.xml"));
}

TEST_F(CommandsTest, FailureExitsOneAndEveryFailureEndsWithItsReproduceCommand) {
  const CommandResult run = mapsim("run " + data("seeded_bug.yaml"));
  EXPECT_EQ(run.status, 1) << run.out << run.err;
  // Each failure message's last line is the command; that command works.
  const std::string command = "reproduce: mapsim replay ";
  const size_t at = run.out.find(command);
  ASSERT_NE(at, std::string::npos) << run.out;
  const size_t from = at + command.size();
  const std::string trace = run.out.substr(from, run.out.find('\n', from) - from);
  EXPECT_EQ(trace, "out/traces/seeded-bug-1.json");
  const CommandResult replay = mapsim("replay " + trace);
  EXPECT_EQ(replay.status, 0) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("IDENTICAL"), std::string::npos) << replay.out;
  const nlohmann::json report = nlohmann::json::parse(read_file("out/report.json"));
  for (const auto& failure : report["scenarios"][0]["failures"]) {
    EXPECT_EQ(failure["reproduce"], "mapsim replay " + failure["trace"].get<std::string>());
  }
}

TEST_F(CommandsTest, UnmetExistsExpectationEndsWithTheRunCommand) {
  write_file("never_shown.yaml",
             "name: never-shown\n"
             "map: {type: hash, key_size: 4, value_size: 8, max_entries: 4}\n"
             "cpu0: [update 1 1]\n"
             "expectations:\n  - exists: [{key: 1, present: false}]\n");
  const CommandResult run = mapsim("run never_shown.yaml --seed 5");
  EXPECT_EQ(run.status, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("reproduce: mapsim run never_shown.yaml --seed 5"), std::string::npos)
      << run.out;
}

TEST_F(CommandsTest, CaughtCanaryPassesOnAnyThreadCountAndItsTraceReplaysWithTheMutant) {
  const std::string canary = testing::shell_quoted(
      (fs::path(MAPSIM_SOURCE_DIR) / "scenarios/suite/canary_lru_steal_without_victim_lock.yaml")
          .string());
  const CommandResult one = mapsim("run " + canary, folder_ / "one");
  const CommandResult three = mapsim("run " + canary + " --jobs 3", folder_ / "three");
  ASSERT_EQ(one.status, 0) << one.out << one.err;
  EXPECT_EQ(three.status, 0) << three.out << three.err;
  EXPECT_EQ(read_file("one/out/report.json"), read_file("three/out/report.json"));
  const nlohmann::json report = nlohmann::json::parse(read_file("one/out/report.json"));
  ASSERT_FALSE(report["scenarios"][0]["failures"].empty());
  const std::string trace = report["scenarios"][0]["failures"][0]["trace"];
  const CommandResult replay = mapsim("replay " + trace, folder_ / "one");
  EXPECT_EQ(replay.status, 0) << replay.out << replay.err;

  // The same mutant planted where it cannot matter is missed: the run fails and says how to
  // rerun it (no execution failed, so there is no trace).
  write_file("missed.yaml",
             "name: missed\ncanary: lru-steal-without-victim-lock\n"
             "map: {type: hash, key_size: 4, value_size: 8, max_entries: 4}\n"
             "cpu0: [update 1 1]\ncpu1: [update 2 2]\n");
  const CommandResult missed = mapsim("run missed.yaml --jobs 2");
  EXPECT_EQ(missed.status, 1) << missed.out << missed.err;
  EXPECT_NE(missed.out.find("canary: the planted mutant"), std::string::npos) << missed.out;
  EXPECT_NE(missed.out.find("reproduce: mapsim run missed.yaml"), std::string::npos)
      << missed.out;
}

TEST_F(CommandsTest, BadInputExitsTwoWithFileLineAndField) {
  const CommandResult bad = mapsim("run " + data("bad_scenario.yaml"));
  EXPECT_EQ(bad.status, 2) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("bad_scenario.yaml:5:1: colour: unknown key"), std::string::npos)
      << bad.out;
  EXPECT_EQ(mapsim("run no/such/file.yaml").status, 2);
  EXPECT_EQ(mapsim("run " + data("passing.yaml") + " --jobs 0").status, 2);
  EXPECT_EQ(mapsim("run " + data("passing.yaml") + " --seed banana").status, 2);
  EXPECT_EQ(mapsim("replay").status, 2);
  EXPECT_EQ(mapsim("run").status, 2);
}

TEST_F(CommandsTest, CorruptAndForeignTraceFilesExitTwoWithAClearError) {
  write_file("garbage.json", "{\"format\": \"mapsim-trace\", \"format_vers");
  write_file("foreign.json", "{\"name\": \"not a trace\"}");
  write_file("newer.json",
             "{\"format\": \"mapsim-trace\", \"format_version\": 99}");
  const CommandResult garbage = mapsim("replay garbage.json");
  EXPECT_EQ(garbage.status, 2);
  EXPECT_NE(garbage.err.find("garbage.json: not valid JSON"), std::string::npos) << garbage.err;
  const CommandResult foreign = mapsim("replay foreign.json");
  EXPECT_EQ(foreign.status, 2);
  EXPECT_NE(foreign.err.find("'format' is missing"), std::string::npos) << foreign.err;
  const CommandResult newer = mapsim("replay newer.json");
  EXPECT_EQ(newer.status, 2);
  EXPECT_NE(newer.err.find("a newer mapsim"), std::string::npos) << newer.err;
  EXPECT_EQ(mapsim("replay missing.json").status, 2);
  EXPECT_EQ(mapsim("minimize garbage.json").status, 2);
  // A report is JSON but not a trace.
  ASSERT_EQ(mapsim("run " + data("passing.yaml")).status, 0);
  const CommandResult report = mapsim("replay out/report.json");
  EXPECT_EQ(report.status, 2);
  EXPECT_NE(report.err.find("not a mapsim trace file"), std::string::npos) << report.err;
}

TEST_F(CommandsTest, ReplayOfAnEditedScheduleSaysWhereItDiverges) {
  const std::string trace = failing_trace();
  nlohmann::json file = nlohmann::json::parse(read_file(trace));
  auto& choices = file["schedule"]["choices"];
  // Give the first step to another context than the recording did.
  choices[0] = choices[0].get<int>() == 0 ? 1 : 0;
  write_file("edited.json", file.dump(1));
  const CommandResult replay = mapsim("replay edited.json");
  EXPECT_EQ(replay.status, 1) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("DIFFERENT"), std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find("trace records differ from record"), std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find("recorded: step 0"), std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find("replayed: step 0"), std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find("reproduce: mapsim replay edited.json"), std::string::npos);

  // A changed result in the recording is a difference too.
  file = nlohmann::json::parse(read_file(trace));
  file["results"][0]["operations"][0]["rc"] = -7;
  write_file("result.json", file.dump(1));
  const CommandResult result = mapsim("replay result.json");
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.out.find("results: context 0 operation 0"), std::string::npos) << result.out;
}

TEST_F(CommandsTest, ReplayOfAnotherBuildsTraceNotesTheBuildAndStillReproduces) {
  const std::string trace = failing_trace();
  nlohmann::json file = nlohmann::json::parse(read_file(trace));
  file["mapsim"]["git_describe"] = "0123abc";
  file["mapsim"]["git_commit"] = "0123abc0123abc0123abc0123abc0123abc0123a";
  write_file("older.json", file.dump(1));
  const CommandResult replay = mapsim("replay older.json");
  EXPECT_EQ(replay.status, 0) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("note: recorded by mapsim 0.1.0 (0123abc)"), std::string::npos)
      << replay.out;
  EXPECT_NE(replay.out.find("IDENTICAL"), std::string::npos);
}

TEST_F(CommandsTest, MinimizeShrinksTheSeededBugToItsEssentialSteps) {
  const std::string trace = failing_trace();
  const CommandResult minimize = mapsim("minimize " + trace + " -o small.json");
  ASSERT_EQ(minimize.status, 0) << minimize.out << minimize.err;
  EXPECT_NE(minimize.out.find("before: 12 operations"), std::string::npos) << minimize.out;
  EXPECT_NE(minimize.out.find("after:  3 operations"), std::string::npos) << minimize.out;
  EXPECT_NE(minimize.out.find("reproduce: mapsim replay small.json"), std::string::npos);
  const nlohmann::json small = nlohmann::json::parse(read_file("small.json"));
  const std::string yaml = small["scenario_yaml"];
  // insert and remove on CPU 0, probe on CPU 1, two CPUs, nothing else.
  EXPECT_NE(yaml.find("possible_cpus: 2"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("cpu0:\n  - update 1 1 as insert\n  - delete 1 as remove\n"),
            std::string::npos) << yaml;
  EXPECT_NE(yaml.find("cpu1:\n  - lookup 1 as probe\n"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("\nsetup:"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("\ncpu2:"), std::string::npos) << yaml;
  EXPECT_EQ(small["failure"]["kind"], "never");
  EXPECT_NE(minimize.out.find(" 1 preemptions ("), std::string::npos) << minimize.out;
  const CommandResult replay = mapsim("replay small.json");
  EXPECT_EQ(replay.status, 0) << replay.out << replay.err;
}

TEST_F(CommandsTest, MinimizeOfATraceWhoseFailureDoesNotReplayIsAnInternalError) {
  const std::string trace = failing_trace();
  nlohmann::json file = nlohmann::json::parse(read_file(trace));
  file["failure"]["kind"] = "deadlock";  // the schedule fails otherwise
  write_file("lying.json", file.dump(1));
  const CommandResult minimize = mapsim("minimize lying.json --executions 20");
  EXPECT_EQ(minimize.status, 3) << minimize.out << minimize.err;
  EXPECT_NE(minimize.err.find("does not fail the same way"), std::string::npos)
      << minimize.err;
  // A trace without a failure has nothing to minimize: bad input.
  file["failure"] = nullptr;
  write_file("clean.json", file.dump(1));
  EXPECT_EQ(mapsim("minimize clean.json").status, 2);
}

TEST_F(CommandsTest, OneJobAndThreeJobsWriteIdenticalReportsAndTraces) {
  const std::string paths = source_file("scenarios/examples") + " " + data("seeded_bug.yaml") +
                            " " + data("passing.yaml");
  const CommandResult one = mapsim("run " + paths + " --jobs 1", folder_ / "one");
  const CommandResult three = mapsim("run " + paths + " --jobs 3", folder_ / "three");
  ASSERT_EQ(one.status, 1) << one.out << one.err;
  ASSERT_EQ(three.status, 1) << three.out << three.err;
  EXPECT_EQ(read_file("one/out/report.json"), read_file("three/out/report.json"));
  EXPECT_EQ(read_file("one/out/junit.xml"), read_file("three/out/junit.xml"));
  size_t traces = 0;
  for (const auto& entry : fs::directory_iterator(folder_ / "one/out/traces")) {
    const fs::path other = folder_ / "three/out/traces" / entry.path().filename();
    EXPECT_EQ(testing::read_text(entry.path()), testing::read_text(other)) << entry.path();
    ++traces;
  }
  EXPECT_GT(traces, 0u);
  // Stopping strategies and seeds: random, pct and bounded split by other rules.
  for (const char* strategy : {"random", "pct", "bounded"}) {
    const std::string options = std::string(" --strategy ") + strategy + " --executions 150";
    mapsim("run " + data("seeded_bug.yaml") + options + " --jobs 1", folder_ / "s1");
    mapsim("run " + data("seeded_bug.yaml") + options + " --jobs 3", folder_ / "s3");
    EXPECT_EQ(read_file("s1/out/report.json"), read_file("s3/out/report.json"))
        << strategy;
  }
}

TEST_F(CommandsTest, JUnitReportIsWellFormedXmlWithOneTestcasePerScenario) {
  const CommandResult run = mapsim("run " + data("passing.yaml") + " " + data("seeded_bug.yaml") +
                                   " " + data("bad_scenario.yaml") + " --junit ci.xml");
  EXPECT_EQ(run.status, 2) << run.out << run.err;  // bad input outranks findings
  const std::string xml = read_file("ci.xml");
  xmlDocPtr document = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "junit.xml",
                                     nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR);
  ASSERT_NE(document, nullptr) << xml;
  xmlNodePtr root = xmlDocGetRootElement(document);
  ASSERT_NE(root, nullptr);
  EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "testsuites");
  int testcases = 0;
  int failures = 0;
  int errors = 0;
  for (xmlNodePtr suite = root->children; suite != nullptr; suite = suite->next) {
    if (suite->type != XML_ELEMENT_NODE) continue;
    for (xmlNodePtr test = suite->children; test != nullptr; test = test->next) {
      if (test->type != XML_ELEMENT_NODE) continue;
      ++testcases;
      for (xmlNodePtr child = test->children; child != nullptr; child = child->next) {
        if (child->type != XML_ELEMENT_NODE) continue;
        const std::string name = reinterpret_cast<const char*>(child->name);
        failures += name == "failure" ? 1 : 0;
        errors += name == "error" ? 1 : 0;
      }
    }
  }
  xmlFreeDoc(document);
  EXPECT_EQ(testcases, 3);
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(errors, 1);
  EXPECT_NE(xml.find("reproduce: mapsim replay out/traces/seeded-bug-1.json"),
            std::string::npos);
  EXPECT_EQ(read_file("ci.xml"), read_file("out/junit.xml"));
}

}  // namespace
}  // namespace mapsim
