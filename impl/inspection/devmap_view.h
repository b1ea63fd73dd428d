// Read-only views of DEVMAP and DEVMAP_HASH (impl/internal/devmap_impl.h, devmap_hash_impl.h):
// the slots or chains and the device entries they point at. Test-only, like
// impl/inspection/hash_view.h, and as careful: chain walks stop after walk_limit entries.
#pragma once

#include <cstdint>
#include <vector>

namespace mapsim {

struct DevmapEntryView {
  uint64_t id = 0;        ///< the entry's address (only compared)
  uint32_t key = 0;       ///< DEVMAP: the slot index it was made for; DEVMAP_HASH: its key
  uint32_t ifindex = 0;
  uint32_t program = 0;   ///< program id as lookups return it
};

struct DevMapView {
  uint32_t max_entries = 0;
  /// [slot]: present entries only have ifindex != 0 (an empty slot has present = false).
  struct Slot {
    bool present = false;
    DevmapEntryView entry;
  };
  std::vector<Slot> slots;
};

struct DevMapHashView {
  uint32_t max_entries = 0;
  uint32_t n_buckets = 0;
  uint32_t items = 0;     ///< the map's entry counter
  bool locked = false;    ///< the map lock was held at the moment of the view
  uint32_t walk_limit = 0;
  struct Chain {
    std::vector<DevmapEntryView> entries;  ///< head first
    bool cut = false;                      ///< longer than walk_limit: a cycle
  };
  std::vector<Chain> buckets;
};

}  // namespace mapsim
