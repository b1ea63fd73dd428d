// MAPSIM_ASSERT: the one assertion macro of the project (STYLE G8).
//
// Programmer errors (corrupt internal state, a broken precondition) crash with a message; they
// are never turned into error codes. Operating errors (a full map, a missing key) are values
// (negative errnos). Assertions stay on in every build type: a model checker whose invariants
// are compiled out checks nothing.
#pragma once

namespace mapsim {

// Called on a failed assertion. Tests may install their own handler (it must not return
// normally; it may throw) to check that an assertion fires.
using AssertHandler = void (*)(const char* condition, const char* hint, const char* file,
                               int line);
[[noreturn]] void assert_failed(const char* condition, const char* hint, const char* file,
                                int line);
AssertHandler set_assert_handler(AssertHandler handler);

// maybe(cond): documents that cond may or may not hold here; both are fine (TigerBeetle's maybe).
constexpr void maybe(bool) {}

}  // namespace mapsim

#define MAPSIM_ASSERT(condition, hint)                                            \
  do {                                                                            \
    if (!(condition)) [[unlikely]]                                                \
      ::mapsim::assert_failed(#condition, (hint), __FILE__, __LINE__);            \
  } while (0)
