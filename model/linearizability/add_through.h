// The successors of a program's atomic add through a value pointer (add_through_pointer, or the
// add of a lookup_add_else_insert whose lookup found its key; history.h), shared by the
// specifications (model_spec.h, lru_spec.h), which differ only in how they hold the key's value
// and so in how the add itself is done.
//
// Without a pointer (its lookup is not one of the checked ops) an rc of 0 or ENOENT is
// possible: the state unchanged, and when the key exists also the state after the add. With a
// NULL pointer the op can only have answered ENOENT. With a pointer to an element, the add hits
// that element: the key's value when the key still has the element of the lookup's generation
// (and a counter read back must match), else a dead element nobody sees.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "impl/assert.h"
#include "model/linearizability/element_pointers.h"
#include "model/linearizability/prepared_history.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::linearizability {

// `exists`: the op's key is in `state`; `generation`: the key's generation there;
// `add(Spec& copy)`: does the add on a copy of `state` (whose key exists) and returns the
// counter after it, or nullopt when the state could not take it.
template <class Spec, class Add>
void add_through_successors(const Spec& state, const PreparedOp& op,
                            std::optional<ElementPointer> pointer, bool exists,
                            uint32_t generation, Add add, std::vector<Spec>* next) {
  if (!pointer) {
    if (op.rc != 0 && op.rc != reference::kENOENT) return;
    next->push_back(state);
    if (op.rc == 0 && exists) {
      Spec added = state;
      add(added);
      next->push_back(std::move(added));
    }
    return;
  }
  if (!pointer->found) {
    if (op.rc == reference::kENOENT) next->push_back(state);
    return;
  }
  if (op.rc != 0) return;
  if (!exists || generation != pointer->generation) {
    next->push_back(state);  // the add hit a dead element: nobody sees it
    return;
  }
  Spec added = state;
  const std::optional<reference::Bytes> counter = add(added);
  MAPSIM_ASSERT(counter.has_value(), "a live element's key is present");
  if (!op.observed.empty() && *counter != op.observed) return;
  next->push_back(std::move(added));
}

}  // namespace mapsim::linearizability
