// Trace files (scenarios/trace/trace_file.h) made by the CLI's trace writer
// (cli/failure_traces.h): every field survives writing and reading, writing is deterministic,
// and every kind of corrupt or foreign file is refused with an error naming the file and the
// field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "cli/failure_traces.h"
#include "cli/parallel_run.h"
#include "scenarios/scenario_yaml.h"
#include "scenarios/trace/trace_file.h"

namespace mapsim {
namespace {

using scenario::TraceFile;

const std::string kSeededBug = std::string(MAPSIM_SOURCE_DIR) + "/tests/data/cli/seeded_bug.yaml";

// A trace of the seeded bug's first failure.
TraceFile seeded_trace(const std::string& path = "out/traces/seeded-bug-1.json") {
  scenario::ScenarioParse parse = scenario::load_scenario_file(kSeededBug);
  EXPECT_TRUE(parse.ok());
  const scenario::ScenarioResult result = cli::run_scenario_parallel(parse.spec, {});
  EXPECT_FALSE(result.failures.empty());
  const scenario::ScenarioFailure& failure = result.failures.front();
  sim::Result<TraceFile> file =
      cli::make_trace_file(parse.spec, failure.schedule, failure.kind, failure.execution, path);
  EXPECT_TRUE(file.ok()) << file.error();
  return file.value();
}

TEST(TraceFileTest, EveryFieldSurvivesWritingAndReading) {
  TraceFile written = seeded_trace();
  written.description = "the probe sees key 1 between insert and remove";
  EXPECT_TRUE(written.mutants.empty());  // the real code
  written.mutants = {"hash-insert-at-tail"};
  EXPECT_EQ(written.failure.kind, "never");
  EXPECT_FALSE(written.records.empty());
  EXPECT_EQ(written.reproduce, "mapsim replay out/traces/seeded-bug-1.json");
  const std::string text = scenario::trace_file_json(written);
  sim::Result<TraceFile> read = scenario::parse_trace_file(text, "t.json");
  ASSERT_TRUE(read.ok()) << read.error();
  const TraceFile& back = read.value();
  EXPECT_EQ(back.format_version, TraceFile::kFormatVersion);
  EXPECT_EQ(back.mapsim_version, written.mapsim_version);
  EXPECT_EQ(back.git_describe, written.git_describe);
  EXPECT_EQ(back.git_commit, written.git_commit);
  EXPECT_EQ(back.scenario_name, "seeded-bug");
  EXPECT_EQ(back.scenario_file, kSeededBug);
  EXPECT_EQ(back.scenario_yaml, written.scenario_yaml);
  EXPECT_EQ(back.strategy, "pct");
  EXPECT_EQ(back.seed, 3u);
  EXPECT_EQ(back.execution, written.execution);
  EXPECT_EQ(back.failure, written.failure);
  EXPECT_EQ(back.schedule.to_json(), written.schedule.to_json());
  EXPECT_EQ(back.trace_hash, written.trace_hash);
  EXPECT_EQ(back.steps, written.steps);
  EXPECT_EQ(back.results, written.results);
  EXPECT_EQ(back.records, written.records);
  EXPECT_EQ(back.reproduce, written.reproduce);
  EXPECT_EQ(back.description, written.description);
  EXPECT_EQ(back.mutants, written.mutants);
  EXPECT_TRUE(back.mutants_recorded);
  // Same bytes again, and the same bytes from a second capture of the same execution.
  EXPECT_EQ(scenario::trace_file_json(back), text);
  TraceFile again = seeded_trace();
  again.description = written.description;
  again.mutants = written.mutants;
  EXPECT_EQ(scenario::trace_file_json(again), text);
  // The embedded scenario parses to the spec that ran.
  EXPECT_TRUE(scenario::parse_scenario_yaml(back.scenario_yaml, "embedded").ok());
}

struct Corruption {
  const char* what;
  void (*change)(nlohmann::json&);
  const char* error;  // part of the expected message
};

TEST(TraceFileTest, CorruptFilesAreRefusedNamingTheField) {
  const nlohmann::json good = nlohmann::json::parse(scenario::trace_file_json(seeded_trace()));
  const Corruption corruptions[] = {
      {"format", [](nlohmann::json& j) { j["format"] = "mapsim-report"; },
       "'format' is 'mapsim-report', not 'mapsim-trace'"},
      {"version", [](nlohmann::json& j) { j["format_version"] = 2; }, "'format_version' is 2"},
      {"schedule missing", [](nlohmann::json& j) { j.erase("schedule"); },
       "'schedule' is missing"},
      {"schedule choices", [](nlohmann::json& j) { j["schedule"]["choices"] = "0.1"; },
       "'schedule' is not a valid schedule"},
      {"hash", [](nlohmann::json& j) { j["trace_hash"] = "xyz"; },
       "'trace_hash' must be 16 hex digits"},
      {"steps", [](nlohmann::json& j) { j["steps"] = -4; }, "'steps' must not be negative"},
      {"seed type", [](nlohmann::json& j) { j["exploration"]["seed"] = "three"; },
       "'exploration.seed' must be an integer"},
      {"record kind", [](nlohmann::json& j) { j["records"][2]["kind"] = "jump"; },
       "'records[2].kind' must be step, begin, end or path_event"},
      {"record text", [](nlohmann::json& j) { j["records"][0].erase("text"); },
       "'records[0].text' is missing"},
      {"result rc", [](nlohmann::json& j) { j["results"][1]["operations"][0]["rc"] = "0"; },
       "'results[1].operations[0].rc' must be an integer"},
      {"failure", [](nlohmann::json& j) { j["failure"] = 3; }, "'failure' must be a JSON object"},
      {"yaml", [](nlohmann::json& j) { j["scenario_yaml"] = 7; },
       "'scenario_yaml' must be a string"},
      {"description", [](nlohmann::json& j) { j["description"] = true; },
       "'description' must be a string"},
      {"mutants", [](nlohmann::json& j) { j["mutants"] = "hash-insert-at-tail"; },
       "'mutants' must be an array of mutant names"},
      {"mutant", [](nlohmann::json& j) { j["mutants"] = {"x", 4}; },
       "'mutants[1]' must be a string"},
  };
  for (const Corruption& corruption : corruptions) {
    nlohmann::json changed = good;
    corruption.change(changed);
    sim::Result<TraceFile> read = scenario::parse_trace_file(changed.dump(), "bad.json");
    ASSERT_FALSE(read.ok()) << corruption.what;
    EXPECT_EQ(read.error().rfind("bad.json: ", 0), 0u) << read.error();
    EXPECT_NE(read.error().find(corruption.error), std::string::npos)
        << corruption.what << ": " << read.error();
  }
  EXPECT_NE(scenario::parse_trace_file("", "e.json").error().find("e.json: not valid JSON"),
            std::string::npos);
  EXPECT_NE(scenario::parse_trace_file("[1, 2]", "a.json").error().find("not a JSON object"),
            std::string::npos);
  EXPECT_NE(scenario::load_trace_file("/nonexistent/t.json").error().find("cannot read"),
            std::string::npos);
}

TEST(TraceFileTest, AFailureThatNoLongerReplaysIsNotWrittenAsATrace) {
  scenario::ScenarioParse parse = scenario::load_scenario_file(kSeededBug);
  ASSERT_TRUE(parse.ok());
  TraceFile trace = seeded_trace();
  sim::Schedule wrong = trace.schedule;
  wrong.trace_hash ^= 1;  // as if the execution had produced another trace
  sim::Result<TraceFile> file = cli::make_trace_file(parse.spec, wrong, "never", 0, "x.json");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().rfind("nondeterminism:", 0), 0u) << file.error();
}

}  // namespace
}  // namespace mapsim
