#include "sim/race_detector.h"

#include <string_view>

#include "impl/assert.h"

namespace mapsim::sim {

void RaceDetector::reset(int contexts) {
  MAPSIM_ASSERT(contexts <= kMaxContexts, "too many contexts for the vector clocks");
  clocks_.assign(contexts, VectorClock{});
  // Every context starts at 1 so that its first access is not ordered before anyone.
  for (int context = 0; context < contexts; ++context) clocks_[context][context] = 1;
  for (size_t object = 0; object < object_clocks_.size(); ++object) {
    if (object_has_clock_[object]) object_clocks_[object].clear();
  }
  object_has_clock_.assign(object_has_clock_.size(), false);
  cpu_clocks_.clear();
  shadows_.clear();
}

VectorClock& RaceDetector::object_clock(uint32_t object) {
  if (object >= object_clocks_.size()) {
    object_clocks_.resize(object + 1);
    object_has_clock_.resize(object + 1, false);
  }
  object_has_clock_[object] = true;
  return object_clocks_[object];
}

void RaceDetector::acquire(int context, uint32_t object) {
  if (object >= object_clocks_.size() || !object_has_clock_[object]) return;
  clocks_[context].join(object_clocks_[object]);
}

void RaceDetector::release(int context, uint32_t object) {
  object_clock(object) = clocks_[context];
  tick(context);
}

void RaceDetector::release_join(int context, uint32_t object) {
  object_clock(object).join(clocks_[context]);
  tick(context);
}

void RaceDetector::release_clear(uint32_t object) {
  if (object < object_clocks_.size() && object_has_clock_[object]) {
    object_clocks_[object].clear();
  }
}

void RaceDetector::nested_entry(int cpu, int interrupted, int nested) {
  if (cpu >= 0 && static_cast<size_t>(cpu) < cpu_clocks_.size()) {
    clocks_[nested].join(cpu_clocks_[cpu]);
  }
  if (interrupted >= 0) {
    clocks_[nested].join(clocks_[interrupted]);
    tick(interrupted);
  }
  tick(nested);
}

void RaceDetector::cpu_finished(int cpu, int context) {
  if (static_cast<size_t>(cpu) >= cpu_clocks_.size()) cpu_clocks_.resize(cpu + 1);
  cpu_clocks_[cpu].join(clocks_[context]);
}

void RaceDetector::nested_exit(int nested, int interrupted) {
  if (interrupted < 0) return;
  clocks_[interrupted].join(clocks_[nested]);
  tick(interrupted);
}

bool RaceDetector::unordered(const Access& earlier, int context) const {
  return earlier.context >= 0 && earlier.context != context &&
         earlier.clock > clocks_[context][earlier.context];
}

bool RaceDetector::on_plain_access(uint32_t cell, const Access& access, Race* race) {
  MAPSIM_ASSERT(access.context >= 0, "plain accesses are made by a context");
  Shadow& shadow = shadows_[cell];
  Access current = access;
  current.clock = clocks_[access.context][access.context];
  if (unordered(shadow.last_write, access.context)) {
    *race = Race{cell, shadow.last_write, current};
    return true;
  }
  if (!access.write) {
    for (Access& read : shadow.reads_since_write) {
      if (read.context == access.context) {
        read = current;
        return false;
      }
    }
    shadow.reads_since_write.push_back(current);
    return false;
  }
  for (const Access& read : shadow.reads_since_write) {
    if (unordered(read, access.context)) {
      *race = Race{cell, read, current};
      return true;
    }
  }
  shadow.last_write = current;
  shadow.reads_since_write.clear();
  return false;
}

namespace {

// The source file as a repository path ("impl/internal/lru_local_list.h"), whatever the build
// directory and the compiler launcher made of __FILE__ ("../impl/...", "/src/mapsim/impl/..."),
// so that reports, and the trace files that keep them, are the same in every build.
std::string repository_path(const char* file) {
  const std::string_view path(file);
  for (const std::string_view top : {"impl/", "sim/", "model/", "scenarios/", "tests/"}) {
    for (size_t at = path.find(top); at != std::string_view::npos; at = path.find(top, at + 1)) {
      if (at == 0 || path[at - 1] == '/') return std::string(path.substr(at));
    }
  }
  return std::string(path);
}

}  // namespace

std::string RaceDetector::describe(const Race& race, const std::string& earlier_context,
                                   const std::string& later_context) {
  auto access_text = [](const Access& access, const std::string& who) {
    return std::string(access.write ? "write" : "read") + " by " + who + " at step " +
           std::to_string(access.step) + " (" + repository_path(access.file) + ":" +
           std::to_string(access.line) + ")";
  };
  return "data race on plain cell obj#" + std::to_string(race.cell) + ": " +
         access_text(race.earlier, earlier_context) + " and " +
         access_text(race.later, later_context) + " are not ordered by happens-before";
}

}  // namespace mapsim::sim
