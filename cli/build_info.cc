#include "cli/build_info.h"

#include "mapsim_build_info.h"

namespace mapsim::cli {

const BuildInfo& build_info() {
  static const BuildInfo info{MAPSIM_BUILD_VERSION, MAPSIM_BUILD_GIT_DESCRIBE,
                              MAPSIM_BUILD_GIT_COMMIT};
  return info;
}

std::string build_info_line() {
  return "mapsim " + build_info().version + " (" + build_info().git_describe + ")";
}

}  // namespace mapsim::cli
