// LruModel::check_invariants(): the model checks itself, so that a test failure points at the
// model's own bookkeeping before anyone suspects the implementation.
#include <string>

#include "model/reference/lru_model.h"

namespace mapsim::reference {

bool LruModel::check_list(const std::list<uint32_t>& list, LruListKind kind, int owner,
                          std::vector<int>* seen, std::string* failure) const {
  for (uint32_t node : list) {
    const std::string name = "node " + std::to_string(node);
    if (node >= nodes_.size()) {
      *failure = name + " is not a node of the pool";
      return false;
    }
    if ((*seen)[node]++ != 0) {
      *failure = name + " is on two lists";
      return false;
    }
    if (nodes_[node].list != kind) {
      *failure = name + " is on another list than its state says";
      return false;
    }
    if (owner >= 0 && nodes_[node].cpu != owner) {
      *failure = name + " is on the lists of CPU " + std::to_string(owner) + ", not its owner's";
      return false;
    }
  }
  return true;
}

bool LruModel::check_invariants(std::string* failure) const {
  std::vector<int> seen(nodes_.size(), 0);
  const LruListKind global_kinds[] = {LruListKind::kActive, LruListKind::kInactive,
                                      LruListKind::kFree};
  std::vector<const LruList*> lists;
  if (percpu_lists_) {
    for (const LruList& list : percpu_) lists.push_back(&list);
  } else {
    lists.push_back(&global_);
  }
  for (size_t index = 0; index < lists.size(); ++index) {
    const int owner = percpu_lists_ ? static_cast<int>(index) : -1;
    for (LruListKind kind : global_kinds) {
      if (!check_list(lists[index]->of(kind), kind, owner, &seen, failure)) return false;
    }
    const std::optional<uint32_t>& cursor = lists[index]->rotation_cursor;
    if (cursor && (*cursor >= nodes_.size() || nodes_[*cursor].list != LruListKind::kInactive)) {
      *failure = "the rotation cursor is not on an INACTIVE node";
      return false;
    }
  }
  for (size_t cpu = 0; cpu < locals_.size(); ++cpu) {
    if (!check_list(locals_[cpu].free, LruListKind::kLocalFree, -1, &seen, failure) ||
        !check_list(locals_[cpu].pending, LruListKind::kLocalPending, static_cast<int>(cpu),
                    &seen, failure)) {
      return false;
    }
  }
  for (size_t node = 0; node < seen.size(); ++node) {
    if (seen[node] == 0) {
      *failure = "node " + std::to_string(node) + " is on no list";
      return false;
    }
  }
  return true;
}

}  // namespace mapsim::reference
