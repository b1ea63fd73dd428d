// Read-only view of an LPM trie (impl/internal/lpm_trie_impl.h): every reachable node with
// its place in the tree. Test-only, like impl/inspection/hash_view.h; the walk stops after
// walk_limit nodes (a cycle), and a view taken while a writer holds the trie lock says so.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mapsim {

struct LpmNodeView {
  static constexpr uint32_t kNoParent = UINT32_MAX;
  uint32_t parent = kNoParent;  ///< index in LpmTrieView::nodes
  uint8_t side = 0;             ///< which child slot of the parent it hangs from
  uint32_t prefixlen = 0;
  bool intermediate = false;
  uint8_t child_count = 0;
  std::string data;             ///< the key data bytes (data_size)
};

struct LpmTrieView {
  uint32_t max_entries = 0;
  uint32_t max_prefixlen = 0;
  uint64_t entry_count = 0;  ///< the map's counter of real nodes
  bool locked = false;       ///< the trie lock was held at the moment of the view
  bool cut = false;          ///< more than walk_limit nodes reachable: a cycle
  uint32_t walk_limit = 0;
  std::vector<LpmNodeView> nodes;  ///< pre-order from the root
};

}  // namespace mapsim
