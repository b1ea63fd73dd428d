// LRU fill curves: how many keys an LRU map retains as distinct keys are inserted, against the
// ideal min(inserted, capacity), for a map configuration and CPU count.
//
// measure_lru_fill_curve() runs mapsim's real LRU map (RealPlatform, the production
// instantiation) and inserts keys 0, 1, 2, ... with syscall updates, each from the next CPU of
// `inserting_cpus` in round-robin order; after each sampled insert it counts the keys the map
// holds (a get_next_key walk). The common LRU evicts before the map is full, because free nodes
// sit in other CPUs' local lists and refills move them in batches (fact sheet 4.7, 4.10: 2 CPUs,
// max_entries 1000, every insert from CPU 0 -> 976 keys after 1000 inserts); the per-CPU LRU
// partitions capacity by CPU (4.3). The plot shows that at a glance: the ideal line, the
// measured curve and the gap between them shaded.
//
// draw_lru_fill_curve() writes the svg itself (a line plot needs no layout); Picture::dot stays
// empty. Ids in the svg: "ideal", "actual", "premature" (the shaded gap), "summary".
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "viz/picture.h"

namespace mapsim::viz {

struct LruFillConfig {
  uint32_t max_entries = 1000;
  int possible_cpus = 2;
  int inserting_cpus = 0;     ///< CPUs 0 .. n-1 insert round-robin; 0: every possible CPU
  bool percpu_lists = false;  ///< BPF_F_NO_COMMON_LRU
  bool percpu_hash = false;   ///< LRU_PERCPU_HASH instead of LRU_HASH
  uint64_t inserts = 0;       ///< 0: twice the map's capacity
  uint32_t samples_max = 2000;  ///< points measured at most (evenly spread; every insert below)
};

struct LruFillCurve {
  LruFillConfig config;
  uint32_t capacity = 0;  ///< max_entries as the map reports it (per-CPU lists round it up)
  std::vector<std::pair<uint64_t, uint64_t>> points;  ///< (keys inserted, keys retained)
  uint64_t sample_stride = 1;           ///< inserts between measured points
  uint64_t first_premature_eviction = 0;  ///< first sampled insert count where retained <
                                          ///< min(inserted, capacity); 0 if none
  uint64_t retained_at_capacity = 0;    ///< retained after `capacity` inserts
  uint64_t failed_inserts = 0;          ///< updates that returned an error (e.g. -ENOMEM)
  std::string error;                    ///< the map could not be created (bad config)

  std::string describe() const;  // "LRU_HASH max_entries=1000, 2 CPUs, inserts from CPU 0"
};

LruFillCurve measure_lru_fill_curve(const LruFillConfig& config);
Picture draw_lru_fill_curve(const LruFillCurve& curve);

}  // namespace mapsim::viz
