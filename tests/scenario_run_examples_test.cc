// The example scenario files (scenarios/examples/*.yaml) and the bundled suite
// (scenarios/suite/*.yaml) parse, compile and run to the verdict their expectations promise.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "scenarios/run/scenario_run.h"
#include "scenarios/scenario_yaml.h"

namespace mapsim::scenario {
namespace {

class ScenarioRunExamplesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioRunExamplesTest, PassesItsExpectations) {
  const ScenarioParse parsed = load_scenario_file(GetParam());
  ASSERT_TRUE(parsed.ok()) << parsed.errors.front();
  RunOptions options;
  options.executions = 2000;  // keeps the test fast; the exhaustive runs are the suite's job
  const ScenarioResult result = run_scenario(parsed.spec, options);
  std::string details = result.error;
  for (const ScenarioFailure& failure : result.failures) {
    details += "\n" + failure.kind + ": " + failure.message;
  }
  for (const ExpectationResult& expectation : result.expectations) {
    details += "\nexpectation " + std::to_string(expectation.index) + " " +
               expectation_status_name(expectation.status) + ": " + expectation.message;
  }
  EXPECT_EQ(result.verdict, Verdict::kPass) << verdict_name(result.verdict) << details;
  EXPECT_GT(result.executions, 0u);
}

// The documentation's examples and the bundled suite (scenarios/suite); MAPSIM_SCENARIOS (a
// file or folder) runs others instead.
std::vector<std::string> examples() {
  if (const char* chosen = std::getenv("MAPSIM_SCENARIOS")) return scenario_files_in(chosen);
  std::vector<std::string> files;
  for (const char* folder : {"/scenarios/examples", "/scenarios/suite"}) {
    for (std::string& file : scenario_files_in(std::string(MAPSIM_SOURCE_DIR) + folder)) {
      files.push_back(std::move(file));
    }
  }
  return files;
}

INSTANTIATE_TEST_SUITE_P(Examples, ScenarioRunExamplesTest, ::testing::ValuesIn(examples()),
                         [](const ::testing::TestParamInfo<std::string>& file) {
                           std::string name = file.param.substr(file.param.rfind('/') + 1);
                           name = name.substr(0, name.find('.'));
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace mapsim::scenario
