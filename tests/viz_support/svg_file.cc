#include "tests/viz_support/svg_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace mapsim::viz::testing {

SvgDocument svg_at(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file.is_open()) {
    ADD_FAILURE() << path << ": cannot be read";
    return SvgDocument{};
  }
  std::stringstream text;
  text << file.rdbuf();
  std::string error;
  std::optional<SvgDocument> svg = SvgDocument::parse(text.str(), &error);
  EXPECT_TRUE(svg.has_value()) << path << ": " << error;
  return svg.value_or(SvgDocument{});
}

}  // namespace mapsim::viz::testing
