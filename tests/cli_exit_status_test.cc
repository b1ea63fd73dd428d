// The exit statuses of `mapsim run` (cli/exit_status.h): each verdict's status, the worst one
// winning over several scenarios (3 before 2 before 1 before 0), and the text of a scenario
// that did not pass ending with the command that reproduces it, also for failures that are not
// one execution's (an internal error such as nondeterminism). End to end, the other tests run
// the binary for each status: 0, 1 and 2 in cli_commands_test.cc, 3 from minimize there and
// from run below (pictures that cannot be written).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/exit_status.h"
#include "cli/report_junit.h"
#include "cli/scenario_run_record.h"
#include "tests/support/mapsim_command.h"

#ifndef MAPSIM_BINARY
#error "tests/CMakeLists.txt passes the path of the mapsim executable as MAPSIM_BINARY"
#endif

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

TEST(ExitStatusTest, RunThatCannotWriteItsPicturesExitsThree) {
  const fs::path folder = fs::path(::testing::TempDir()) /
                          ("cli_exit_status_" + std::to_string(::getpid()));
  fs::remove_all(folder);
  testing::write_text(folder / "out" / "pictures", "a file where the pictures folder goes\n");
  const std::string seeded = testing::shell_quoted(
      (fs::path(MAPSIM_SOURCE_DIR) / "tests/data/cli/seeded_bug.yaml").string());
  const testing::CommandResult run = testing::run_command(MAPSIM_BINARY, "run " + seeded, folder);
  EXPECT_EQ(run.status, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("out/pictures: cannot create the folder"), std::string::npos)
      << run.err;
  fs::remove_all(folder);
}

}  // namespace
}  // namespace mapsim
