// The test-only view of a HashTable (impl/inspection/hash_view.h): every bucket's chain with
// the stored and the recomputed hash of each element, and whether the bucket lock is held.
// Never asserts: a chain longer than walk_limit is cut (a cycle), and an element the caller
// does not recognise as one of the map's (a corrupt link) ends its chain without being read.
#pragma once

#include <cstdint>
#include <string>

#include "impl/inspection/hash_view.h"
#include "impl/internal/hash_table.h"
#include "impl/internal/inspect_support.h"

namespace mapsim::internal {

// `identify(const HtabElement<P>*, HashElementView*)` fills id, in_pool and percpu_area, and
// returns whether the element's memory may be read.
template <class P, class Identify>
HashTableView hash_table_view(const HashTable<P>& table, uint32_t walk_limit,
                              Identify&& identify) {
  using Element = HtabElement<P>;
  HashTableView view;
  view.n_buckets = table.n_buckets();
  view.seed = table.seed();
  view.walk_limit = walk_limit;
  view.buckets.resize(table.n_buckets());
  const uint32_t key_size = table.layout().key_size;
  for (uint32_t index = 0; index < table.n_buckets(); ++index) {
    const auto& bucket = table.bucket_at(index);
    HashChainView& chain = view.buckets[index];
    chain.locked = inspect_lock_is_locked(bucket.lock);
    uintptr_t link = bucket.head.load(std::memory_order_relaxed);
    while (!is_nulls_marker(link)) {
      if (chain.elements.size() >= walk_limit) {
        chain.cut = true;
        break;
      }
      auto* element = reinterpret_cast<Element*>(link);
      HashElementView& seen = chain.elements.emplace_back();
      if (!identify(static_cast<const Element*>(element), &seen)) break;
      seen.hash = element->hash.load();
      const unsigned char* key = table.key_of(element);
      seen.key.assign(reinterpret_cast<const char*>(key), key_size);
      seen.key_hash = table.hash_key(key);
      link = element->next.load(std::memory_order_relaxed);
    }
    chain.end_bucket = is_nulls_marker(link) ? nulls_bucket(link) : UINT32_MAX;
  }
  return view;
}

}  // namespace mapsim::internal
