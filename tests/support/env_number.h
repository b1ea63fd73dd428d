// A test's size knob read from the environment (MAPSIM_DIFF_SCRIPTS=5000, ...), so that a long
// exploration can be asked for by hand while CI runs the default.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

namespace mapsim::testing {

// The unsigned number in environment variable `name`, or `fallback` when it is unset or empty.
// A value that is not a number throws std::invalid_argument: the test fails rather than
// quietly run its default.
inline uint64_t env_number(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return std::stoull(text);
}

}  // namespace mapsim::testing
