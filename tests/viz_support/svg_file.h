// A picture file parsed inside a test: one that cannot be read or is not an svg is a test
// failure naming the file, and the test goes on with an empty SvgDocument, so that its own
// lookups fail next instead of crashing (find() of an empty document is nullptr).
#pragma once

#include <filesystem>

#include "tests/viz_support/svg_document.h"

namespace mapsim::viz::testing {

SvgDocument svg_at(const std::filesystem::path& path);

}  // namespace mapsim::viz::testing
