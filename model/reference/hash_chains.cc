#include "model/reference/hash_chains.h"

#include <algorithm>
#include <utility>

#include "impl/assert.h"
#include "model/reference/reference_jhash.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::reference {

HashChains::HashChains(uint32_t n_buckets, uint32_t seed, BucketFunction function)
    : n_buckets_(n_buckets), seed_(seed), function_(function) {
  MAPSIM_ASSERT(n_buckets != 0 && (n_buckets & (n_buckets - 1)) == 0, "a power of two");
}

uint32_t HashChains::bucket_of(const Bytes& key) const {
  if (function_ == BucketFunction::kJhash) {
    return reference_key_hash(key, seed_) & (n_buckets_ - 1);
  }
  MAPSIM_ASSERT(key.size() == 4, "key-as-index buckets need u32 keys");
  const uint32_t index = uint32_t{key[0]} | uint32_t{key[1]} << 8 | uint32_t{key[2]} << 16 |
                         uint32_t{key[3]} << 24;
  return index & (n_buckets_ - 1);
}

bool HashChains::contains(const Bytes& key) const {
  const auto chain = chains_.find(bucket_of(key));
  if (chain == chains_.end()) return false;
  return std::find(chain->second.begin(), chain->second.end(), key) != chain->second.end();
}

void HashChains::insert_head(const Bytes& key) {
  MAPSIM_ASSERT(!contains(key), "REQUIRES: the key is not in the map");
  std::vector<Bytes>& chain = chains_[bucket_of(key)];
  chain.insert(chain.begin(), key);
  ++size_;
}

void HashChains::erase(const Bytes& key) {
  const auto chain = chains_.find(bucket_of(key));
  MAPSIM_ASSERT(chain != chains_.end(), "REQUIRES: the key is in the map");
  const auto position = std::find(chain->second.begin(), chain->second.end(), key);
  MAPSIM_ASSERT(position != chain->second.end(), "REQUIRES: the key is in the map");
  chain->second.erase(position);
  if (chain->second.empty()) chains_.erase(chain);
  --size_;
}

std::optional<Bytes> HashChains::first_key_from(
    std::map<uint32_t, std::vector<Bytes>>::const_iterator bucket) const {
  if (bucket == chains_.end()) return std::nullopt;
  return bucket->second.front();
}

ModelResult HashChains::next_key_result(const std::optional<Bytes>& key) const {
  std::optional<Bytes> next = next_key(key);
  return next ? result_of(0, std::move(*next)) : result_of(kENOENT);
}

std::optional<Bytes> HashChains::next_key(const std::optional<Bytes>& key) const {
  if (!key || !contains(*key)) return first_key_from(chains_.begin());
  const uint32_t bucket = bucket_of(*key);
  const std::vector<Bytes>& chain = chains_.at(bucket);
  const auto position = std::find(chain.begin(), chain.end(), *key);
  if (position + 1 != chain.end()) return *(position + 1);
  return first_key_from(chains_.upper_bound(bucket));
}

std::vector<Bytes> HashChains::keys_in_order() const {
  std::vector<Bytes> keys;
  for (const auto& [bucket, chain] : chains_) keys.insert(keys.end(), chain.begin(), chain.end());
  return keys;
}

std::vector<Bytes> HashChains::chain(uint32_t bucket) const {
  const auto found = chains_.find(bucket);
  return found == chains_.end() ? std::vector<Bytes>{} : found->second;
}

}  // namespace mapsim::reference
