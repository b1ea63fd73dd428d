// A text as its lines, for tests that compare outputs line by line.
#pragma once

#include <sstream>
#include <string>
#include <vector>

namespace mapsim::testing {

// The lines of `text` without their '\n'; a last line without one is kept, no empty line is
// added after a final '\n'.
inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

}  // namespace mapsim::testing
