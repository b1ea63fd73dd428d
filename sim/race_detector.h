// Data-race detection over plain shared memory (vector clocks; FastTrack's access-history
// idea, Flanagan & Freund, PLDI 2009, without its epoch compression; loom's UnsafeCell).
//
// Plain cells (SimPlatform::Plain<T>) are not scheduling points: the simulator only interleaves
// at visible operations, which covers every behaviour of a race-free program. Whether the
// program *is* race-free is checked here: two accesses to a plain cell, at least one a write,
// from different contexts, not ordered by happens-before, are a data race, reported with both
// accesses (context, step, source line).
//
// Happens-before is built from:
// - program order (each context's own clock entry advances at every step);
// - locks: release copies the holder's clock into the lock, acquire joins it;
// - atomics: a release store publishes the storer's clock (a relaxed store ends the release
//   sequence, a relaxed RMW continues it, C++20 [intro.races]); an acquire load joins it;
// - nested programs: entry starts from the interrupted context's clock, exit joins the nested
//   clock back into it (they run on one CPU, strictly nested);
// - one CPU's program order: a context that finishes leaves its clock on its CPU, and a nested
//   program that fires on that CPU later starts from it (even when the CPU is idle by then).
// Left blank on purpose: RCU grace periods create no happens-before edges here; use-after-free
// of reclaimed memory is caught directly by the arena's poisoning instead. READ_ONCE fields,
// racy copies and atomics are never races (they are declared).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/vector_clock.h"

namespace mapsim::sim {

class RaceDetector {
 public:
  struct Access {
    int context = -1;       ///< -1: none
    uint32_t clock = 0;     ///< the accessing context's own clock entry at the access
    uint32_t step = 0;      ///< execution step at the access
    const char* file = "";  ///< source of the access
    uint32_t line = 0;
    bool write = false;
  };
  struct Race {
    uint32_t cell = 0;  ///< the plain cell's object id
    Access earlier;
    Access later;
  };

  void reset(int contexts);
  // Program order: `context` takes a step.
  void tick(int context) { clocks_[context][context] += 1; }
  void acquire(int context, uint32_t object);
  void release(int context, uint32_t object);        // replaces the object's clock
  void release_join(int context, uint32_t object);   // joins into it (RMW release)
  void release_clear(uint32_t object);               // relaxed store: release sequence ends
  // `cpu`: the CPU both run on.
  void nested_entry(int cpu, int interrupted, int nested);
  void nested_exit(int nested, int interrupted);
  // `context` finished on `cpu`: what it did happens before whatever runs on that CPU next.
  void cpu_finished(int cpu, int context);

  // A plain access by `context`; returns true and fills *race on a data race.
  bool on_plain_access(uint32_t cell, const Access& access, Race* race);
  static std::string describe(const Race& race, const std::string& earlier_context,
                              const std::string& later_context);

 private:
  struct Shadow {
    Access last_write;
    std::vector<Access> reads_since_write;  // at most one per context
  };
  bool unordered(const Access& earlier, int context) const;
  VectorClock& object_clock(uint32_t object);

  std::vector<VectorClock> clocks_;         // per context
  std::vector<VectorClock> object_clocks_;  // per SimObject id
  std::vector<VectorClock> cpu_clocks_;     // per CPU: the clocks of contexts finished there
  std::vector<bool> object_has_clock_;
  std::unordered_map<uint32_t, Shadow> shadows_;
};

}  // namespace mapsim::sim
