// The workload of the BLOOM_FILTER and LPM_TRIE benchmarks (bench/bloom_lpm_bench.cc), and
// mapsim's maps under it.
//
// BLOOM_FILTER: value_size 4, max_entries = entries, BPF_F_ZERO_SEED, map_extra 0 (5 hash
//   functions). The u32 items 0 .. entries-1 are pushed. A peek "hit" tests item j of the
//   KeySequence walk (bench_workload.h); a "miss" tests j + entries, never pushed (it may
//   still be a false positive: the same ones on both sides, the seed being 0).
// LPM_TRIE: IPv4 keys (key_size 8: prefixlen, 4 address bytes), value_size 8, max_entries =
//   entries, BPF_F_NO_PREALLOC. Prefix j (j < entries) is the address
//   A(j) = (j * kSpread) mod 2^31, most significant byte first, with length 16 + j % 17: the
//   addresses scatter over 0.0.0.0/1 and the lengths nest many prefixes inside others, so the
//   trie has real and intermediate nodes at every depth. A lookup "hit" looks up the /32 of
//   A(j) for j of the KeySequence walk (prefix j matches it, maybe a longer one too); a "miss"
//   looks up A(j) with the top bit set (128.0.0.0/1, where no prefix lies).
// Both formulas take a multiply and a mask, so the kernel's benchmark programs compute the
// same keys (bench/bloom_lpm_kernel_program.h).
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <tuple>

#include "bench/bench_workload.h"
#include "bench/mapsim_subject.h"
#include "impl/create_map.h"
#include "impl/map.h"
#include "impl/uapi.h"

namespace mapsim::bench {

enum class Structure { kBloom, kLpm };

struct StructureConfig {
  Structure structure = Structure::kBloom;
  uint32_t entries = 0;  ///< items pushed / prefixes stored (a power of two)

  friend bool operator<(const StructureConfig& left, const StructureConfig& right) {
    return std::tie(left.structure, left.entries) < std::tie(right.structure, right.entries);
  }
};

inline constexpr uint32_t kLpmKeySize = 8;
inline constexpr uint32_t kLpmValueSize = 8;
inline constexpr uint32_t kBloomValueSize = 4;
inline constexpr uint32_t kSpread = 0x9e3779b1u;        // odd: j -> j * kSpread permutes u32
inline constexpr uint32_t kLowHalfMask = 0x7fffffffu;   // addresses of the stored prefixes
inline constexpr uint32_t kMissBit = 0x80000000u;       // no stored prefix has it

inline uint32_t lpm_address(uint32_t index) { return (index * kSpread) & kLowHalfMask; }
inline uint32_t lpm_prefixlen(uint32_t index) { return 16 + index % 17; }

// struct bpf_lpm_trie_key_u8 for IPv4: host-order prefixlen, then the address big-endian.
struct LpmKey {
  uint32_t prefixlen;
  uint32_t address_be;
};
static_assert(sizeof(LpmKey) == kLpmKeySize, "prefixlen and 4 data bytes, no padding");

inline LpmKey lpm_stored_key(uint32_t index) {
  return LpmKey{lpm_prefixlen(index), htonl(lpm_address(index))};
}
inline LpmKey lpm_probe_key(uint32_t index, bool miss) {
  return LpmKey{32, htonl(lpm_address(index) | (miss ? kMissBit : 0))};
}

// mapsim's BLOOM_FILTER or LPM_TRIE, filled as above.
class MapsimStructureSubject {
 public:
  // REQUIRES: the calling thread is bound to a CPU slot of bench_platform().
  static std::unique_ptr<MapsimStructureSubject> create(const StructureConfig& config,
                                                        int possible_cpus, std::string* error) {
    MapAttr attr;
    attr.map_type = config.structure == Structure::kBloom ? bpf::kMapBloomFilter
                                                          : bpf::kMapLpmTrie;
    attr.key_size = config.structure == Structure::kBloom ? 0 : kLpmKeySize;
    attr.value_size = config.structure == Structure::kBloom ? kBloomValueSize : kLpmValueSize;
    attr.max_entries = config.entries;
    attr.map_flags = config.structure == Structure::kBloom ? bpf::kFZeroSeed : bpf::kFNoPrealloc;
    std::unique_ptr<Map> map;
    if (int rc = create_map(bench_platform(possible_cpus), attr, &map)) {
      *error = "create_map failed: " + std::to_string(rc);
      return nullptr;
    }
    for (uint32_t index = 0; index < config.entries; ++index) {
      const LpmKey key = lpm_stored_key(index);
      const uint64_t value = index;
      const int rc = config.structure == Structure::kBloom
                         ? map->update_elem(nullptr, &index, bpf::kAny)
                         : map->update_elem(&key, &value, bpf::kAny);
      if (rc != 0) {
        *error = "filling entry " + std::to_string(index) + " failed: " + std::to_string(rc);
        return nullptr;
      }
    }
    return std::unique_ptr<MapsimStructureSubject>(
        new MapsimStructureSubject(std::move(map), config.structure));
  }

  // What a program's helper call does: bpf_map_peek_elem (0 or -ENOENT) on the bloom filter,
  // bpf_map_lookup_elem (found or not) on the trie. The bloom peek goes through the syscall
  // entry, which adds three flag tests to the same code a program's peek runs.
  int probe(uint32_t index, bool miss) {
    if (structure_ == Structure::kBloom) {
      uint32_t item = miss ? index + entries_offset_ : index;
      return map_->lookup_elem(nullptr, &item);
    }
    const LpmKey key = lpm_probe_key(index, miss);
    return map_->prog_lookup(&key) != nullptr ? 0 : bpf::kENOENT;
  }
  // bpf(BPF_MAP_LOOKUP_ELEM): the trie copies the value out.
  int syscall_probe(uint32_t index, bool miss, void* value) {
    if (structure_ == Structure::kBloom) return probe(index, miss);
    const LpmKey key = lpm_probe_key(index, miss);
    return map_->lookup_elem(&key, value);
  }

 private:
  MapsimStructureSubject(std::unique_ptr<Map> map, Structure structure)
      : map_(std::move(map)), structure_(structure), entries_offset_(map_->max_entries()) {}

  std::unique_ptr<Map> map_;
  Structure structure_;
  uint32_t entries_offset_;  ///< a bloom miss tests item index + entries
};

}  // namespace mapsim::bench
