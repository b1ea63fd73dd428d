// The regression traces of scenarios/regressions/ replay bit-for-bit with this build: every
// *.json file there, run as CI runs it (`mapsim replay FILE` from the repository root), must
// print IDENTICAL and exit 0. A trace recorded with a mutant planted plants it again (its
// `mutants` field and its scenario's canary agree). Every file says what it shows (its
// `description`), and its reproduce command names the file itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/mapsim_command_fixture.h"

namespace mapsim {
namespace {

namespace fs = std::filesystem;

const fs::path kRepository = fs::path(MAPSIM_SOURCE_DIR);
const fs::path kRegressions = kRepository / "scenarios" / "regressions";

// Commands run in a scratch folder in which `scenarios` leads to the repository's, so that the
// traces are named as CI names them (scenarios/regressions/NAME.json) while the command's output
// files stay out of the source tree.
class RegressionTracesTest : public testing::MapsimCommandFixture {
 protected:
  void SetUp() override {
    MapsimCommandFixture::SetUp();
    fs::create_directory_symlink(kRepository / "scenarios", folder_ / "scenarios");
  }
};

std::vector<fs::path> regression_traces() {
  std::vector<fs::path> traces;
  for (const auto& entry : fs::directory_iterator(kRegressions)) {
    if (entry.path().extension() == ".json") traces.push_back(entry.path());
  }
  std::sort(traces.begin(), traces.end());
  return traces;
}

TEST_F(RegressionTracesTest, EveryTraceReplaysIdentically) {
  const std::vector<fs::path> traces = regression_traces();
  ASSERT_GE(traces.size(), 8u) << "scenarios/regressions/ lost its traces";
  for (const fs::path& trace : traces) {
    const std::string relative = fs::relative(trace, kRepository).string();
    const CommandResult replay = mapsim("replay " + testing::shell_quoted(relative));
    EXPECT_EQ(replay.status, 0) << relative << "\n" << replay.out << replay.err;
    EXPECT_NE(replay.out.find("\nIDENTICAL: "), std::string::npos) << relative << replay.out;
  }
}

TEST_F(RegressionTracesTest, EveryTraceSaysWhatItShowsAndHowToReplayIt) {
  int with_mutants = 0;
  int without_failure = 0;
  for (const fs::path& trace : regression_traces()) {
    const std::string relative = fs::relative(trace, kRepository).string();
    const nlohmann::json file = nlohmann::json::parse(testing::read_text(trace));
    EXPECT_GE(file.value("description", std::string()).size(), 40u) << relative;
    EXPECT_EQ(file["reproduce"], "mapsim replay " + relative);
    const std::string yaml = file["scenario_yaml"];
    if (!file["mutants"].empty()) {
      ++with_mutants;
      // The mutant it was recorded with is the scenario's canary, and replay says it plants it.
      ASSERT_EQ(file["mutants"].size(), 1u) << relative;
      const std::string mutant = file["mutants"][0];
      EXPECT_NE(yaml.find("\ncanary: " + mutant + "\n"), std::string::npos) << relative;
      const CommandResult replay = mapsim("replay " + relative);
      EXPECT_NE(replay.out.find("planting mutant " + mutant), std::string::npos) << replay.out;
      EXPECT_FALSE(file["failure"].is_null()) << relative;
    }
    without_failure += file["failure"].is_null() ? 1 : 0;
  }
  EXPECT_GE(with_mutants, 4);     // the canary and counterexamples of planted bugs
  EXPECT_GE(without_failure, 4);  // kernel behaviours users trip over (witness traces)
}

// The replay is a real comparison: the same file with one operation's recorded result changed
// no longer reproduces (exit 1), and with its mutant taken away neither does the failure.
// A file whose mutants and canary disagree is refused.
TEST_F(RegressionTracesTest, AnEditedRegressionTraceDoesNotReplay) {
  const fs::path canary = kRegressions / "canary-lru-steal-without-victim-lock.json";
  nlohmann::json file = nlohmann::json::parse(testing::read_text(canary));
  // Context 1 (CPU 2) finished its insert; context 0 was stopped inside its own by the race.
  file["results"][1]["operations"][0]["rc"] = -17;
  write_file("result.json", file.dump(1));
  const CommandResult result = mapsim("replay result.json");
  EXPECT_EQ(result.status, 1) << result.out << result.err;

  // Its mutants field emptied while its scenario still plants the canary: the file contradicts
  // itself, bad input.
  file = nlohmann::json::parse(testing::read_text(canary));
  file["mutants"] = nlohmann::json::array();
  write_file("contradicts.json", file.dump(1));
  const CommandResult contradicts = mapsim("replay contradicts.json");
  EXPECT_EQ(contradicts.status, 2) << contradicts.out << contradicts.err;
  EXPECT_NE(contradicts.err.find("'mutants' lists [] but its scenario plants "
                                 "[lru-steal-without-victim-lock]"),
            std::string::npos)
      << contradicts.err;

  // Canary and mutants both removed: the real code runs the schedule and does not fail.
  std::string yaml = file["scenario_yaml"];
  const size_t line = yaml.find("\ncanary: ") + 1;
  ASSERT_NE(line, 0u) << yaml;
  yaml.erase(line, yaml.find('\n', line) + 1 - line);
  file["scenario_yaml"] = yaml;
  write_file("real_code.json", file.dump(1));
  const CommandResult real = mapsim("replay real_code.json");
  EXPECT_EQ(real.status, 1) << real.out << real.err;
  EXPECT_NE(real.out.find("failure: recorded data_race"), std::string::npos) << real.out;
}

}  // namespace
}  // namespace mapsim
