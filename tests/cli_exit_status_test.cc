// The exit statuses of `mapsim run` (cli/exit_status.h): each verdict's status, the worst one
// winning over several scenarios (3 before 2 before 1 before 0), and the text of a scenario
// that did not pass ending with the command that reproduces it, also for failures that are not
// one execution's (an internal error such as nondeterminism). End to end, the other tests run
// the binary for each status: 0, 1 and 2 in cli_commands_test.cc, 3 from minimize there; below,
// run's output that cannot be written (the pictures folder, --json, --junit) is bad input, 2,
// whatever the scenario's own verdict below it (a failed expectation, 1).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/exit_status.h"
#include "cli/report_junit.h"
#include "cli/scenario_run_record.h"
#include "tests/support/mapsim_command_fixture.h"

namespace mapsim {
namespace {

namespace fs = std::filesystem;
using cli::ScenarioRunRecord;
using scenario::Verdict;

ScenarioRunRecord record_with(Verdict verdict) {
  ScenarioRunRecord record;
  record.result.verdict = verdict;
  record.rerun = "mapsim run x.yaml --seed 4";
  return record;
}

TEST(ExitStatusTest, EachVerdictHasItsStatus) {
  EXPECT_EQ(cli::exit_status_of(Verdict::kPass), 0);
  EXPECT_EQ(cli::exit_status_of(Verdict::kViolation), 1);
  EXPECT_EQ(cli::exit_status_of(Verdict::kFailedExpectation), 1);
  EXPECT_EQ(cli::exit_status_of(Verdict::kBadScenario), 2);
  EXPECT_EQ(cli::exit_status_of(Verdict::kInternalError), 3);
  EXPECT_EQ(cli::kExitOk, 0);
  EXPECT_EQ(cli::kExitFindings, 1);
  EXPECT_EQ(cli::kExitUsage, 2);
  EXPECT_EQ(cli::kExitInternal, 3);
}

TEST(ExitStatusTest, TheWorstStatusWinsWhateverTheOrder) {
  const std::vector<Verdict> order = {Verdict::kInternalError, Verdict::kPass,
                                      Verdict::kBadScenario, Verdict::kViolation};
  for (size_t drop = 0; drop <= order.size(); ++drop) {
    std::vector<ScenarioRunRecord> records;
    for (size_t i = 0; i < order.size(); ++i) {
      if (i != drop) records.push_back(record_with(order[i]));
    }
    const int expected = drop == 0 ? 2 : 3;  // without the internal error, bad input wins
    EXPECT_EQ(cli::exit_status_of(records), expected) << drop;
    std::reverse(records.begin(), records.end());
    EXPECT_EQ(cli::exit_status_of(records), expected) << drop;
  }
  EXPECT_EQ(cli::exit_status_of({record_with(Verdict::kPass), record_with(Verdict::kViolation)}),
            1);
  EXPECT_EQ(cli::exit_status_of({record_with(Verdict::kPass)}), 0);
  EXPECT_EQ(cli::exit_status_of(std::vector<ScenarioRunRecord>{}), 0);
}

TEST(ExitStatusTest, AnInternalErrorEndsWithTheCommandThatReproducesIt) {
  ScenarioRunRecord record = record_with(Verdict::kInternalError);
  record.result.error = "nondeterminism: execution 64 did not replay from its schedule";
  const std::string text = cli::findings_text(record);
  EXPECT_EQ(text,
            "internal_error: nondeterminism: execution 64 did not replay from its schedule\n"
            "  reproduce: mapsim run x.yaml --seed 4\n");
}

TEST(ExitStatusTest, WorstStatusOrdersInternalBadInputFindingsOk) {
  EXPECT_EQ(cli::worst_exit_status(cli::kExitFindings, cli::kExitUsage), cli::kExitUsage);
  EXPECT_EQ(cli::worst_exit_status(cli::kExitUsage, cli::kExitFindings), cli::kExitUsage);
  EXPECT_EQ(cli::worst_exit_status(cli::kExitUsage, cli::kExitInternal), cli::kExitInternal);
  EXPECT_EQ(cli::worst_exit_status(cli::kExitInternal, cli::kExitUsage), cli::kExitInternal);
  EXPECT_EQ(cli::worst_exit_status(cli::kExitOk, cli::kExitFindings), cli::kExitFindings);
  EXPECT_EQ(cli::worst_exit_status(cli::kExitOk, cli::kExitOk), cli::kExitOk);
}

class RunOutputTest : public testing::MapsimCommandFixture {
 protected:
  // `mapsim run` of the seeded bug (a failed expectation: 1 on its own) with `options`.
  CommandResult run(const std::string& options) const {
    return mapsim("run " + source_file("tests/data/cli/seeded_bug.yaml") + " --executions 60 " +
                  options);
  }
};

TEST_F(RunOutputTest, ItsOwnOutputFolderWritableTheSeededBugExitsOne) {
  const CommandResult result = run("");
  EXPECT_EQ(result.status, 1) << result.out << result.err;
  EXPECT_TRUE(fs::exists(folder_ / "out" / "index.html"));
}

TEST_F(RunOutputTest, PicturesFolderThatCannotBeCreatedIsBadInput) {
  write_file("out/pictures", "a file where the pictures folder goes\n");
  const CommandResult result = run("");
  EXPECT_EQ(result.status, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("out/pictures: cannot create the folder"), std::string::npos)
      << result.err;
}

TEST_F(RunOutputTest, IndexThatCannotBeWrittenIsBadInput) {
  fs::create_directories(folder_ / "out" / "index.html");  // a folder where the file goes
  const CommandResult result = run("");
  EXPECT_EQ(result.status, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("index.html"), std::string::npos) << result.err;
}

TEST_F(RunOutputTest, JsonOrJunitFileThatCannotBeWrittenIsBadInput) {
  write_file("blocker", "a file where a folder goes\n");
  for (const char* option : {"--json blocker/report.json", "--junit blocker/junit.xml"}) {
    const CommandResult result = run(option);
    EXPECT_EQ(result.status, 2) << option << "\n" << result.out << result.err;
    EXPECT_NE(result.err.find("blocker"), std::string::npos) << option << "\n" << result.err;
  }
}

}  // namespace
}  // namespace mapsim
