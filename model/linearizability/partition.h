// Partitions: which ops are checked together.
//
// Linearizability is compositional (Herlihy and Wing, 1990): a history of several independent
// objects is linearizable iff each object's subhistory is. A map whose keys do not affect each
// other is one object per key, and checking each key's ops alone is exponentially cheaper
// than checking them together (Horn and Kroening, "Faster linearizability checking via
// P-compositionality", FORTE 2015). Keys are independent for:
//   ARRAY, PERCPU_ARRAY      always (every index exists, no op reads two indices);
//   HASH, PERCPU_HASH        unless capacity couples them: when the keys that can be in the map
//                            (present after the setup, or inserted by an op) number at most
//                            max_entries and no op returned E2BIG, no order of the ops meets a
//                            full map; per-CPU padding (the only trace of which element a key
//                            got) is not compared (value_match.h).
// The whole history is one partition when an op reads several keys (get_next_key), for the LRU
// maps (a pop may evict any key: lru_spec.h), and for hash maps whose capacity couples keys.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/linearizability/prepared_history.h"

namespace mapsim::linearizability {

struct Partition {
  std::optional<reference::Bytes> key;  ///< the key of a per-key partition; nullopt: whole
  std::vector<uint32_t> ops;            ///< indices into PreparedHistory::ops, ascending
};

struct PartitionPlan {
  std::vector<Partition> partitions;
  std::string whole_because;  ///< why the history is checked whole ("" when per key)
};

// per_key false: the whole history, always.
PartitionPlan plan_partitions(const PreparedHistory& history, bool per_key = true);

}  // namespace mapsim::linearizability
