#include "impl/assert.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace mapsim {
namespace {
std::atomic<AssertHandler> installed_handler{nullptr};
}  // namespace

AssertHandler set_assert_handler(AssertHandler handler) {
  return installed_handler.exchange(handler);
}

void assert_failed(const char* condition, const char* hint, const char* file, int line) {
  if (AssertHandler handler = installed_handler.load()) {
    handler(condition, hint, file, line);
  }
  std::fprintf(stderr, "mapsim: assertion failed: %s (%s) at %s:%d\n", condition, hint, file,
               line);
  std::abort();
}

}  // namespace mapsim
