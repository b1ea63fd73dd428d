// random_linearizable_history(): a seeded concurrent history that is linearizable by
// construction, for tests and benchmarks of the checker.
//
// The ops run one after another on the reference model (so every result is the model's), each
// in a context (context c runs on CPU c) at a linearization point t = 16 * i. Then each op's
// interval is widened around its point, at random, as far as the ops before and after it in
// its own context allow: [invoked, returned] always contains t, so the sequential order is a
// witness and the history is linearizable; intervals of different contexts overlap, up to
// `contexts` ops at a time. Mutating one recorded result afterwards usually breaks it.
//
// Keys are little-endian indexes 0 .. key_count-1 (zero-padded to key_size); values are random
// bytes. One seed gives one history, always (std::mt19937_64, no distribution objects).
#pragma once

#include <cstdint>

#include "model/linearizability/history.h"

namespace mapsim::linearizability {

struct RandomHistoryOptions {
  MapAttr map;                 ///< a map the reference model creates
  int possible_cpus = 2;
  int contexts = 2;            ///< 1 .. possible_cpus
  uint32_t ops = 100;
  uint32_t key_count = 4;
  uint32_t widen_max = 48;     ///< steps an interval may reach out on each side
  bool program_ops = true;     ///< also program lookups, updates, deletes
  bool lookup_and_delete = true;
  bool get_next_key = false;
  uint32_t setup_keys = 0;     ///< keys 0 .. setup_keys-1 inserted by the setup
};

// REQUIRES: the reference model can create options.map; contexts <= possible_cpus.
History random_linearizable_history(uint64_t seed, const RandomHistoryOptions& options);

}  // namespace mapsim::linearizability
