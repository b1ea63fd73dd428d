// LRU scenarios for the viz tests: the simulator's ready-made LRU scenarios plus a few that
// drive updates down the rarer branches (EEXIST, ENOENT, bucket-lock failure from a nested
// program, ENOMEM when every node is in flight), for both list kinds and both map types, and a
// runner that collects every LRU walk of many random executions.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/testing/map_scenarios.h"
#include "viz/lru_flowchart.h"
#include "viz/lru_path.h"

namespace mapsim::viz::testing {

struct LruScenario {
  sim::testing::MapScenarioConfig config;
  bool exhaustive = false;  ///< explore with DPOR (small) rather than random executions
};

// Scenarios whose maps use `kind` lists: LRU_HASH and LRU_PERCPU_HASH variants.
std::vector<LruScenario> lru_path_scenarios(LruListKind kind);

struct LruRunCollection {
  std::vector<TracedLruPath> paths;  ///< every walk of every execution
  LruPathCounts counts;
  uint64_t executions = 0;
  uint64_t failing_executions = 0;
  bool exhausted = false;  ///< exhaustive scenarios: DPOR covered the whole space
};

// Runs `scenario` (`executions` random executions, seeded; or DPOR up to `executions` when
// exhaustive) and collects every walk.
LruRunCollection collect_lru_paths(const LruScenario& scenario, uint64_t executions,
                                   uint64_t seed);

}  // namespace mapsim::viz::testing
