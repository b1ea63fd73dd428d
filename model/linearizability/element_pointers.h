// ElementPointers: the value pointers BPF programs hold between their steps, and the element
// identity they need (the program sequences of history.h).
//
// A program's lookup returns a pointer to an element; an add through it later writes to that
// element, whatever happened to the key meanwhile. The element is still the key's iff no op
// since has given the key a new element (HASH and LRU_HASH updates always do; PERCPU_HASH and
// LRU_PERCPU_HASH updates only for an absent key; array elements never change) and none has
// taken it away (delete, lookup_and_delete, LRU eviction). Each key carries a generation that
// those ops bump; a pointer remembers the generation it saw. An add through a stale pointer
// writes to a dead element: the key does not see it. (A preallocated element can be reused by
// another key; an add landing there changes that key's value, which the specifications do not
// model: the checker then reports a violation, which a scenario can declare as expected.)
//
// Generations are kept only when the history has program adds (SpecContext), so histories
// without them do not multiply states.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "model/reference/model_op.h"
#include "model/reference/state_hasher.h"

namespace mapsim::linearizability {

struct ElementPointer {
  bool found = false;          ///< the lookup found the key (else the program holds NULL)
  uint32_t generation = 0;     ///< the key's generation when it was looked up

  bool operator==(const ElementPointer&) const = default;
  void hash_into(reference::StateHasher& hasher) const {
    hasher.add(found ? 1 : 0);
    hasher.add(generation);
  }
};

class ElementPointers {
 public:
  explicit ElementPointers(bool track) : track_(track) {}

  uint32_t generation(const reference::Bytes& key) const {
    auto it = generations_.find(key);
    return it == generations_.end() ? 0 : it->second;
  }
  // The key got a new element or lost its element.
  void element_changed(const reference::Bytes& key) {
    if (track_) ++generations_[key];
  }

  // lookup_keep_pointer (kept until its add_through_pointer) and the lookup of
  // lookup_add_else_insert (kept until the sequence finishes), per context.
  void keep(int context, ElementPointer pointer) { kept_[context] = pointer; }
  void hold_for_sequence(int context, ElementPointer pointer) { sequence_[context] = pointer; }
  std::optional<ElementPointer> take_kept(int context) { return take(kept_, context); }
  std::optional<ElementPointer> take_sequence(int context) { return take(sequence_, context); }
  std::optional<ElementPointer> sequence_pointer(int context) const {
    auto it = sequence_.find(context);
    if (it == sequence_.end()) return std::nullopt;
    return it->second;
  }

  bool operator==(const ElementPointers&) const = default;
  void hash_into(reference::StateHasher& hasher) const {
    hasher.add(generations_);
    add_pointers(hasher, kept_);
    add_pointers(hasher, sequence_);
  }

 private:
  static std::optional<ElementPointer> take(std::map<int, ElementPointer>& pointers,
                                            int context) {
    auto it = pointers.find(context);
    if (it == pointers.end()) return std::nullopt;
    ElementPointer pointer = it->second;
    pointers.erase(it);
    return pointer;
  }
  static void add_pointers(reference::StateHasher& hasher,
                           const std::map<int, ElementPointer>& pointers) {
    hasher.add(pointers.size());
    for (const auto& [context, pointer] : pointers) {
      hasher.add(static_cast<uint64_t>(context));
      hasher.add(pointer);
    }
  }

  bool track_;
  std::map<reference::Bytes, uint32_t> generations_;
  std::map<int, ElementPointer> kept_;
  std::map<int, ElementPointer> sequence_;
};

}  // namespace mapsim::linearizability
