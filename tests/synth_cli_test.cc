// `mapsim synth` as a user runs it: the scenario file it writes and its exit statuses
// (cli/synth_command.h): 0 written, 2 bad request, 3 solver timeout.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "scenarios/scenario_yaml.h"

namespace {

int run(const std::string& arguments) {
  const std::string command = std::string(MAPSIM_BINARY) + " synth " + arguments + " 2>/dev/null";
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

TEST(SynthCli, WritesAScenarioThatExpectsItsNode) {
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / "mapsim_synth_cli_test.yaml";
  std::filesystem::remove(out);
  ASSERT_EQ(run("--target lru.pop.refill_miss --lru common -o " + out.string()), 0);
  const auto parse = mapsim::scenario::load_scenario_file(out.string());
  ASSERT_TRUE(parse.ok()) << parse.errors.front();
  ASSERT_EQ(parse.spec.expectations.size(), 1u);
  EXPECT_EQ(parse.spec.expectations[0].atoms.at(0).event, "lru.pop.refill_miss");
  EXPECT_NE(parse.spec.description.find("Reaches lru.pop.refill_miss"), std::string::npos);
  std::filesystem::remove(out);
}

TEST(SynthCli, BadRequestsExitTwo) {
  EXPECT_EQ(run("--target lru.no_such_node > /dev/null"), 2);
  EXPECT_EQ(run("--target 9999 > /dev/null"), 2);
  EXPECT_EQ(run("--target lru.percpu.free_hit --lru common > /dev/null"), 2);
  EXPECT_EQ(run("--target lru.steal.begin --lru percpu > /dev/null"), 2);
  EXPECT_EQ(run("--target lru.update.begin --lru mixed > /dev/null"), 2);
  EXPECT_EQ(run("--target lru.update.begin --cpus 0 > /dev/null"), 2);
  EXPECT_EQ(run("> /dev/null"), 2);
}

TEST(SynthCli, SolverTimeoutExitsThree) {
  EXPECT_EQ(run("--target lru.steal.local_lock_failed --timeout 0.000001 > /dev/null"), 3);
}

TEST(SynthCli, ListsTheNodesOfAFlowchart) {
  EXPECT_EQ(run("--list --lru percpu > /dev/null"), 0);
}

}  // namespace
