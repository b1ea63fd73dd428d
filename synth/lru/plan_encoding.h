// PlanEncoding: bounded model checking of the LRU model (synth/lru/lru_model.h) for one target
// path event: "is there a map, a sequence of `steps` operations and at most one interrupt whose
// abstract run reports the target?" as one Z3 formula, and the way back from a model to an
// LruPlan.
//
// Variables: the map (max_entries 1..8, per-CPU LRU: a multiple of the CPUs with at most 4 nodes
// per CPU, so that every list is shorter than one scan; LRU_HASH or LRU_PERCPU_HASH; whether all
// keys share one bucket), per operation its CPU, kind, key class and flags, and the interrupt
// (host operation, its own operation, on the host's CPU; the phase is fixed per encoding, so the
// nested operation is instantiated once per operation, not once per phase). The state after every
// operation is a fresh set of integer constants, so the formula grows linearly with the bound.
//
// A plan the simulator does not confirm is excluded by blocking(): exactly that assignment of
// the decision variables (irrelevant choices are fixed by canonical-form constraints, so one
// plan is one assignment).
#pragma once

#include <z3++.h>

#include <optional>
#include <vector>

#include "impl/lru_path_event.h"
#include "synth/lru/lru_model.h"
#include "synth/lru/lru_plan.h"

namespace mapsim::synth {

struct EncodingOptions {
  LruKind lru = LruKind::kCommon;
  int cpus = 2;
  int steps = 1;              ///< operations in the plan (the bound)
  bool allow_interrupt = false;
  IrqPhase irq_phase = IrqPhase::kAfterPop;  ///< with allow_interrupt: the one phase it may fire at
  uint32_t max_entries_max = 8;
};

class PlanEncoding {
 public:
  PlanEncoding(z3::context& context, const EncodingOptions& options, PathEvent target);

  const std::vector<z3::expr>& constraints() const { return constraints_; }
  LruPlan decode(const z3::model& model) const;
  // The clause that excludes `plan` (as decoded from a model of this encoding).
  z3::expr blocking(const LruPlan& plan) const;

 private:
  SymOp fresh_op(const char* prefix, int index);
  void encode(PathEvent target);
  PlanOp decode_op(const z3::model& model, const SymOp& op) const;
  z3::expr op_equals(const SymOp& op, const PlanOp& value) const;

  z3::context& context_;
  EncodingOptions options_;
  z3::expr max_entries_;
  z3::expr percpu_values_;
  z3::expr one_bucket_;
  std::vector<SymOp> ops_;
  z3::expr irq_present_;
  z3::expr irq_host_;
  z3::expr irq_phase_;
  SymOp irq_op_;
  std::vector<z3::expr> target_at_;  ///< per step: the target fired in it
  std::vector<z3::expr> constraints_;
};

}  // namespace mapsim::synth
