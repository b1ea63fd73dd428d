// `mapsim replay` of traces from other builds and older layouts, traces recorded with a mutant,
// and `mapsim run --witnesses` (traces of executions that showed an exists expectation). Run as
// a user runs it: the built binary (MAPSIM_BINARY) on tests/data/cli and the bundled scenarios.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/mapsim_command_fixture.h"

namespace mapsim {
namespace {

namespace fs = std::filesystem;

class ReplayTest : public testing::MapsimCommandFixture {
 protected:
  nlohmann::json seeded_trace() {
    EXPECT_EQ(mapsim("run " + source_file("tests/data/cli/seeded_bug.yaml")).status, 1);
    return nlohmann::json::parse(read_file("out/traces/seeded-bug-1.json"));
  }
};

// A version-1 trace written before `description` and `mutants` existed still replays.
TEST_F(ReplayTest, TraceWithoutTheFieldsAddedLaterReplaysIdentically) {
  nlohmann::json file = seeded_trace();
  ASSERT_TRUE(file.contains("description"));
  ASSERT_EQ(file["mutants"], nlohmann::json::array());
  file.erase("description");
  file.erase("mutants");
  write_file("older.json", file.dump(1));
  const CommandResult replay = mapsim("replay older.json");
  EXPECT_EQ(replay.status, 0) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("IDENTICAL"), std::string::npos) << replay.out;
}

// A trace from another build whose execution this build does differently: the note names both
// builds, the differences show where, and the explanation says what to do; exit 1.
TEST_F(ReplayTest, AnotherBuildsTraceThatDiffersIsExplained) {
  nlohmann::json file = seeded_trace();
  file["mapsim"]["version"] = "0.0.9";
  file["mapsim"]["git_describe"] = "0123abc";
  file["mapsim"]["git_commit"] = "0123abc0123abc0123abc0123abc0123abc0123a";
  file["results"][1]["operations"][1]["rc"] = -2;  // the older build's probe missed key 1
  write_file("older.json", file.dump(1));
  const CommandResult replay = mapsim("replay older.json");
  EXPECT_EQ(replay.status, 1) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("note: recorded by mapsim 0.0.9 (0123abc), replayed by mapsim "),
            std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find("results: context 1 operation 1: recorded "), std::string::npos)
      << replay.out;
  EXPECT_NE(replay.out.find("the recording comes from another build"), std::string::npos)
      << replay.out;
  EXPECT_NE(replay.out.find("(git log 0123abc0123a.."), std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find("reproduce: mapsim replay older.json"), std::string::npos);
}

// A scenario edited into another shape (one more CPU program) cannot run the schedule at all.
TEST_F(ReplayTest, AScheduleOfAnotherShapeCannotReplayAndSaysHowToRetry) {
  nlohmann::json file = seeded_trace();
  std::string yaml = file["scenario_yaml"];
  const size_t cpu2 = yaml.find("\ncpu2:\n");
  ASSERT_NE(cpu2, std::string::npos) << yaml;
  yaml.insert(cpu2 + 1, "cpu2:\n  - lookup 9\n");
  yaml.erase(yaml.find("\ncpu2:\n", cpu2 + 2), 6);  // the old cpu2 key: its steps join
  file["scenario_yaml"] = yaml;
  write_file("reshaped.json", file.dump(1));
  const CommandResult replay = mapsim("replay reshaped.json");
  EXPECT_EQ(replay.status, 1) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("DIFFERENT: cannot replay: "), std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find("fingerprint"), std::string::npos) << replay.out;
  EXPECT_EQ(replay.out.substr(replay.out.rfind("reproduce: ")),
            "reproduce: mapsim replay reshaped.json\n");
}

TEST_F(ReplayTest, ATraceNamingAMutantThisBuildLacksIsBadInput) {
  nlohmann::json file = seeded_trace();
  file["mutants"] = nlohmann::json::array({"hash-forgets-everything"});
  write_file("unknown.json", file.dump(1));
  const CommandResult replay = mapsim("replay unknown.json");
  EXPECT_EQ(replay.status, 2) << replay.out << replay.err;
  EXPECT_NE(replay.err.find("unknown.json: 'mutants': unknown mutant 'hash-forgets-everything' "
                            "(this mapsim plants lru-skip-pending-flush, "),
            std::string::npos) << replay.err;
  file["mutants"] = "hash-insert-at-tail";
  write_file("mistyped.json", file.dump(1));
  const CommandResult mistyped = mapsim("replay mistyped.json");
  EXPECT_EQ(mistyped.status, 2);
  EXPECT_NE(mistyped.err.find("'mutants' must be an array"), std::string::npos) << mistyped.err;
  EXPECT_EQ(mapsim("minimize unknown.json").status, 2);
}

TEST_F(ReplayTest, WitnessTracesShowTheExistsExpectationsAndReplay) {
  const CommandResult run =
      mapsim("run " + source_file("scenarios/suite/hash_nested_edeadlk.yaml") +
             " --witnesses");
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("    witness: mapsim replay out/witnesses/hash-nested-edeadlk-e0.json\n"),
            std::string::npos) << run.out;
  // Expectation 2 is an `always`: no witness file.
  EXPECT_FALSE(fs::exists(folder_ / "out/witnesses/hash-nested-edeadlk-e2.json"));
  const nlohmann::json witness =
      nlohmann::json::parse(read_file("out/witnesses/hash-nested-edeadlk-e0.json"));
  EXPECT_TRUE(witness["failure"].is_null());
  EXPECT_EQ(witness["description"],
            "witness of expectation 0 'the nested program met the bucket lock its own CPU "
            "holds' (exists) of scenario hash-nested-edeadlk");
  // The nested program (the interrupt's context, after CPU 0's program) got EDEADLK.
  bool edeadlk = false;
  for (const auto& context : witness["results"]) {
    if (!context["nested"]) continue;
    for (const auto& op : context["operations"]) edeadlk = edeadlk || op["rc"] == -35;
  }
  EXPECT_TRUE(edeadlk) << witness["results"];
  const CommandResult replay = mapsim("replay out/witnesses/hash-nested-edeadlk-e0.json");
  EXPECT_EQ(replay.status, 0) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("IDENTICAL"), std::string::npos);
  // Without --witnesses there are none.
  ASSERT_EQ(mapsim("run " + source_file("scenarios/suite/hash_nested_edeadlk.yaml") +
                   " --out plain").status, 0);
  EXPECT_FALSE(fs::exists(folder_ / "plain/witnesses"));
}

}  // namespace
}  // namespace mapsim
