// `mapsim minimize` keeps the failure a trace shows, not merely its kind: the same check and
// expectation (cli/failure_identity.h); and for a canary's trace (a mutant planted) every
// smaller scenario must still pass on the real code, so the result is the planted bug's
// essential steps rather than any failure. Then the schedule's preemptions shrink. Run as a
// user runs it: the built binary (MAPSIM_BINARY).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/mapsim_command_fixture.h"

namespace mapsim {
namespace {

namespace fs = std::filesystem;

// A canary with noise: the bug (an update checking capacity before existence) needs only the
// two setup inserts that fill the map and the NOEXIST update of a present key. The lookups,
// the delete of an absent key, CPU 1, CPU 2 and the exists expectation are noise. The
// linearizability check is off so that the always expectation is what catches the mutant.
constexpr const char* kNoisyCanary = R"(# A canary with noise around its bug.
name: noisy-canary
possible_cpus: 3
canary: hash-capacity-before-existence
map: {type: hash, key_size: 4, value_size: 8, max_entries: 2, flags: BPF_F_ZERO_SEED}
setup: [update 1 1, update 2 2]
cpu0: [lookup 2, update 1 11 BPF_NOEXIST as u, lookup 1]
cpu1: [lookup 1, delete 9]
checks: {linearizability: false, why_off: the expectation is the check here}
expectations:
  - always: [{step: u, rc: EEXIST}]
    description: re-inserting a present key says EEXIST
  - exists: [{key: 2, value: 2}]
)";

class MinimizeTest : public testing::MapsimCommandFixture {
 protected:
  // The embedded scenario of a trace file, written to NAME with `remove` lines taken out.
  void write_scenario_of(const std::string& trace, const std::string& name,
                         const std::vector<std::string>& remove) {
    std::string yaml = nlohmann::json::parse(read_file(trace))["scenario_yaml"];
    for (const std::string& line : remove) {
      const size_t at = yaml.find("\n" + line + "\n");
      ASSERT_NE(at, std::string::npos) << line << " in\n" << yaml;
      yaml.erase(at + 1, line.size() + 1);
    }
    write_file(name, yaml);
  }
};

TEST_F(MinimizeTest, CanaryTraceShrinksToTheBugsEssentialStepsThatPassOnTheRealCode) {
  write_file("noisy.yaml", kNoisyCanary);
  const CommandResult run = mapsim("run noisy.yaml");
  ASSERT_EQ(run.status, 0) << run.out << run.err;  // a caught canary passes
  ASSERT_TRUE(fs::exists(folder_ / "out/traces/noisy-canary-1.json")) << run.out;
  const CommandResult minimize = mapsim(
      "minimize out/traces/noisy-canary-1.json -o small.json --description 'capacity first'");
  ASSERT_EQ(minimize.status, 0) << minimize.out << minimize.err;
  EXPECT_NE(minimize.out.find("always (expectation 0 're-inserting a present key says EEXIST')"),
            std::string::npos) << minimize.out;
  EXPECT_NE(minimize.out.find("before: 7 operations (2 in setup, 2 CPU programs"),
            std::string::npos) << minimize.out;
  EXPECT_NE(minimize.out.find("also passes without the mutant"), std::string::npos);
  EXPECT_NE(minimize.out.find("after:  3 operations (2 in setup, 1 CPU programs, 0 interrupts), "
                              "1 CPUs, 1 expectations"),
            std::string::npos) << minimize.out;
  const nlohmann::json small = nlohmann::json::parse(read_file("small.json"));
  const std::string yaml = small["scenario_yaml"];
  EXPECT_NE(yaml.find("\nsetup:\n  - update 1 1\n  - update 2 2\ncpu0:\n"
                      "  - update 1 11 BPF_NOEXIST as u\nchecks:"),
            std::string::npos) << yaml;
  EXPECT_NE(yaml.find("\npossible_cpus: 1\n"), std::string::npos) << yaml;
  EXPECT_EQ(small["mutants"], nlohmann::json::array({"hash-capacity-before-existence"}));
  EXPECT_EQ(small["description"], "capacity first");
  EXPECT_EQ(small["failure"]["kind"], "always");
  const CommandResult replay = mapsim("replay small.json");
  EXPECT_EQ(replay.status, 0) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("planting mutant hash-capacity-before-existence"),
            std::string::npos);

  // Without the mutant the shrunk scenario passes: it is a counterexample to the bug.
  write_scenario_of("small.json", "real.yaml", {"canary: hash-capacity-before-existence"});
  const CommandResult real = mapsim("run real.yaml --out real");
  EXPECT_EQ(real.status, 0) << real.out << real.err;
  // What keeping only the failure would have accepted: without the first setup insert the
  // mutant still breaks the same expectation (the canary is caught), but so does the real code
  // (a NOEXIST insert of an absent key returns 0, not EEXIST): no longer the bug's
  // counterexample.
  write_scenario_of("small.json", "trap.yaml", {"  - update 1 1"});
  EXPECT_EQ(mapsim("run trap.yaml --out trap").status, 0);
  write_scenario_of("small.json", "trap_real.yaml",
                    {"  - update 1 1", "canary: hash-capacity-before-existence"});
  EXPECT_EQ(mapsim("run trap_real.yaml --out trap_real").status, 1);

  // Minimizing the smaller trace again keeps its description.
  ASSERT_EQ(mapsim("minimize small.json -o smaller.json").status, 0);
  EXPECT_EQ(nlohmann::json::parse(read_file("smaller.json"))["description"], "capacity first");
}

TEST_F(MinimizeTest, TheSmallerTraceIsTheSameOnAnyThreadCount) {
  const std::string seeded = source_file("tests/data/cli/seeded_bug.yaml");
  write_file("noisy.yaml", kNoisyCanary);
  ASSERT_EQ(mapsim("run " + seeded + " noisy.yaml").status, 1);
  for (const std::string trace : {"seeded-bug-1", "noisy-canary-1"}) {
    const std::string input = "out/traces/" + trace + ".json";
    ASSERT_EQ(mapsim("minimize " + input + " -o one.json --jobs 1").status, 0) << trace;
    ASSERT_EQ(mapsim("minimize " + input + " -o three.json --jobs 3").status, 0) << trace;
    // Equal but for the reproduce command, which names the file.
    nlohmann::json one = nlohmann::json::parse(read_file("one.json"));
    nlohmann::json three = nlohmann::json::parse(read_file("three.json"));
    EXPECT_EQ(one["reproduce"], "mapsim replay one.json");
    one.erase("reproduce");
    three.erase("reproduce");
    EXPECT_EQ(one.dump(1), three.dump(1)) << trace;
  }
}

TEST_F(MinimizeTest, CanaryScheduleShrinksToTheFewPreemptionsTheBugNeeds) {
  const std::string canary =
      source_file("scenarios/suite/canary_lru_steal_without_victim_lock.yaml");
  ASSERT_EQ(mapsim("run " + canary).status, 0);
  const std::string trace = "out/traces/canary-lru-steal-without-victim-lock-1.json";
  const CommandResult minimize = mapsim("minimize " + trace + " -o small.json");
  ASSERT_EQ(minimize.status, 0) << minimize.out << minimize.err;
  // The unlocked steal races with the victim's own use of its list (plain fields, vector
  // clocks): two CPUs and no preemption are enough to show it.
  EXPECT_NE(minimize.out.find("before: 4 operations (1 in setup, 3 CPU programs, 0 interrupts), "
                              "3 CPUs, 0 expectations, 62 steps, 32 preemptions"),
            std::string::npos) << minimize.out;
  EXPECT_NE(minimize.out.find("after:  3 operations (1 in setup, 2 CPU programs, 0 interrupts), "
                              "3 CPUs, 0 expectations, 37 steps, 0 preemptions"),
            std::string::npos) << minimize.out;
  const CommandResult replay = mapsim("replay small.json");
  EXPECT_EQ(replay.status, 0) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("data_race at step 37: data race on plain cell"),
            std::string::npos) << replay.out;
}

TEST_F(MinimizeTest, KeepsTheSameExpectationNotAnotherOfTheSameKind) {
  const std::string seeded = source_file("tests/data/cli/seeded_bug.yaml");
  ASSERT_EQ(mapsim("run " + seeded).status, 1);
  // A second `never` expectation that every execution breaks: exploring finds it first, but it
  // is not the failure this trace shows (the probe seeing key 1, expectation 0).
  nlohmann::json file = nlohmann::json::parse(read_file("out/traces/seeded-bug-1.json"));
  std::string yaml = file["scenario_yaml"];
  yaml += "  - never:\n      - {key: 7, value: 7}\n    description: key 7 is never there\n";
  file["scenario_yaml"] = yaml;
  write_file("two.json", file.dump(1));
  const CommandResult minimize = mapsim("minimize two.json -o small.json");
  ASSERT_EQ(minimize.status, 0) << minimize.out << minimize.err;
  EXPECT_NE(minimize.out.find("minimizing two.json: never (expectation 0 'the probe never sees "
                              "key 1')"),
            std::string::npos) << minimize.out;
  EXPECT_NE(minimize.out.find("did not find this failure first"), std::string::npos)
      << minimize.out;
  const nlohmann::json small = nlohmann::json::parse(read_file("small.json"));
  EXPECT_EQ(small["failure"]["kind"], "never");
  EXPECT_NE(small["failure"]["message"].get<std::string>().find(
                "expectation 0 'the probe never sees key 1' (never) holds"),
            std::string::npos) << small["failure"];
  EXPECT_EQ(mapsim("replay small.json").status, 0);
}

}  // namespace
}  // namespace mapsim
