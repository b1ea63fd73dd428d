// HASH and PERCPU_HASH (impl/internal/hash_map_impl.h): the table, the preallocated pool's
// bookkeeping and the NO_PREALLOC per-CPU area caches.
//
// What an operation in flight may hold (each at most elements_per_operation elements): an
// element popped from a free list and not yet linked, one unlinked and not yet freed, or the
// CPU's former extra element that a replacement of a preallocated HASH key fills; and, from
// that swap until the unlink, the replaced element is both in the table and the CPU's extra.
// The element counter moves one step before (insert) or after (delete) the table, so it may
// differ from the table by that much too.
#include <algorithm>
#include <set>
#include <vector>

#include "model/invariants/family_checks.h"

namespace mapsim::invariants {
namespace {

uint64_t allowance(const MapCheckScope& scope) {
  return uint64_t{scope.operations_in_flight} * std::max<uint32_t>(scope.elements_per_operation, 1);
}

uint64_t difference(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

std::string check_capacity(const HashMapView& view, const HashTableFacts& facts,
                           const MapCheckScope& scope) {
  const uint64_t overshoot = view.prealloc ? 0 : std::max<uint32_t>(scope.concurrency, 1) - 1;
  if (facts.distinct_keys > view.max_entries + overshoot) {
    return std::to_string(facts.distinct_keys) + " keys in the table, max_entries " +
           std::to_string(view.max_entries) +
           (overshoot > 0 ? " (+" + std::to_string(overshoot) + " racing inserts)" : "");
  }
  if (difference(view.element_count, facts.elements) > allowance(scope)) {
    return "element counter " + std::to_string(view.element_count) + " but " +
           std::to_string(facts.elements) + " elements in the table (" +
           std::to_string(scope.operations_in_flight) + " operations in flight)";
  }
  return "";
}

// Where each pool element is: places[index] counts free-list, extra and table memberships.
std::string count_places(const HashMapView& view, std::vector<uint32_t>* places,
                         std::vector<std::string>* where) {
  auto add = [&](const HashElementView& element, const std::string& place) -> std::string {
    if (!element.in_pool || element.id >= view.pool_count) {
      return place + " holds memory that is not one of the pool's elements";
    }
    (*places)[element.id] += 1;
    (*where)[element.id] += (*where)[element.id].empty() ? place : " and " + place;
    return "";
  };
  for (int cpu = 0; cpu < static_cast<int>(view.free_lists.size()); ++cpu) {
    const HashFreeListView& list = view.free_lists[cpu];
    const std::string place = "the free list of CPU " + std::to_string(cpu);
    if (list.cut) return place + " is longer than the pool (a cycle)";
    for (const HashElementView& element : list.elements) {
      if (std::string problem = add(element, place); !problem.empty()) return problem;
    }
  }
  for (int cpu = 0; cpu < static_cast<int>(view.extra_elements.size()); ++cpu) {
    const HashElementView& extra = view.extra_elements[cpu];
    const std::string place = "the extra element of CPU " + std::to_string(cpu);
    if (extra.id == HashElementView::kNone) {
      return "CPU " + std::to_string(cpu) + " has no extra element";
    }
    if (std::string problem = add(extra, place); !problem.empty()) return problem;
  }
  for (const HashChainView& chain : view.table.buckets) {
    for (const HashElementView& element : chain.elements) {
      if (std::string problem = add(element, "the table"); !problem.empty()) return problem;
    }
  }
  return "";
}

std::string check_pool(const HashMapView& view, const MapCheckScope& scope) {
  const uint64_t expected = uint64_t{view.max_entries} +
                            (view.percpu ? 0 : static_cast<uint64_t>(view.possible_cpus));
  if (view.pool_count != expected) {
    return "the pool holds " + std::to_string(view.pool_count) + " elements, not " +
           std::to_string(expected);
  }
  if (!view.percpu && view.extra_elements.size() != static_cast<size_t>(view.possible_cpus)) {
    return "HASH keeps " + std::to_string(view.extra_elements.size()) +
           " extra elements for " + std::to_string(view.possible_cpus) + " CPUs";
  }
  std::vector<uint32_t> places(view.pool_count, 0);
  std::vector<std::string> where(view.pool_count);
  if (std::string problem = count_places(view, &places, &where); !problem.empty()) return problem;
  uint64_t missing = 0;
  uint64_t doubled = 0;
  std::string first_missing;
  std::string first_doubled;
  for (uint64_t index = 0; index < view.pool_count; ++index) {
    const std::string element = "pool element " + std::to_string(index);
    if (places[index] == 0) {
      ++missing;
      if (first_missing.empty()) {
        first_missing = element + " is on no free list, no CPU's extra and not in the table";
      }
    } else if (places[index] > 1) {
      doubled += places[index] - 1;
      if (first_doubled.empty()) first_doubled = element + " is in " + where[index];
    }
  }
  const std::string in_flight =
      " (" + std::to_string(scope.operations_in_flight) + " operations in flight)";
  if (missing > allowance(scope)) {
    return first_missing + "; " + std::to_string(missing) + " elements lost" + in_flight;
  }
  // Only a replacement's swap with the CPU's extra element puts an element in two places.
  if (doubled > scope.operations_in_flight) return first_doubled + in_flight;
  return "";
}

std::string check_area_caches(const HashMapView& view) {
  std::set<uint64_t> in_table;
  for (const HashChainView& chain : view.table.buckets) {
    for (const HashElementView& element : chain.elements) {
      if (!in_table.insert(element.percpu_area).second) {
        return "two elements of the table share the per-CPU value area of key " +
               hex_bytes(element.key);
      }
    }
  }
  std::set<uint64_t> cached;
  for (int cpu = 0; cpu < static_cast<int>(view.area_caches.size()); ++cpu) {
    const PercpuAreaCacheView& cache = view.area_caches[cpu];
    const std::string place = "the area cache of CPU " + std::to_string(cpu);
    if (cache.count > view.area_cache_high_watermark) {
      return place + " holds " + std::to_string(cache.count) + " areas, above its watermark";
    }
    for (uint64_t area : cache.areas) {
      if (area == 0) return place + " holds a null area";
      if (!cached.insert(area).second) return place + ": an area is cached twice";
      if (in_table.count(area) != 0) return place + " holds an area an element in the table uses";
    }
  }
  return "";
}

}  // namespace

std::string check_hash_map(const HashMapView& view, const MapCheckScope& scope) {
  HashTableFacts facts;
  if (std::string problem = check_hash_table(view.table, &facts); !problem.empty()) {
    return problem;
  }
  if (std::string problem = check_capacity(view, facts, scope); !problem.empty()) return problem;
  if (view.prealloc) {
    if (std::string problem = check_pool(view, scope); !problem.empty()) return problem;
  }
  if (view.percpu) return check_area_caches(view);
  return "";
}

}  // namespace mapsim::invariants
