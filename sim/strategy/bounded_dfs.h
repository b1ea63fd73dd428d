// Bounded-preemption depth-first search: iterative context bounding (Musuvathi & Qadeer,
// "Iterative Context Bounding for Systematic Testing of Multithreaded Programs", PLDI 2007).
//
// A preemption is a step by another context while the context that took the previous step is
// still enabled (switching away from a blocked or finished context is free). Iteration b
// explores, depth first, every execution with at most b preemptions, for b = 0, 1, 2, ... up
// to `max_preemptions` (or until nothing was cut off: then the whole space has been covered
// and the strategy reports exhaustion). Most concurrency bugs need very few preemptions, so
// small bounds find them early.
//
// Iteration b re-traverses executions with fewer than b preemptions to reach the new ones
// (iterative deepening: memory stays the depth of one execution); those repeats are not counted
// as executions (last_execution_is_new() is false for them).
// Allocation outcomes are branches too (success first), without preemption cost. With an
// unlimited bound this is the brute-force enumeration of every interleaving.
//
// Parts (sim/partition.h): with a `prefix`, every execution starts with those choices (their
// preemptions count towards the bound), so the search covers the subtree below them. A part
// whose prefix already has p preemptions starts at first_bound >= p (the planner sees to it).
#pragma once

#include <array>
#include <string>
#include <vector>

#include "sim/result.h"
#include "sim/schedule.h"
#include "sim/strategy/strategy.h"
#include "sim/vector_clock.h"

namespace mapsim::sim {

struct BoundedDfsOptions {
  static constexpr int kUnbounded = -1;
  int max_preemptions = kUnbounded;  ///< last iteration's bound; kUnbounded: go on until done
  int first_bound = 0;               ///< first iteration's bound (>= 0); kUnbounded for plain DFS
  uint64_t budget = 100'000;         ///< default number of executions
  std::vector<Choice> prefix;        ///< a part: the choices every execution starts with

  std::string validate() const;
};

class BoundedDfsStrategy final : public Strategy {
 public:
  // REQUIRES: options.validate() is empty (use make()).
  explicit BoundedDfsStrategy(const BoundedDfsOptions& options);
  static Result<BoundedDfsStrategy> make(const BoundedDfsOptions& options);

  const char* name() const override { return "dfs"; }
  bool begin_execution() override;
  int choose_context(const Snapshot& snapshot) override;
  int choose_value(const Snapshot& snapshot, const ValueRequest& request) override;
  void end_execution(const ExecutionSummary& summary) override;
  bool exhausted() const override { return exhausted_; }
  uint64_t default_budget() const override { return options_.budget; }
  bool last_execution_is_new() const override { return last_was_new_; }
  std::string describe() const override;

  int bound() const { return bound_; }

 private:
  struct Node {
    bool value = false;          // an outcome choice, not a context choice
    int alternatives[kMaxContexts];
    int alternative_count = 0;
    int position = 0;            // index of the alternative taken
    int preemptions_before = 0;  // on the path above this node
    int previous = -1;           // context: who took the previous step (if still enabled)
  };
  int cost(const Node& node, int alternative) const;
  bool within_bound(const Node& node, int alternative) const;
  bool advance();
  int take(Node node);

  BoundedDfsOptions options_;
  std::vector<Node> stack_;
  size_t depth_ = 0;
  int bound_ = 0;
  int path_preemptions_ = 0;
  bool cut_off_ = false;    // this iteration skipped an alternative over the bound
  bool started_ = false;
  bool exhausted_ = false;
  bool last_was_new_ = true;
};

}  // namespace mapsim::sim
