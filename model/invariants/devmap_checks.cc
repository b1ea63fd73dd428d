// DEVMAP and DEVMAP_HASH (impl/internal/devmap_impl.h, devmap_hash_impl.h).
// An entry is complete before it is published and never changes after (an update publishes a
// new one), so entry contents hold at every step. DEVMAP_HASH writers hold the map lock for
// every link and counter change, and unlink the old entry of a key before linking the new
// one, so a key is never linked twice; the counter matches the chains while the lock is free.
#include <set>
#include <unordered_set>

#include "model/invariants/family_checks.h"

namespace mapsim::invariants {
namespace {

std::string check_entry(const DevmapEntryView& entry, const std::string& where) {
  if (entry.ifindex == 0) return where + "an entry with ifindex 0 is published";
  if (entry.program != 0) return where + "an entry names program " + std::to_string(entry.program);
  return "";
}

}  // namespace

std::string check_devmap(const DevMapView& view) {
  if (view.slots.size() != view.max_entries) {
    return std::to_string(view.slots.size()) + " slots, max_entries " +
           std::to_string(view.max_entries);
  }
  std::unordered_set<uint64_t> entries;
  for (uint32_t index = 0; index < view.slots.size(); ++index) {
    const DevMapView::Slot& slot = view.slots[index];
    if (!slot.present) continue;
    const std::string where = "slot " + std::to_string(index) + ": ";
    if (std::string problem = check_entry(slot.entry, where); !problem.empty()) return problem;
    if (slot.entry.key != index) {
      return where + "holds the entry made for slot " + std::to_string(slot.entry.key);
    }
    if (!entries.insert(slot.entry.id).second) return where + "an entry is in two slots";
  }
  return "";
}

std::string check_devmap_hash(const DevMapHashView& view) {
  if (view.n_buckets == 0 || (view.n_buckets & (view.n_buckets - 1)) != 0 ||
      view.buckets.size() != view.n_buckets) {
    return "the bucket count " + std::to_string(view.n_buckets) + " is not a power of two";
  }
  std::unordered_set<uint64_t> entries;
  std::set<uint32_t> keys;
  for (uint32_t bucket = 0; bucket < view.n_buckets; ++bucket) {
    const DevMapHashView::Chain& chain = view.buckets[bucket];
    const std::string where = "bucket " + std::to_string(bucket) + ": ";
    if (chain.cut) {
      return where + "chain longer than " + std::to_string(view.walk_limit) + " (a cycle)";
    }
    for (const DevmapEntryView& entry : chain.entries) {
      if (std::string problem = check_entry(entry, where); !problem.empty()) return problem;
      if ((entry.key & (view.n_buckets - 1)) != bucket) {
        return where + "key " + std::to_string(entry.key) + " belongs in bucket " +
               std::to_string(entry.key & (view.n_buckets - 1));
      }
      if (!entries.insert(entry.id).second) return where + "an entry is linked twice";
      if (!keys.insert(entry.key).second) {
        return where + "key " + std::to_string(entry.key) + " is linked twice";
      }
    }
  }
  if (view.items > view.max_entries || entries.size() > view.max_entries) {
    return std::to_string(entries.size()) + " entries, counter " + std::to_string(view.items) +
           ", max_entries " + std::to_string(view.max_entries);
  }
  if (!view.locked && entries.size() != view.items) {
    return "entry counter " + std::to_string(view.items) + " but " +
           std::to_string(entries.size()) + " entries linked";
  }
  return "";
}

}  // namespace mapsim::invariants
