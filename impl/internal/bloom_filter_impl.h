// BloomFilterMap<P>: BPF_MAP_TYPE_BLOOM_FILTER (kernel/bpf/bloom_filter.c; fact sheet 7).
//
// A bit array (geometry in bloom_filter_geometry.h) and nothing else: the map has no keys
// (key_size 0) and stores no values. Through the syscall:
//   update (key NULL) = push: flags must be BPF_ANY (else EINVAL); sets the value's k bits.
//                       Nothing is counted: max_entries only sized the array, pushes never
//                       fail for capacity.
//   lookup (key NULL) = peek: the value buffer is the *input*; 0 when all k bits are set
//                       ("possibly present"), ENOENT when one is clear. Nothing is copied out.
//   delete, get_next_key: EOPNOTSUPP (95); lookup_and_delete: ENOTSUPP (524, the default).
// The syscall layer (impl/map.h) has already refused a non-NULL key (EINVAL).
// Programs reach a bloom filter only through bpf_map_peek_elem / bpf_map_push_elem, whose
// semantics are the syscall's peek and push; the verifier refuses bpf_map_lookup_elem,
// update_elem and delete_elem on this type, so prog_lookup / prog_update / prog_delete answer
// what the kernel's map ops would (an error pointer, which mapsim reports as nullptr; EINVAL;
// EOPNOTSUPP).
//
// Concurrency, as in the kernel: no lock. A push sets bits with atomic OR (set_bit), a peek
// reads words without ordering (test_bit). Racing pushes never lose a bit; a peek racing with
// the push of the same value may see some of its bits and answer ENOENT, which is the kernel's
// answer too (there is no false negative once the push has returned).
#pragma once

#include <cstdint>
#include <memory>

#include "impl/inspection/corruption_access.h"
#include "impl/internal/bloom_filter_geometry.h"
#include "impl/map.h"
#include "impl/map_inspection.h"
#include "impl/uapi.h"

namespace mapsim::internal {

template <class P>
class BloomFilterMap final : public Map {
 public:
  using Word = typename P::template Atomic<uint64_t>;

  // REQUIRES: bloom_alloc_check(attr) passed and attr.map_type is BLOOM_FILTER.
  static int create(P& platform, const MapAttr& attr, std::unique_ptr<Map>* out) {
    BloomGeometry geometry;
    if (int error = bloom_compute_geometry(attr, &geometry)) return error;
    MapInfo info{attr.map_type, attr.key_size, attr.value_size, attr.max_entries,
                 attr.map_flags, attr.map_extra, attr.name};
    auto map = std::unique_ptr<BloomFilterMap>(new BloomFilterMap(platform, info, geometry));
    // allocate() returns zero-filled memory, and a zero-filled word is a valid word holding 0
    // on both platforms (a std::atomic<uint64_t> is its value; SimPlatform documents it), so
    // the array is not written at creation: a 2^32-bit array costs nothing until it is used.
    map->words_ = static_cast<Word*>(platform.allocate(geometry.word_count() * sizeof(Word)));
    if (map->words_ == nullptr) return bpf::kENOMEM;
    map->seed_ = (attr.map_flags & bpf::kFZeroSeed) ? 0 : platform.random_u32();
    *out = std::move(map);
    return 0;
  }

  ~BloomFilterMap() override { platform_.release(words_); }

  void* prog_lookup(const void*) override { return nullptr; }
  int prog_update(const void*, const void*, uint64_t) override { return bpf::kEINVAL; }
  int prog_delete(const void*) override { return bpf::kEOPNOTSUPP; }

  // bloom_map_peek_elem(): 0 if every bit of `value` is set, else ENOENT.
  int peek(const void* value) const {
    for (uint32_t index = 0; index < geometry_.hash_count; ++index) {
      if (!test_bit(bit_of(value, index))) return bpf::kENOENT;
    }
    return 0;
  }

  // bloom_map_push_elem().
  int push(const void* value, uint64_t flags) {
    if (flags != bpf::kAny) return bpf::kEINVAL;
    for (uint32_t index = 0; index < geometry_.hash_count; ++index) set_bit(bit_of(value, index));
    return 0;
  }

  const BloomGeometry& geometry() const { return geometry_; }

  // Test-only view of the geometry (impl/inspection/array_view.h).
  MapInspection inspect() const override {
    BloomFilterView view;
    view.hash_count = geometry_.hash_count;
    view.bit_mask = geometry_.bit_mask;
    view.word_count = geometry_.word_count();
    view.words_allocated = words_ != nullptr;
    return MapInspection{view};
  }
  uint32_t seed() const { return seed_; }

 protected:
  int sys_lookup(const void*, void* value) override { return peek(value); }
  int sys_update(const void*, const void* value, uint64_t flags) override {
    return push(value, flags);
  }
  int sys_delete(const void*) override { return bpf::kEOPNOTSUPP; }
  int sys_get_next_key(const void*, void*) override { return bpf::kEOPNOTSUPP; }

 private:
  BloomFilterMap(P& platform, const MapInfo& info, const BloomGeometry& geometry)
      : Map(info), platform_(platform), geometry_(geometry) {}

  uint32_t bit_of(const void* value, uint32_t index) const {
    return bloom_bit_index(geometry_, seed_, value, value_size(), index);
  }
  static uint64_t bit_in_word(uint32_t bit) { return uint64_t{1} << (bit % 64); }
  bool test_bit(uint32_t bit) const {
    return (words_[bit / 64].load(std::memory_order_relaxed) & bit_in_word(bit)) != 0;
  }
  void set_bit(uint32_t bit) {
    words_[bit / 64].fetch_or(bit_in_word(bit), std::memory_order_relaxed);
  }

  friend struct ::mapsim::MapCorruptionTestOnlyAccess;  // tests that damage it on purpose
  P& platform_;
  const BloomGeometry geometry_;
  uint32_t seed_ = 0;
  Word* words_ = nullptr;  ///< geometry_.word_count() words; bit b is bit b%64 of word b/64
};

}  // namespace mapsim::internal
