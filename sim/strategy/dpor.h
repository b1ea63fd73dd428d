// Optimal DPOR: dynamic partial-order reduction with source sets, sleep sets and wakeup trees
// (Abdulla, Aronis, Jonsson, Sagonas, "Source Sets: A Foundation for Optimal Dynamic Partial
// Order Reduction", JACM 64(4), 2017, Algorithm 2 "Optimal-DPOR").
//
// Explores one execution per Mazurkiewicz trace of the dependency relation in
// sim/transition.h (no two explored executions are equivalent when nothing blocks), and at
// least one per trace (soundness). Stateless: each execution replays the prefix of the node
// being backtracked, then follows that node's wakeup tree, then runs freely.
//
// Per prefix E (one Node per step depth) the algorithm keeps sleep(E), the contexts whose
// exploration from E is already covered (with their next transition), and wut(E), the wakeup
// tree of sequences still to explore. After a complete execution, every reversible race e ⋖ e'
// (e happens directly before e', different contexts, dependent) is examined:
//   E' = pre(E, e); v = notdep(e, E).e'   (the events after e not caused by it, then e')
//   if no context of sleep(E') is a weak initial of v: insert v into wut(E').
// Then the deepest node with a non-empty wakeup tree is backtracked to; the context just
// explored from it goes to sleep.
//
// Locks and races. Acquire and release are both writes of the lock word, so happens-before
// orders critical sections. A release racing with the next acquire is not reversible (the
// acquire is disabled before the release); the race that matters is between the two
// *acquires*, which is the race examined for every acquire (Abdulla et al. section 10;
// Nidhugg's treatment of mutexes). With blocking, optimality is not guaranteed: an execution
// can end sleep-set blocked; such executions are cut short and counted (`sleep_blocked`).
// Nested programs work like a lock on their CPU: entry is dependent on every step of the CPU,
// and the race that moves a step of the interrupted context before the nested program is the
// one with the *entry* (exit, and the nested program's own steps, are not reversible against
// the interrupted context: it cannot run until exit). A dormant nested program's entry can be
// moved before a step of its CPU only if it was enabled there (nesting depth, irqs).
//
// Fault injection: the set of allocations that fail (by context and per-context ordinal) is
// fixed for a whole DPOR exploration ("plan"); plans with one more failure are discovered
// while exploring and explored in turn, up to `max_injected_failures` failures.
//
// Parts (sim/partition.h): with a `prefix`, the strategy explores only the executions that
// start with those choices, as the subtree below that prefix of one DPOR exploration whose
// first levels are fully expanded: the prefix is replayed as given (its allocation outcomes
// included; plans only add failures after it), no race reverses a step inside it (every
// alternative there is another part), and `prefix_sleep` is the sleep set where it ends (the
// alternatives of earlier parts that this part need not repeat). The prefix's sleep set only
// keeps those contexts from being chosen freely (classic sleep sets); it does not veto wakeup
// insertions as the strategy's own sleep sets do: that veto assumes the sleeping branch was
// explored by this same search, with its races reversed at nodes above this one, which a
// part's prefix nodes never are.
#pragma once

#include <deque>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/result.h"
#include "sim/schedule.h"
#include "sim/strategy/strategy.h"
#include "sim/strategy/wakeup_tree.h"
#include "sim/vector_clock.h"

namespace mapsim::sim {

struct DporOptions {
  static constexpr int kMaxInjectedFailures = 8;
  int max_injected_failures = 1;  ///< failures per plan (the execution's own limit applies too)
  uint64_t budget = 1'000'000;    ///< default number of executions
  std::vector<Choice> prefix;              ///< a part: the choices every execution starts with
  std::vector<Transition> prefix_sleep;    ///< a part: asleep where the prefix ends

  std::string validate() const;
};

struct DporStats {
  uint64_t executions = 0;          ///< executions started
  uint64_t sleep_blocked = 0;       ///< cut short: every enabled context was asleep
  uint64_t races = 0;               ///< reversible races examined
  uint64_t insertions = 0;          ///< races that grew a wakeup tree
  uint64_t infeasible_wakeups = 0;  ///< wakeup sequences whose context was not enabled
  uint64_t plans = 0;               ///< fault plans explored
};

class DporStrategy final : public Strategy {
 public:
  // REQUIRES: options.validate() is empty (use make()).
  explicit DporStrategy(const DporOptions& options);
  static Result<DporStrategy> make(const DporOptions& options);

  const char* name() const override { return "dpor"; }
  bool begin_execution() override;
  int choose_context(const Snapshot& snapshot) override;
  int choose_value(const Snapshot& snapshot, const ValueRequest& request) override;
  void on_step(const Transition& transition) override;
  void end_execution(const ExecutionSummary& summary) override;
  bool exhausted() const override { return exhausted_; }
  uint64_t default_budget() const override { return options_.budget; }
  std::string abort_reason() const override { return abort_reason_; }
  bool abort_is_failure() const override { return abort_is_failure_; }
  std::string describe() const override;

  const DporStats& stats() const { return stats_; }

 private:
  using FaultPoint = std::pair<int, uint32_t>;  // context, allocation ordinal
  using FaultPlan = std::vector<FaultPoint>;    // sorted

  struct Node {
    std::vector<Transition> sleep;
    // A part's prefix sleep set, carried down while independent: those contexts are not
    // chosen freely, but unlike `sleep` they never veto a wakeup insertion (the part that
    // explored them relies on this part for races that reach back into the prefix).
    std::vector<Transition> inherited_sleep;
    WakeupTree wakeup;
    Transition taken;
  };
  struct Event {
    Transition transition;
    VectorClock clock;         // entry c: events of context c that happen before or are this
    uint64_t enabled_before;   // contexts enabled in the state this event was taken from
    uint64_t signature;        // see signature(): disjoint signatures mean independent
  };
  // A 64-bit summary of what a transition touches (its objects' bits and its CPU's bit); two
  // transitions of different contexts can only be dependent if their signatures intersect.
  static uint64_t signature(const Transition& transition);

  bool happens_before(size_t earlier, const VectorClock& later) const;
  bool race_candidate(size_t earlier, size_t later) const;
  std::vector<size_t> races_of(size_t later) const;
  void examine_race(size_t earlier, size_t later);
  void analyse_races();
  bool backtrack();
  bool asleep(const Node& node, int context) const;
  int abort_with(std::string reason, bool failure);
  bool start_next_plan();
  void reset_nodes();
  int prefix_context(const Snapshot& snapshot);
  int prefix_value(const ValueRequest& request);

  DporOptions options_;
  DporStats stats_;
  std::vector<Node> nodes_;    // nodes_[k]: the prefix of length k
  std::vector<Event> events_;  // this execution's steps
  std::array<uint32_t, kMaxContexts> event_counts_{};
  std::array<int32_t, kMaxContexts> last_event_{};
  size_t replay_until_ = 0;  // steps below this follow nodes_[k].taken
  size_t prefix_steps_ = 0;     // context choices in options_.prefix
  size_t prefix_cursor_ = 0;    // options_.prefix choices used by this execution
  int prefix_failures_ = 0;     // allocation failures the prefix forces
  uint64_t last_enabled_ = 0;  // the enabled set of the last choice
  bool started_ = false;
  bool exhausted_ = false;
  std::string abort_reason_;
  bool abort_is_failure_ = false;

  FaultPlan plan_;
  std::deque<FaultPlan> pending_plans_;
  std::set<FaultPlan> seen_plans_;
};

}  // namespace mapsim::sim
