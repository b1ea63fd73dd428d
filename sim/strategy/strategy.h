// Strategy: the decision half of the simulator (STYLE G3). A strategy sees a snapshot of the
// contexts at a scheduling point and picks which enabled context takes the next step; it also
// picks the outcome of nondeterministic values (allocation failure). It never touches fibers,
// and the execution records every choice it makes into the Schedule.
//
// Implementations, one per file: random_walk.h (uniform, seeded), pct.h (probabilistic
// concurrency testing, depth d), bounded_dfs.h (iterative context bounding), dpor.h (optimal
// DPOR with wakeup trees and sleep sets) and replay.h (feeds a recorded schedule back).
//
// Life cycle, driven by the Explorer:
//   while (strategy.begin_execution()) {
//     ... choose_context / choose_value at every choice, on_step after every step ...
//     strategy.end_execution(summary);
//   }
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sim/transition.h"

namespace mapsim::sim {

enum class ContextStatus : uint8_t {
  kDormant,    ///< a nested program that has not fired; its pending op is kIrqEntry
  kReady,      ///< parked at its pending visible operation
  kPreempted,  ///< parked, but a nested program runs above it on its CPU
  kFinished,
};

struct ContextView {
  int cpu = 0;
  bool nested = false;
  ContextStatus status = ContextStatus::kReady;
  VisibleOp pending;  ///< the operation its next step starts with (valid unless finished)
};

struct Snapshot {
  uint64_t enabled = 0;  ///< bit c: context c may take the next step
  int current = -1;      ///< the context that took the previous step (-1 before the first)
  uint32_t step = 0;     ///< steps taken so far in this execution
  std::span<const ContextView> contexts;

  bool is_enabled(int context) const { return (enabled >> context) & 1; }
  int enabled_count() const { return __builtin_popcountll(enabled); }
  Transition next_transition(int context) const {
    return Transition{static_cast<uint16_t>(context),
                      static_cast<uint16_t>(contexts[context].cpu), contexts[context].pending};
  }
};

// A nondeterministic value inside a step.
struct ValueRequest {
  enum class Kind : uint8_t { kAllocationFailure };
  Kind kind = Kind::kAllocationFailure;
  int context = 0;       ///< who asks
  uint32_t ordinal = 0;  ///< how many requests of this kind `context` made before this one
  int options = 2;       ///< the answer is in [0, options); for allocations 1 means "fail"
};

struct ExecutionSummary {
  uint32_t steps = 0;
  bool completed = false;  ///< every context finished (no deadlock, abort or failure)
  bool failed = false;     ///< a violation was found
};

class Strategy {
 public:
  // Returned by choose_context / choose_value to cut the execution short (abort_reason() says
  // why); used by replay on divergence and by DPOR on a sleep-set-blocked execution.
  static constexpr int kAbort = -1;

  virtual ~Strategy() = default;
  virtual const char* name() const = 0;

  // Prepares the next execution; false when there is nothing more to explore.
  virtual bool begin_execution() = 0;
  // REQUIRES: snapshot.enabled != 0. Returns an enabled context, or kAbort.
  virtual int choose_context(const Snapshot& snapshot) = 0;
  virtual int choose_value(const Snapshot& snapshot, const ValueRequest& request) = 0;
  // After every step (the transition that was just taken).
  virtual void on_step(const Transition& transition) { (void)transition; }
  virtual void end_execution(const ExecutionSummary& summary) { (void)summary; }

  // False when the execution that just ended repeats one explored before (iterative deepening
  // re-traverses); the explorer neither counts nor judges repeats.
  virtual bool last_execution_is_new() const { return true; }
  // True once the whole space of executions has been covered.
  virtual bool exhausted() const = 0;
  // Executions the strategy would run when the caller sets no budget.
  virtual uint64_t default_budget() const = 0;
  // Why the last kAbort happened, and whether it is a failure (replay divergence) or merely a
  // redundant execution (a DPOR sleep-set block).
  virtual std::string abort_reason() const { return ""; }
  virtual bool abort_is_failure() const { return false; }
  // The seed this strategy derives its choices from (0 for systematic strategies).
  virtual uint64_t seed() const { return 0; }
  // Strategy-specific counters and parameters as "key=value ..." for reports.
  virtual std::string describe() const = 0;
};

}  // namespace mapsim::sim
