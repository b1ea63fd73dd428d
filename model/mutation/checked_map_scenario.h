// checked_map_scenario(): a scenario over one real map (impl/ on SimPlatform) whose every
// execution is judged by three checks that know nothing of any particular bug:
//
//   1. structure: LRU maps run their own invariant check (lists, counters, cursor, node owners,
//      keys vs nodes, element statistic); hash maps have their chains walked: every chain ends on
//      its own bucket's nulls marker, no element is on two chains or twice on one, no key appears
//      twice, and the elements in the chains are exactly the element statistic;
//   2. walk: get_next_key from NULL visits at most max_entries keys, each of which can be looked
//      up;
//   3. sequential model: when the execution was serial (model/mutation/serial_order.h), every
//      operation's result, and the map's final iteration order, equal those of the reference
//      model (model/reference) fed the setup and the operations in that order, each on its CPU.
//
// Operations are those of sim/testing/map_scenarios.h (4-byte keys, 8-byte values holding the
// key's number; per-CPU maps: every CPU's slot). Results: 0 or the negative errno, except
// get_next_key, which returns the next key's number when it succeeds (its order is what the
// kernel makes observable). The map must be created with BPF_F_ZERO_SEED (the model needs the
// hash seed).
#pragma once

#include <string>

#include "sim/scenario.h"
#include "sim/testing/map_scenarios.h"

namespace mapsim::mutation {

using sim::testing::MapOperation;
using sim::testing::MapScenarioConfig;

// REQUIRES: config.attr has BPF_F_ZERO_SEED, 4-byte keys, 8-byte values, a hash-family type.
sim::Scenario checked_map_scenario(const MapScenarioConfig& config);

}  // namespace mapsim::mutation
