// HashChains: which keys a hash-family map holds and in which order get_next_key walks them
// (fact sheet 3.3, 3.4, 3.8), as plain data: bucket index -> the keys of that bucket's chain,
// head first.
//
// - bucket = hash & (n_buckets - 1), hash = jhash2 / jhash of the key with the map's seed
//   (reference_jhash.h), n_buckets = the map's max_entries rounded up to a power of two
//   (DEVMAP_HASH: the key itself as the hash);
// - an inserted key goes to the head of its chain; a key that is replaced by a new element
//   (HASH, LRU_HASH) is erased and inserted again, so it moves to the head;
// - iteration: buckets in ascending order, each chain from its head.
// Only non-empty buckets are stored, so a map with 2^27 buckets costs nothing until used.
// Values are not kept here: each map model keeps its own key -> payload map.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "model/reference/model_op.h"
#include "model/reference/state_hasher.h"

namespace mapsim::reference {

// How a key picks its bucket: the hash family's jhash, or DEVMAP_HASH's key-as-u32 (fact sheet
// 6.4: bucket = key & (n_buckets - 1), no hash function).
enum class BucketFunction : uint8_t { kJhash, kKeyAsIndex };

class HashChains {
 public:
  // REQUIRES: n_buckets is a power of two; kKeyAsIndex: 4-byte keys.
  HashChains(uint32_t n_buckets, uint32_t seed,
             BucketFunction function = BucketFunction::kJhash);

  uint32_t bucket_of(const Bytes& key) const;
  bool contains(const Bytes& key) const;
  size_t size() const { return size_; }

  // REQUIRES: !contains(key).
  void insert_head(const Bytes& key);
  // REQUIRES: contains(key).
  void erase(const Bytes& key);

  // BPF_MAP_GET_NEXT_KEY: `key` nullopt or not in the map -> the first key; else the key after
  // it. nullopt when there is none (-ENOENT).
  std::optional<Bytes> next_key(const std::optional<Bytes>& key) const;
  // The same as the op's result: the next key, or ENOENT.
  ModelResult next_key_result(const std::optional<Bytes>& key) const;
  // Every key in get_next_key order.
  std::vector<Bytes> keys_in_order() const;
  uint32_t n_buckets() const { return n_buckets_; }
  // The keys of one bucket, head first.
  std::vector<Bytes> chain(uint32_t bucket) const;

  bool operator==(const HashChains&) const = default;
  void hash_into(StateHasher& hasher) const { hasher.add(chains_); }

 private:
  std::optional<Bytes> first_key_from(std::map<uint32_t, std::vector<Bytes>>::const_iterator
                                          bucket) const;

  uint32_t n_buckets_;
  uint32_t seed_;
  BucketFunction function_;
  std::map<uint32_t, std::vector<Bytes>> chains_;  ///< bucket -> keys, head first; none empty
  size_t size_ = 0;
};

}  // namespace mapsim::reference
