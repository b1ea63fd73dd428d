// Tests of the built `mapsim` executable run as a user runs it (tests whose CMake target defines
// MAPSIM_BINARY: the cli_* tests), in a scratch folder emptied before use and removed after it,
// so that the out/ folders, traces and reports the commands write never meet another test's (or
// another process's, when ctest runs tests side by side):
//   * MapsimCommandFixture: a folder per test, TempDir/<suite>_<pid>_<test>;
//   * MapsimCommandSuiteFixture: one folder for a whole suite, TempDir/<suite>_<pid>, for tests
//     that share what one expensive run wrote (the suite's SetUpTestSuite makes that run).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/support/mapsim_command.h"

#ifndef MAPSIM_BINARY
#error "tests/CMakeLists.txt passes the path of the mapsim executable as MAPSIM_BINARY"
#endif

namespace mapsim::testing {

class MapsimCommandFixture : public ::testing::Test {
 protected:
  using CommandResult = ::mapsim::testing::CommandResult;

  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" +
                       std::to_string(::getpid()) + "_" + info->name();
    std::replace(name.begin(), name.end(), '/', '_');  // parameterised names hold '/'
    folder_ = std::filesystem::path(::testing::TempDir()) / name;
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  // Runs `mapsim <arguments>` in the test's folder, or in `in` (created if needed).
  CommandResult mapsim(const std::string& arguments,
                       const std::filesystem::path& in = {}) const {
    return run_command(MAPSIM_BINARY, arguments, in.empty() ? folder_ : in);
  }
  // A file of the test's folder, by its path there: its text ("" when it cannot be read), or
  // written with `text` (its folders created).
  std::string read_file(const std::string& relative) const {
    return read_text(folder_ / relative);
  }
  void write_file(const std::string& relative, const std::string& text) const {
    write_text(folder_ / relative, text);
  }
  // A file of the source tree by its path there, absolute and quoted for a command line.
  static std::string source_file(const std::string& relative) {
    return shell_quoted((std::filesystem::path(MAPSIM_SOURCE_DIR) / relative).string());
  }

  std::filesystem::path folder_;  ///< the test's scratch folder, absolute
};

class MapsimCommandSuiteFixture : public ::testing::Test {
 protected:
  using CommandResult = ::mapsim::testing::CommandResult;

  // A suite that defines its own SetUpTestSuite calls this one first.
  static void SetUpTestSuite() {
    const ::testing::TestSuite* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    std::string name = std::string(suite->name()) + "_" + std::to_string(::getpid());
    std::replace(name.begin(), name.end(), '/', '_');
    root_ = std::filesystem::path(::testing::TempDir()) / name;
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(root_); }

  // Runs `mapsim <arguments>` in the suite's folder (name files by absolute paths).
  static CommandResult mapsim(const std::string& arguments) {
    return run_command(MAPSIM_BINARY, arguments, root_);
  }

  static inline std::filesystem::path root_;  ///< the suite's scratch folder, absolute
};

}  // namespace mapsim::testing
