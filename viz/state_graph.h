// State graphs of small explorations: every state an explored execution passed through, merged
// when two executions reach the same state, with an edge per step (labelled with the CPU that
// took it and the step number).
//
// Which states are "the same". A state is named by the Mazurkiewicz trace of the steps that led
// to it: two prefixes that differ only in the order of independent steps (sim/transition.h's
// dependency relation, the one DPOR uses) reach the same state, because swapping adjacent
// independent steps changes nothing. prefix_state_hashes() computes that name incrementally:
// each step gets h = hash(context, its operation, its result, sum of h over the earlier steps it
// depends on), which is the same in every linearisation of the prefix; the state after a prefix
// is the hash of the sum of its steps' h. Prefixes that reach equal memory by different,
// non-equivalent routes stay distinct states: the picture shows exactly the interleavings that
// matter to the simulator, no more and no fewer.
//
// Input is a plain struct (StateGraphInput): executions as lists of (state after, CPU, step,
// label). StateGraphRecorder fills it from an explorer's observer.
//
// Caps, stated in the picture when they apply: at most `state_cap` states are drawn (the first
// ones reached breadth-first from the initial state; transitions to the others are counted as
// left out); above `layout_effort_states` states Graphviz's layout iterations are limited
// (nslimit, mclimit), which bounds the render time; a render that still takes longer than
// `render_seconds` is stopped and the picture drawn again with a quarter of the states (down to
// `states_after_timeout_min`), the title saying so; the recorder keeps at most `execution_cap`
// executions.
//
// In the svg: states have ids "state.N" (N in breadth-first order, 0 = initial) and classes
// "state" plus "initial", "final", "failed"; transitions have class "transition"; the cap note
// is part of the title.
#pragma once

#include <boost/graph/adjacency_list.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "viz/picture.h"

namespace mapsim::sim {
class Trace;
struct ExecutionRecord;
}  // namespace mapsim::sim

namespace mapsim::viz {

struct StateGraphStep {
  uint64_t state_after = 0;  ///< name of the state reached
  int context = 0;
  int cpu = 0;
  uint32_t step = 0;         ///< index of the step in its execution
  std::string label;         ///< what the step does ("spin_lock")
};

struct StateGraphExecution {
  uint64_t initial_state = 0;
  std::vector<StateGraphStep> steps;
  bool completed = true;     ///< false: cut short by the strategy (no final state)
  bool failed = false;
  std::string verdict;       ///< "" or the failure
};

struct StateGraphInput {
  std::string title;
  std::vector<StateGraphExecution> executions;
  uint64_t executions_seen = 0;  ///< executions explored (more than recorded when capped)
};

// State names after each step of `trace` (see above), in step order; the initial state's
// name is prefix_initial_state().
std::vector<uint64_t> prefix_state_hashes(const sim::Trace& trace);
uint64_t prefix_initial_state();

// Observer for sim::ExplorerOptions::observer.
class StateGraphRecorder {
 public:
  explicit StateGraphRecorder(std::string title, size_t execution_cap = 2000);
  void observe(const sim::ExecutionRecord& record);
  const StateGraphInput& input() const { return input_; }

 private:
  size_t execution_cap_;
  StateGraphInput input_;
};

struct StateGraphOptions {
  size_t state_cap = 400;             ///< states drawn at most
  size_t layout_effort_states = 150;  ///< above this, Graphviz's layout effort is limited
  double render_seconds = 20;         ///< render time cap of one attempt
  size_t states_after_timeout_min = 10;  ///< the smallest state cap a timed-out render retries
};

struct StateNode {
  uint64_t name = 0;
  size_t order = 0;        ///< breadth-first number, 0 = initial
  size_t visits = 0;       ///< executions passing through
  bool final_state = false;
  bool failed = false;
  std::string verdict;
};
struct StateEdge {
  int context = 0;
  int cpu = 0;
  uint32_t step = 0;
  std::string label;
  size_t taken = 0;        ///< executions taking it
};
using StateGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                         StateNode, StateEdge>;

struct BuiltStateGraph {
  StateGraph graph;              ///< the states kept (at most state_cap)
  size_t states_total = 0;       ///< distinct states in the input
  size_t transitions_total = 0;  ///< distinct transitions in the input
  size_t states_left_out = 0;
  size_t transitions_left_out = 0;
};

BuiltStateGraph build_state_graph(const StateGraphInput& input, const StateGraphOptions& options);
// `render_note`: a line for the title (what the render time cap did), "" for none.
std::string state_graph_dot(const StateGraphInput& input, const StateGraphOptions& options = {},
                            const std::string& render_note = "");
// Renders, retrying with fewer states while a render is stopped at its time cap; when even the
// smallest attempt is, the Picture has that attempt's dot text (with the note) and the error.
Picture draw_state_graph(const StateGraphInput& input, const StateGraphOptions& options = {});

}  // namespace mapsim::viz
