// The bucket array shared by the hash family (impl/internal/hash_table.h). What holds at every
// scheduling point: links are published one atomic store at a time, an element is filled
// before it is linked and unlinked before it is reused, so every chain reachable from the
// heads is well formed at every step. Only a replacement puts a key in a chain twice, for the
// moment between linking the new element and unlinking the old one, with the bucket locked.
#include <set>
#include <unordered_map>

#include "model/invariants/family_checks.h"

namespace mapsim::invariants {
namespace {

std::string bucket_text(uint32_t bucket) { return "bucket " + std::to_string(bucket) + ": "; }

std::string check_element(const HashTableView& table, uint32_t bucket,
                          const HashElementView& element) {
  const std::string key = "key " + hex_bytes(element.key);
  if (element.hash != element.key_hash) {
    return bucket_text(bucket) + key + " stores hash " + std::to_string(element.hash) +
           " but hashes to " + std::to_string(element.key_hash);
  }
  const uint32_t home = element.hash & (table.n_buckets - 1);
  if (home != bucket) {
    return bucket_text(bucket) + key + " belongs in bucket " + std::to_string(home);
  }
  return "";
}

// Pass 1: the chain is walkable (no cycle, nothing foreign) and links no element that another
// chain (or this one) links too.
std::string check_links(const HashTableView& table, uint32_t bucket,
                        std::unordered_map<uint64_t, uint32_t>* linked) {
  const HashChainView& chain = table.buckets[bucket];
  if (chain.cut) {
    return bucket_text(bucket) + "chain longer than " + std::to_string(table.walk_limit) +
           " elements (a cycle)";
  }
  for (const HashElementView& element : chain.elements) {
    if (!element.in_pool) {
      return bucket_text(bucket) + "a link points at memory that is not one of the map's elements";
    }
    if (auto [at, inserted] = linked->emplace(element.id, bucket); !inserted) {
      return bucket_text(bucket) + "key " + hex_bytes(element.key) +
             ": the element is also linked in bucket " + std::to_string(at->second);
    }
  }
  return "";
}

// Pass 2: every element belongs here, the chain ends on its own marker, no key twice unless
// the bucket is locked (a replacement in progress).
std::string check_contents(const HashTableView& table, uint32_t bucket,
                           std::set<std::string>* keys) {
  const HashChainView& chain = table.buckets[bucket];
  std::set<std::string> chain_keys;
  for (const HashElementView& element : chain.elements) {
    if (std::string problem = check_element(table, bucket, element); !problem.empty()) {
      return problem;
    }
    if (!chain_keys.insert(element.key).second && !chain.locked) {
      return bucket_text(bucket) + "key " + hex_bytes(element.key) +
             " is in the chain twice while the bucket is unlocked";
    }
    keys->insert(element.key);
  }
  if (chain.end_bucket != bucket) {
    return bucket_text(bucket) + "chain ends on the nulls marker of bucket " +
           std::to_string(chain.end_bucket);
  }
  return "";
}

}  // namespace

std::string check_hash_table(const HashTableView& table, HashTableFacts* facts) {
  if (table.n_buckets == 0 || (table.n_buckets & (table.n_buckets - 1)) != 0 ||
      table.buckets.size() != table.n_buckets) {
    return "the bucket count " + std::to_string(table.n_buckets) + " is not a power of two";
  }
  std::unordered_map<uint64_t, uint32_t> linked;  // element id -> bucket
  std::set<std::string> keys;
  for (uint32_t bucket = 0; bucket < table.n_buckets; ++bucket) {
    if (std::string problem = check_links(table, bucket, &linked); !problem.empty()) {
      return problem;
    }
  }
  for (uint32_t bucket = 0; bucket < table.n_buckets; ++bucket) {
    if (std::string problem = check_contents(table, bucket, &keys); !problem.empty()) {
      return problem;
    }
  }
  facts->elements = linked.size();
  facts->distinct_keys = keys.size();
  return "";
}

}  // namespace mapsim::invariants
