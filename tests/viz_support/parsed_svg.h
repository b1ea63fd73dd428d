// An svg parsed inside a test, from a picture file or from a Picture just drawn. One that cannot
// be read, was not drawn or is not an svg is a test failure saying where it came from, and the
// test goes on with an empty SvgDocument, so that its own lookups fail next instead of crashing
// (find() of an empty document is nullptr).
#pragma once

#include <filesystem>

#include "tests/viz_support/svg_document.h"
#include "viz/picture.h"

namespace mapsim::viz::testing {

SvgDocument svg_at(const std::filesystem::path& path);
SvgDocument svg_of(const Picture& picture);

}  // namespace mapsim::viz::testing
