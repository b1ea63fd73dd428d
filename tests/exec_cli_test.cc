// The `mapsim exec` command line, run as a user runs it: the built binary (MAPSIM_BINARY) on
// the bundled example scripts (MAPSIM_SCRIPTS_DIR), whose expected outputs were recorded from
// the live kernel (scenarios/scripts/README.md). (exec_ prefix: links mapsim::scenarios.)
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "scenarios/possible_cpus.h"

#ifndef MAPSIM_BINARY
#error "tests/CMakeLists.txt passes the path of the mapsim executable as MAPSIM_BINARY"
#endif
#ifndef MAPSIM_SCRIPTS_DIR
#error "tests/CMakeLists.txt passes the example script folder as MAPSIM_SCRIPTS_DIR"
#endif

namespace mapsim {
namespace {

namespace fs = std::filesystem;

// The CPU count the example scripts and their recorded kernel outputs are written for.
constexpr int kScriptCpus = 2;

struct Execution {
  int status = -1;
  std::string out;
  std::string err;
};

std::string read_file(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

// Runs `mapsim <arguments>` with `input` on standard input.
Execution run_mapsim(const std::string& arguments, const std::string& input = "") {
  const fs::path folder = fs::path(::testing::TempDir()) /
                          ("exec_cli_test_" + std::to_string(::getpid()));
  fs::create_directories(folder);
  std::ofstream(folder / "in") << input;
  const std::string command = quoted(MAPSIM_BINARY) + " " + arguments + " < " +
                              quoted(folder / "in") + " > " + quoted(folder / "out") +
                              " 2> " + quoted(folder / "err");
  const int raw = std::system(command.c_str());
  Execution execution;
  execution.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  execution.out = read_file(folder / "out");
  execution.err = read_file(folder / "err");
  fs::remove_all(folder);
  return execution;
}

std::vector<fs::path> example_scripts() {
  std::vector<fs::path> scripts;
  for (const fs::directory_entry& entry : fs::directory_iterator(MAPSIM_SCRIPTS_DIR)) {
    if (entry.path().extension() == ".jsonl") scripts.push_back(entry.path());
  }
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

// The CPU count a script is written for: its "# possible-cpus: N" line, else kScriptCpus.
// Scripts for another count have no kernel recording (this machine cannot run them).
int script_cpus(const fs::path& script) {
  std::ifstream file(script);
  const std::string tag = "# possible-cpus: ";
  for (std::string line; std::getline(file, line) && line.rfind('#', 0) == 0;) {
    if (line.rfind(tag, 0) == 0) return std::stoi(line.substr(tag.size()));
  }
  return kScriptCpus;
}

std::vector<fs::path> kernel_recorded_scripts() {
  std::vector<fs::path> scripts;
  for (const fs::path& script : example_scripts()) {
    if (script_cpus(script) == kScriptCpus) scripts.push_back(script);
  }
  return scripts;
}

int machine_cpus() {
  std::string error;
  return machine_possible_cpus(&error);
}

TEST(ExecCliTest, ExampleScriptsAreDocumented) {
  const std::vector<fs::path> scripts = example_scripts();
  EXPECT_GE(scripts.size(), 4u);
  const std::string readme = read_file(fs::path(MAPSIM_SCRIPTS_DIR) / "README.md");
  for (const fs::path& script : scripts) {
    EXPECT_EQ(read_file(script).rfind("# ", 0), 0u) << script << " opens with # comments";
    EXPECT_NE(readme.find(script.filename().string()), std::string::npos)
        << script << " is listed in README.md";
  }
}

TEST(ExecCliTest, SimulatorPrintsWhatTheKernelPrintedForEachExample) {
  for (const fs::path& script : kernel_recorded_scripts()) {
    const fs::path expected = script.parent_path() / "expected" / script.filename();
    ASSERT_TRUE(fs::exists(expected)) << "no recorded kernel output for " << script;
    Execution run = run_mapsim("exec --possible-cpus " + std::to_string(kScriptCpus) + " " +
                               quoted(script));
    EXPECT_EQ(run.status, 0) << script << ": " << run.err;
    EXPECT_EQ(run.err, "") << script;
    EXPECT_EQ(run.out, read_file(expected)) << script;
  }
}

TEST(ExecCliTest, LiveKernelStillPrintsTheRecordedOutput) {
  if (machine_cpus() != kScriptCpus) GTEST_SKIP() << "the recordings are for 2 possible CPUs";
  for (const fs::path& script : kernel_recorded_scripts()) {
    Execution run = run_mapsim("exec --backend kernel " + quoted(script));
    if (run.status == 77) GTEST_SKIP() << "bpf() is not permitted here: " << run.err;
    EXPECT_EQ(run.status, 0) << script << ": " << run.err;
    EXPECT_EQ(run.out, read_file(script.parent_path() / "expected" / script.filename()))
        << script;
  }
}

// Scripts written for another CPU count (a "# possible-cpus: N" line) run clean on the
// simulator with that count.
TEST(ExecCliTest, ScriptsForOtherCpuCountsRunCleanOnTheSimulator) {
  for (const fs::path& script : example_scripts()) {
    const int cpus = script_cpus(script);
    if (cpus == kScriptCpus) continue;
    Execution run =
        run_mapsim("exec --possible-cpus " + std::to_string(cpus) + " " + quoted(script));
    EXPECT_EQ(run.status, 0) << script << ": " << run.err;
    EXPECT_EQ(run.err, "") << script;
    EXPECT_EQ(run.out.find(R"("error")"), std::string::npos) << script;
  }
}

// A program op the kernel backend cannot express (its programs copy keys of at most 64 KiB):
// the runner reports it as an error line and goes on with the next line.
TEST(ExecCliTest, OpTheKernelBackendCannotRunIsAnErrorLine) {
  const std::string key(2 * 65537, '0');
  const std::string script =
      R"({"map":{"type":"hash","key_size":65537,"value_size":4,"max_entries":1}})"
      "\n{\"op\":\"lookup\",\"key\":\"" + key + "\",\"via\":\"prog\"}"
      "\n{\"op\":\"lookup\",\"key\":\"" + key + "\"}\n";
  Execution run = run_mapsim("exec --backend kernel -", script);
  if (run.status == 77) GTEST_SKIP() << "bpf() is not permitted here: " << run.err;
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_NE(run.out.find(R"({"i":1,"op":"lookup","error":"backend: the kernel backend cannot )"
                         R"(run this line: )"),
            std::string::npos)
      << run.out.substr(0, 300);
  EXPECT_NE(run.out.find(R"({"i":2,"op":"lookup","rc":-2})"), std::string::npos);
}

constexpr const char* kPercpuScript =
    R"({"map":{"type":"percpu_array","key_size":4,"value_size":4,"max_entries":1}})"
    "\n"
    R"({"op":"update","key":"00000000","value":"01000000"})"
    "\n";

TEST(ExecCliTest, ReadsStandardInputAndHonoursPossibleCpus) {
  Execution run = run_mapsim("exec --possible-cpus 3 -", kPercpuScript);
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.out.find(R"("op":"update","error":"value: expected 24 bytes )"),
            std::string::npos)
      << run.out;
}

TEST(ExecCliTest, DefaultPossibleCpusAreTheMachines) {
  Execution run = run_mapsim("exec -", kPercpuScript);
  EXPECT_EQ(run.status, 1);
  const std::string expected_bytes = std::to_string(8 * machine_cpus());
  EXPECT_NE(run.out.find("value: expected " + expected_bytes + " bytes"), std::string::npos)
      << run.out;
}

TEST(ExecCliTest, CleanScriptExitsZero) {
  Execution run = run_mapsim(
      "exec --possible-cpus 1 -",
      R"({"map":{"type":"array","key_size":4,"value_size":4,"max_entries":1}})");
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out.rfind(R"({"i":0,"op":"map_create","id":"0","rc":0,)", 0), 0u) << run.out;
}

TEST(ExecCliTest, UsageErrorsExitTwoAndSayWhy) {
  const fs::path scripts(MAPSIM_SCRIPTS_DIR);
  const std::string script = quoted(example_scripts().at(0));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"exec --possible-cpus 0 " + script, "not in range 1 to 4096"},
      {"exec --possible-cpus 4097 " + script, "not in range 1 to 4096"},
      {"exec --possible-cpus two " + script, "two"},
      {"exec --backend foo " + script, "foo"},
      {"exec", "script"},
      {"", "subcommand"},
      {"exec /nonexistent/x.jsonl",
       "cannot read script '/nonexistent/x.jsonl': No such file or directory"},
      {"exec " + quoted(scripts), "cannot read script '" + scripts.string() +
                                      "': it is a directory"},
      {"exec --backend kernel --possible-cpus " + std::to_string(machine_cpus() + 1) + " " +
           script,
       "differs from this machine's possible CPUs"},
  };
  for (const auto& [arguments, message] : cases) {
    Execution run = run_mapsim(arguments);
    EXPECT_EQ(run.status, 2) << arguments;
    EXPECT_NE(run.err.find(message), std::string::npos) << arguments << ": " << run.err;
    EXPECT_EQ(run.out, "") << arguments;
  }
}

TEST(ExecCliTest, HelpExitsZero) {
  Execution run = run_mapsim("exec --help");
  EXPECT_EQ(run.status, 0);
  EXPECT_NE(run.out.find("--possible-cpus"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace mapsim
