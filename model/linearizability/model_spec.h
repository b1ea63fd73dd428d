// ModelSpec: the sequential specification of HASH, PERCPU_HASH, ARRAY and PERCPU_ARRAY for the
// linearization search (linearization_search.h): the reference model (model/reference/) plus
// the program pointers (element_pointers.h), and the kernel results the sequential model
// cannot give but a concurrent run can, each of which leaves the map unchanged:
//   - EDEADLK / ETIMEDOUT of update, delete and lookup_and_delete on a hash map (bucket
//     rqspinlock failures; spec_context.h);
//   - E2BIG of an insert while the map holds fewer than max_entries keys, if the keys plus the
//     writers overlapping the insert reach max_entries: a deleted element is unlinked (the
//     delete's linearization point) before it returns to the free list or the element count
//     drops, and a NO_PREALLOC replacement counts its new element before it unlinks the old;
//   - ENOMEM of an update when the scenario injects allocation failures.
// Everything else must be exactly the model's result: rc, and value (per-CPU padding left out,
// value_match.h).
//
// Ops and their pieces (event.h): a per-CPU syscall lookup reads each CPU's slot at its own
// point; a PERCPU_ARRAY syscall update writes each slot at its own point; lookup_add_else_insert
// looks up, then adds through the pointer or inserts (NOEXIST) at a later point; an add through
// a pointer whose element was replaced or deleted is lost. The add writes the counter in place
// (model_counter_add(); on HASH the model moves the key to its chain's head, which only
// get_next_key could see: the checker does not run the two together).
#pragma once

#include <cstdint>
#include <vector>

#include "model/linearizability/element_pointers.h"
#include "model/linearizability/event.h"
#include "model/linearizability/spec_context.h"
#include "model/reference/map_model.h"

namespace mapsim::linearizability {

class ModelSpec {
 public:
  // `model`: the reference model after the setup.
  ModelSpec(const SpecContext& context, reference::MapModel model);

  void append_events(uint32_t op, std::vector<Event>* events) const;
  void successors(const Event& event, std::vector<ModelSpec>* next) const;
  void free_successors(uint32_t op, std::vector<ModelSpec>* next) const;
  uint64_t hash() const;

 private:
  bool present(const reference::Bytes& key) const;
  bool no_effect_allowed(const PreparedOp& op, int model_rc) const;
  bool new_element_on_update(bool existed) const;
  void whole(const PreparedOp& op, std::vector<ModelSpec>* next) const;
  void update(const PreparedOp& op, const reference::ModelOp& model_op,
              std::vector<ModelSpec>* next) const;
  void remove(const PreparedOp& op, std::vector<ModelSpec>* next) const;
  void read(const PreparedOp& op, std::vector<ModelSpec>* next) const;
  void keep_pointer(const PreparedOp& op, std::vector<ModelSpec>* next) const;
  void add_through(const PreparedOp& op, std::optional<ElementPointer> pointer,
                   std::vector<ModelSpec>* next) const;
  void sequence_lookup(const PreparedOp& op, std::vector<ModelSpec>* next) const;
  void sequence_finish(const PreparedOp& op, std::vector<ModelSpec>* next) const;
  void slot_read(const PreparedOp& op, int cpu, std::vector<ModelSpec>* next) const;
  void slot_write(const PreparedOp& op, int cpu, std::vector<ModelSpec>* next) const;

  const SpecContext* context_;
  reference::MapModel model_;
  ElementPointers pointers_;
};

}  // namespace mapsim::linearizability
