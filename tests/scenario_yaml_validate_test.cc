// Scenario files (scenarios/scenario_yaml.h): validate_scenario finds what a spec built in C++
// gets wrong (as the parser would report it); files and folders are found and read, and a
// missing file or a folder is a clear error.
#include "scenarios/scenario_yaml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "impl/uapi.h"

namespace mapsim::scenario {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

const std::string kExamplesDir = std::string(MAPSIM_SOURCE_DIR) + "/scenarios/examples";

ScenarioSpec small_spec() {
  ScenarioSpec spec;
  spec.file = "small.yaml";
  spec.name = "small";
  spec.map = MapAttr{bpf::kMapHash, 4, 8, 4, 0, 0, 0, ""};
  StepSpec update;
  update.key = Bytes{1, 0, 0, 0};
  update.value = Bytes(8, 0);
  spec.cpus.push_back(CpuProgramSpec{SourcePos{}, 0, {update}});
  return spec;
}

TEST(ScenarioYamlRoundTripTest, ValidateFindsWhatACppSpecGetsWrong) {
  ScenarioSpec spec = small_spec();
  EXPECT_THAT(validate_scenario(spec), IsEmpty());
  fill_default_labels(&spec);
  EXPECT_EQ(spec.cpus[0].steps[0].label, "cpu0.0");

  ScenarioSpec wrong_cpu = small_spec();
  wrong_cpu.cpus[0].cpu = 2;
  EXPECT_THAT(validate_scenario(wrong_cpu),
              ElementsAre(AllOf(StartsWith("<emitted small>:"), HasSubstr("cpu2: no such CPU"))));

  ScenarioSpec wrong_value = small_spec();
  wrong_value.cpus[0].steps[0].value.resize(4);
  EXPECT_THAT(validate_scenario(wrong_value),
              ElementsAre(HasSubstr("cpu0[0].value: expected 0x followed by 16 hex digits")));

  ScenarioSpec duplicate = small_spec();
  duplicate.cpus.push_back(duplicate.cpus[0]);
  duplicate.cpus[1].cpu = 1;
  duplicate.cpus[0].steps[0].label = duplicate.cpus[1].steps[0].label = "same";
  EXPECT_THAT(validate_scenario(duplicate), ElementsAre(HasSubstr("duplicate label 'same'")));

  ScenarioSpec syscall_interrupt = small_spec();
  syscall_interrupt.interrupts.push_back(InterruptSpec{SourcePos{}, 0, {StepSpec{}}});
  syscall_interrupt.interrupts[0].steps[0].key = Bytes{1, 0, 0, 0};
  syscall_interrupt.interrupts[0].steps[0].value = Bytes(8, 0);
  EXPECT_THAT(validate_scenario(syscall_interrupt),
              ElementsAre(HasSubstr("interrupts[0].ops[0].via: an interrupt is a BPF program")));

  ScenarioSpec unknown_label = small_spec();
  unknown_label.expectations.push_back(ExpectationSpec{});
  unknown_label.expectations[0].atoms.push_back(AtomSpec{});
  unknown_label.expectations[0].atoms[0].label = "gone";
  EXPECT_THAT(validate_scenario(unknown_label), ElementsAre(HasSubstr("unknown label 'gone'")));
}

TEST(ScenarioYamlFilesTest, MissingFileAndFolderAreClearErrors) {
  EXPECT_THAT(load_scenario_file("/nonexistent/x.yaml").errors,
              ElementsAre("/nonexistent/x.yaml: cannot read: no such file"));
  EXPECT_THAT(load_scenario_file(kExamplesDir).errors,
              ElementsAre(kExamplesDir + ": is a folder; expected a scenario file (.yaml)"));
  EXPECT_THAT(scenario_files_in("/nonexistent"), IsEmpty());
}

TEST(ScenarioYamlFilesTest, FoldersGiveTheirYamlFilesSortedAndRecursively) {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() /
                        ("scenario_yaml_test_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "b" / "deep");
  for (const char* name : {"b/deep/z.yml", "b/a.yaml", "c.yaml", "notes.txt", "a.yaml.bak"}) {
    std::ofstream(root / name) << "x: 1\n";
  }
  const std::vector<std::string> files = scenario_files_in(root.string());
  EXPECT_THAT(files, ElementsAre((root / "b/a.yaml").string(), (root / "b/deep/z.yml").string(),
                                 (root / "c.yaml").string()));
  EXPECT_THAT(scenario_files_in((root / "notes.txt").string()),
              ElementsAre((root / "notes.txt").string()));
  const ScenarioParse parse = load_scenario_file((root / "c.yaml").string());
  EXPECT_THAT(parse.errors, Contains(HasSubstr("c.yaml:1:1: x: unknown key")));
  fs::remove_all(root);
}

}  // namespace
}  // namespace mapsim::scenario
