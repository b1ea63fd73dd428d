// Running the built `mapsim` executable from a test (tests whose CMake target defines
// MAPSIM_BINARY): the command line is passed to /bin/sh in a given working folder, and the exit
// status, standard output and standard error come back.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mapsim::testing {

struct CommandResult {
  int status = -1;  ///< exit status; -1 when killed by a signal
  std::string out;
  std::string err;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Runs `<binary> <arguments>` in `folder` (created if needed).
inline CommandResult run_command(const std::string& binary, const std::string& arguments,
                                 const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  const std::filesystem::path out = folder / ".stdout";
  const std::filesystem::path err = folder / ".stderr";
  const std::string command = "cd " + shell_quoted(folder.string()) + " && " +
                              shell_quoted(binary) + " " + arguments + " > " +
                              shell_quoted(out.string()) + " 2> " + shell_quoted(err.string()) +
                              " < /dev/null";
  const int raw = std::system(command.c_str());
  CommandResult result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = read_text(out);
  result.err = read_text(err);
  return result;
}

}  // namespace mapsim::testing
