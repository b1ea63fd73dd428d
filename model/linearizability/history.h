// History: what one execution's operations observed, for the linearizability checker
// (linearizability_check.h; docs/linearizability.md).
//
// The runner of a scenario records, for every scenario step that ran, who ran it (context and
// CPU), what it asked (the StepSpec), what it got (rc and the value read) and when it started
// and ended, counted in simulator steps. Nothing else: the checker never looks at the
// implementation, only at these observations and the reference model.
//
// Time, in simulator steps (the index of a step in the execution, 0 for the first):
// invoked_step is the index of the op's first visible operation and returned_step the index of
// its last one (both the index the next step would get when the op had no visible operation),
// so invoked_step <= returned_step. Op A precedes op B in real time iff A.returned_step <
// B.invoked_step; otherwise they overlap and may take effect in either order. Ops of one
// context always take effect in program order (the checker keeps it even when their steps
// touch); ops of different contexts on one CPU (a program and an interrupt nested in it) may
// overlap like ops of different CPUs.
//
// Setup steps run before every op, sequentially on CPU 0, and are not part of `ops`: the
// checker applies them to the model first. Their results are not checked here.
//
// What the runner records for each StepKind (rc and value):
//   kUpdate, kDelete                 the call's rc; value empty
//   kLookup, kLookupAndDelete        rc; on rc 0 the value read (see HistoryOp::value)
//   kGetNextKey                      rc; on rc 0 the next key
//   kLookupAddElseInsert             rc 0 when the add or the insert happened, else the
//                                    insert's errno; found: the lookup found the key; value:
//                                    the counter after the add when found, else empty
//   kLookupKeepPointer               the lookup's rc; on rc 0 the value read
//   kAddThroughPointer               0 when the context's kLookupKeepPointer before it kept a
//                                    pointer (the add happened), -ENOENT when it kept none;
//                                    value: the counter after the add on rc 0, else empty
//   kWalk, kBatchWalk,               rc 0; value empty (walks are judged by the walk check)
//   kBatchWalkAndDelete
// The counter of an add is the first 8 bytes of the value (the first 4 when value_size < 8),
// little-endian, on the adding CPU's slot of a per-CPU map; the addend is the little-endian
// integer in the first 8 bytes of the step's value (its first 4 when value_size < 8 for a
// kLookupAddElseInsert, whose value is value_size bytes).
#pragma once

#include <cstdint>
#include <vector>

#include "impl/map_attr.h"
#include "scenarios/scenario_spec.h"

namespace mapsim::linearizability {

struct HistoryOp {
  int context = 0;         ///< the execution context (a CPU's program or an interrupt)
  int cpu = 0;             ///< the CPU it ran on, 0 <= cpu < History::possible_cpus
  scenario::StepSpec step; ///< what was asked
  int64_t rc = 0;          ///< 0 or the kernel's negative errno
  /// What a successful lookup read (syscall: every CPU's rounded slot of a per-CPU map;
  /// program: value_size bytes), the next key of a successful get_next_key, the value of a
  /// successful lookup_and_delete; empty otherwise.
  Bytes value;
  bool found = false;          ///< kLookupAddElseInsert: its lookup found the key
  uint32_t invoked_step = 0;   ///< index of the op's first simulator step
  uint32_t returned_step = 0;  ///< index of its last simulator step
};

struct History {
  MapAttr map;                          ///< as the scenario creates it
  int possible_cpus = 1;
  /// The hashrnd the map was created with (0 with BPF_F_ZERO_SEED): the first get_random_u32()
  /// of the execution, which the simulator draws from the scenario's map_seed. It decides the
  /// order get_next_key follows.
  uint32_t hash_seed = 0;
  std::vector<scenario::StepSpec> setup;  ///< run on CPU 0 before the ops, in order
  /// Any order across contexts; one context's ops in program order (which decides between
  /// ops of a context whose steps tie, e.g. ops without a visible operation).
  std::vector<HistoryOp> ops;
};

}  // namespace mapsim::linearizability
