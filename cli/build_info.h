// What this mapsim binary is: its version and the git state of the sources it was built from
// (written into trace files and reports, so that a replay can say which build recorded them).
#pragma once

#include <string>

namespace mapsim::cli {

struct BuildInfo {
  std::string version;       ///< the project version, "0.1.0"
  std::string git_describe;  ///< `git describe --always --dirty`, or "unknown"
  std::string git_commit;    ///< the full commit hash, or "unknown"
};

const BuildInfo& build_info();
// "mapsim 0.1.0 (6e9ce23-dirty)"
std::string build_info_line();

}  // namespace mapsim::cli
