// State names of trace prefixes, the explorer observer, and building the Boost graph
// (viz/state_graph.h).
#include "viz/state_graph.h"

#include <deque>
#include <map>
#include <unordered_map>

#include "impl/assert.h"
#include "sim/execution.h"
#include "sim/explorer.h"
#include "sim/hashing.h"
#include "sim/trace.h"
#include "sim/transition.h"

namespace mapsim::viz {
namespace {

constexpr uint64_t kStepSeed = 0x5354455053ull;    // "STEPS"
constexpr uint64_t kStateSeed = 0x5354415445ull;   // "STATE"

uint64_t step_hash(const sim::Transition& transition, uint64_t value, uint64_t causes) {
  uint64_t hash = sim::hash_mix(kStepSeed, transition.context);
  hash = sim::hash_mix(hash, static_cast<uint64_t>(transition.op.kind));
  hash = sim::hash_mix(hash, transition.op.object);
  hash = sim::hash_mix(hash, transition.op.object2);
  hash = sim::hash_mix(hash, (uint64_t{transition.op.span.offset} << 32) |
                                 transition.op.span.bytes);
  hash = sim::hash_mix(hash, value);
  return sim::hash_mix(hash, causes);
}

}  // namespace

uint64_t prefix_initial_state() { return sim::hash_mix(kStateSeed, 0); }

std::vector<uint64_t> prefix_state_hashes(const sim::Trace& trace) {
  std::vector<sim::Transition> transitions;
  std::vector<uint64_t> step_hashes;
  std::vector<uint64_t> states;
  uint64_t sum = 0;
  for (const sim::TraceRecord& record : trace.records()) {
    if (record.kind != sim::TraceKind::kStep) continue;
    const sim::Transition transition{record.context, record.cpu, record.op};
    // The steps this one depends on are the same in every equivalent prefix; so is the sum of
    // their hashes (order-free).
    uint64_t causes = 0;
    for (size_t earlier = 0; earlier < transitions.size(); ++earlier) {
      if (sim::dependent(transitions[earlier], transition)) causes += step_hashes[earlier];
    }
    const uint64_t hash = step_hash(transition, record.value, causes);
    transitions.push_back(transition);
    step_hashes.push_back(hash);
    sum += hash;
    states.push_back(sim::hash_mix(kStateSeed, sum));
  }
  return states;
}

StateGraphRecorder::StateGraphRecorder(std::string title, size_t execution_cap)
    : execution_cap_(execution_cap) {
  input_.title = std::move(title);
}

void StateGraphRecorder::observe(const sim::ExecutionRecord& record) {
  ++input_.executions_seen;
  if (input_.executions.size() >= execution_cap_) return;
  StateGraphExecution execution;
  execution.initial_state = prefix_initial_state();
  const std::vector<uint64_t> states = prefix_state_hashes(*record.trace);
  size_t index = 0;
  for (const sim::TraceRecord& step : record.trace->records()) {
    if (step.kind != sim::TraceKind::kStep) continue;
    execution.steps.push_back(StateGraphStep{states[index], step.context, step.cpu, step.step,
                                             sim::visible_op_kind_name(step.op.kind)});
    ++index;
  }
  execution.completed = !record.result->aborted;
  execution.failed = bool(record.result->failure);
  if (execution.failed) {
    execution.verdict = std::string(sim::failure_kind_name(record.result->failure.kind)) + ": " +
                        record.result->failure.message;
  }
  input_.executions.push_back(std::move(execution));
}

BuiltStateGraph build_state_graph(const StateGraphInput& input,
                                  const StateGraphOptions& options) {
  // Every distinct state and transition of the input.
  struct Transition {
    uint64_t target = 0;
    StateEdge edge;
  };
  std::map<uint64_t, std::map<uint64_t, Transition>> successors;  // source -> target -> edge
  std::unordered_map<uint64_t, StateNode> states;
  auto visit = [&states](uint64_t name) -> StateNode& {
    StateNode& node = states[name];
    node.name = name;
    return node;
  };
  for (const StateGraphExecution& execution : input.executions) {
    uint64_t current = execution.initial_state;
    ++visit(current).visits;
    for (const StateGraphStep& step : execution.steps) {
      Transition& transition = successors[current][step.state_after];
      transition.target = step.state_after;
      transition.edge = StateEdge{step.context, step.cpu, step.step, step.label,
                                  transition.edge.taken + 1};
      ++visit(step.state_after).visits;
      current = step.state_after;
    }
    if (!execution.completed) continue;
    StateNode& last = visit(current);
    last.final_state = true;
    if (execution.failed && !last.failed) {
      last.failed = true;
      last.verdict = execution.verdict;
    }
  }
  BuiltStateGraph built;
  built.states_total = states.size();
  for (const auto& [source, targets] : successors) built.transitions_total += targets.size();
  if (input.executions.empty()) return built;
  // Breadth-first from the initial state; the first state_cap states are kept.
  std::unordered_map<uint64_t, size_t> vertex_of;
  std::deque<uint64_t> queue{input.executions.front().initial_state};
  vertex_of.emplace(queue.front(), 0);
  while (!queue.empty()) {
    const uint64_t name = queue.front();
    queue.pop_front();
    const size_t vertex = boost::add_vertex(built.graph);
    MAPSIM_ASSERT(vertex == vertex_of.at(name), "vertices are added in discovery order");
    built.graph[vertex] = states[name];
    built.graph[vertex].order = vertex;
    for (const auto& [target, transition] : successors[name]) {
      if (vertex_of.contains(target) || vertex_of.size() >= options.state_cap) continue;
      vertex_of.emplace(target, vertex_of.size());
      queue.push_back(target);
    }
  }
  for (const auto& [source, targets] : successors) {
    for (const auto& [target, transition] : targets) {
      const auto from = vertex_of.find(source);
      const auto to = vertex_of.find(target);
      if (from == vertex_of.end() || to == vertex_of.end()) {
        ++built.transitions_left_out;
        continue;
      }
      boost::add_edge(from->second, to->second, transition.edge, built.graph);
    }
  }
  built.states_left_out = built.states_total - boost::num_vertices(built.graph);
  return built;
}

}  // namespace mapsim::viz
