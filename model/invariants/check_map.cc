// check_map_invariants(): dispatch on the family of the map's inspection view.
#include "model/invariants/check_map.h"

#include <type_traits>
#include <variant>

#include "impl/hex_text.h"
#include "impl/map_inspection.h"
#include "model/invariants/family_checks.h"

namespace mapsim::invariants {

std::string check_map_invariants(const Map& map, const MapCheckScope& scope) {
  const MapInspection inspection = map.inspect();
  return std::visit(
      [&](const auto& view) -> std::string {
        using View = std::decay_t<decltype(view)>;
        if constexpr (std::is_same_v<View, HashMapView>) {
          return check_hash_map(view, scope);
        } else if constexpr (std::is_same_v<View, LruMapView>) {
          return check_lru_map(view, scope);
        } else if constexpr (std::is_same_v<View, ArrayMapView>) {
          return check_array_map(view);
        } else if constexpr (std::is_same_v<View, BloomFilterView>) {
          return check_bloom_filter(view);
        } else if constexpr (std::is_same_v<View, DevMapView>) {
          return check_devmap(view);
        } else if constexpr (std::is_same_v<View, DevMapHashView>) {
          return check_devmap_hash(view);
        } else if constexpr (std::is_same_v<View, LpmTrieView>) {
          return check_lpm_trie(view);
        } else {
          static_assert(std::is_same_v<View, std::monostate>, "every view is checked");
          return "";  // a map type without an inspection view has no structure to check
        }
      },
      inspection.view);
}

std::string hex_bytes(const std::string& bytes) { return hex_text(bytes); }

}  // namespace mapsim::invariants
