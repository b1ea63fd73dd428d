// PrefixEnumerator: lists the ways the first `depth` steps of a scenario can go, so that an
// exploration can be split into parts that run on separate threads (sim/partition.h).
//
// A depth-first search over the choices of the first `depth` steps (contexts, and the
// allocation outcomes inside those steps); each execution is cut short (a non-failing abort)
// as soon as it has taken `depth` steps, and the choices that led there become one prefix. An
// execution that ends earlier (it completes or fails inside the first steps) is a prefix too,
// a part of a single execution.
//
// Two shapes of search, one per kind of part:
// - sleep sets (DPOR parts): every node is fully expanded, alternatives in context order, with
//   the classic sleep sets (Godefroid, "Partial-Order Methods for the Verification of Concurrent
//   Systems", LNCS 1032, chapter 5): branch i sleeps on the transitions of branches 0..i-1 that
//   are independent of it, and a context asleep at a node is not a branch there. Each prefix
//   comes with the sleep set where it ends, which its DPOR part starts from. Full expansion
//   plus sleep sets is sound, so the parts together cover every Mazurkiewicz trace.
// - preemption bound (bounded-DFS parts): the same tree as BoundedDfsStrategy's (the running
//   context first, then the others in context order), keeping prefixes within
//   `max_preemptions`; each prefix records its preemptions.
//
// The enumeration depends on the scenario only, never on how many threads run the parts.
#pragma once

#include <string>
#include <vector>

#include "sim/schedule.h"
#include "sim/strategy/strategy.h"
#include "sim/transition.h"

namespace mapsim::sim {

struct PrefixEnumeratorOptions {
  static constexpr int kUnbounded = -1;
  uint32_t depth = 1;                ///< steps per prefix (>= 1)
  bool sleep_sets = true;            ///< DPOR shape (else: preemption-bound shape)
  int max_preemptions = kUnbounded;  ///< preemption-bound shape: prefixes within this bound
  int max_failures = 0;              ///< allocation outcomes branch while fewer failed
};

struct Prefix {
  std::vector<Choice> choices;     ///< contexts and outcomes, as a Schedule records them
  uint32_t steps = 0;              ///< context choices in `choices`
  std::vector<Transition> sleep;   ///< sleep-set shape: asleep where the prefix ends
  int preemptions = 0;             ///< preemptions inside the prefix
  bool ended = false;              ///< the execution ended inside the prefix
};

class PrefixEnumerator final : public Strategy {
 public:
  explicit PrefixEnumerator(const PrefixEnumeratorOptions& options);

  const char* name() const override { return "prefixes"; }
  bool begin_execution() override;
  int choose_context(const Snapshot& snapshot) override;
  int choose_value(const Snapshot& snapshot, const ValueRequest& request) override;
  void end_execution(const ExecutionSummary& summary) override;
  bool exhausted() const override { return exhausted_; }
  uint64_t default_budget() const override { return UINT64_MAX; }
  std::string abort_reason() const override { return "prefix enumeration: prefix complete"; }
  std::string describe() const override;

  // The prefixes found so far, in search order.
  const std::vector<Prefix>& prefixes() const { return prefixes_; }

 private:
  struct Node {
    bool value = false;
    std::vector<int> alternatives;
    std::vector<Transition> transitions;  // context nodes: each alternative's next transition
    std::vector<Transition> sleep;        // context nodes: asleep here
    size_t position = 0;
    int preemptions_before = 0;
    int previous = -1;
  };
  Node context_node(const Snapshot& snapshot) const;
  int cost(const Node& node, int alternative) const;
  int take();
  bool advance();
  void record_prefix(bool ended);

  PrefixEnumeratorOptions options_;
  std::vector<Node> stack_;
  size_t depth_ = 0;                       // nodes passed in this execution
  std::vector<Choice> path_;
  uint32_t steps_ = 0;
  int path_preemptions_ = 0;
  int path_failures_ = 0;
  std::vector<Transition> pending_sleep_;  // the sleep set of the next context node
  bool recorded_ = false;                  // this execution produced its prefix
  bool blocked_ = false;                   // every enabled context was asleep
  bool started_ = false;
  bool exhausted_ = false;
  std::vector<Prefix> prefixes_;
};

}  // namespace mapsim::sim
