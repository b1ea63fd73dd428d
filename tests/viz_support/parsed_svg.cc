#include "tests/viz_support/parsed_svg.h"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace mapsim::viz::testing {
namespace {

// `svg` parsed; a failure names `source` (a file, or "the picture").
SvgDocument parsed(const std::string& svg, const std::string& source) {
  std::string error;
  std::optional<SvgDocument> document = SvgDocument::parse(svg, &error);
  EXPECT_TRUE(document.has_value()) << source << ": " << error;
  return document.value_or(SvgDocument{});
}

}  // namespace

SvgDocument svg_at(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file.is_open()) {
    ADD_FAILURE() << path << ": cannot be read";
    return SvgDocument{};
  }
  std::stringstream text;
  text << file.rdbuf();
  return parsed(text.str(), path.string());
}

SvgDocument svg_of(const Picture& picture) {
  EXPECT_TRUE(picture.ok()) << picture.error;
  return parsed(picture.svg, "the picture");
}

}  // namespace mapsim::viz::testing
