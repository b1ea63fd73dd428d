// search_linearization(): is there an order of the ops' events that respects real time and
// program order and that the sequential specification accepts, result by result?
//
// The algorithm is Wing and Gong's (J. Parallel Distrib. Comput. 17, 1993): depth-first, take
// any "minimal" event next (one that no pending event must precede), backtrack when the spec
// refuses its observed result; with Lowe's memoisation (Testing for linearizability, Concurrency
// Computat.: Pract. Exper. 29(4), 2017): a configuration (the set of linearized events, the
// spec state) is explored once, so ops that commute cost a visit each instead of an order each.
//
// Minimal events: event e may go next iff e.invoked <= min{f.returned : f pending} (no pending
// op returned before e was invoked: A precedes B iff A.returned < B.invoked), the piece before
// it in its op is linearized, and every event of the previous constrained op of its context is
// linearized (program order, kept even when steps tie).
//
// The set of linearized events is kept as (p, extras): all events before index p are
// linearized, p is not, and `extras` are the linearized events after p. Events are in invocation
// order, so every extra was invoked no later than event p returned: the extras fit in the
// concurrency window and a configuration key stays small however long the history is. The spec
// state enters the key as its 64-bit hash: two states with equal hashes are taken to be equal,
// which can only make the search miss an order (a false "not linearizable", probability about
// 2^-64 per pair), never invent one.
//
// Free ops (used when shrinking a failure to its smallest part): ops outside the part may take
// effect any number of times, at any point, or never, with their results unchecked. A part that
// is not linearizable even then owes its failure to its own ops alone.
//
// Spec requirements (model_spec.h, lru_spec.h):
//   void append_events(uint32_t op, std::vector<Event>* events) const;  // `after` local to op
//   void successors(const Event& event, std::vector<Spec>* next) const;   // results checked
//   void free_successors(uint32_t op, std::vector<Spec>* next) const;     // results ignored
//   uint64_t hash() const;
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <unordered_set>
#include <vector>

#include "impl/assert.h"
#include "model/linearizability/event.h"
#include "model/linearizability/prepared_history.h"

namespace mapsim::linearizability {

struct SearchRequest {
  const std::vector<PreparedOp>* ops = nullptr;
  std::vector<uint32_t> constrained;  ///< ops that must linearize, ascending
  std::vector<uint32_t> free;         ///< ops that may take effect anywhere, or not at all
  uint64_t max_states = 0;            ///< configurations to explore before giving up
};

struct SearchResult {
  enum class Kind : uint8_t { kLinearizable, kNotLinearizable, kBudgetExhausted };
  Kind kind = Kind::kNotLinearizable;
  uint64_t states = 0;      ///< configurations explored
  uint64_t cache_hits = 0;  ///< configurations met again and skipped
  uint32_t events = 0;      ///< events of the constrained ops
  uint32_t deepest = 0;     ///< most events linearized in one order
  std::vector<uint32_t> order;  ///< kLinearizable: the ops' events in linearization order
};

namespace detail {

struct ConfigurationKey {
  uint32_t prefix = 0;
  std::vector<uint32_t> extras;
  uint64_t state_hash = 0;
  bool operator==(const ConfigurationKey&) const = default;
};

struct ConfigurationKeyHash {
  size_t operator()(const ConfigurationKey& key) const {
    uint64_t h = key.state_hash ^ (uint64_t{key.prefix} * 0x9e3779b97f4a7c15ull);
    for (uint32_t extra : key.extras) h = (h ^ extra) * 0x100000001b3ull;
    return static_cast<size_t>(h);
  }
};

// The events of the constrained ops and who must go before whom.
struct EventGraph {
  std::vector<Event> events;              ///< in invocation order
  std::vector<int32_t> context_before;    ///< per event: the previous op (event-list op) or -1
  std::vector<uint32_t> op_of_event;      ///< per event: position in `constrained`
  std::vector<uint32_t> events_of_op;     ///< per constrained op: how many events
};

template <class Spec>
EventGraph build_events(const Spec& spec, const SearchRequest& request) {
  EventGraph graph;
  std::map<int, int32_t> last_op_of_context;
  for (uint32_t position = 0; position < request.constrained.size(); ++position) {
    const uint32_t op = request.constrained[position];
    const size_t first = graph.events.size();
    spec.append_events(op, &graph.events);
    MAPSIM_ASSERT(graph.events.size() > first, "every op has at least one event");
    const int context = (*request.ops)[op].context;
    auto [it, inserted] = last_op_of_context.try_emplace(context, -1);
    for (size_t e = first; e < graph.events.size(); ++e) {
      if (graph.events[e].after >= 0) graph.events[e].after += static_cast<int32_t>(first);
      graph.context_before.push_back(it->second);
      graph.op_of_event.push_back(position);
    }
    graph.events_of_op.push_back(static_cast<uint32_t>(graph.events.size() - first));
    it->second = static_cast<int32_t>(position);
    maybe(inserted);
  }
  return graph;
}

}  // namespace detail

template <class Spec>
SearchResult search_linearization(const Spec& initial, const SearchRequest& request) {
  using detail::ConfigurationKey;
  const detail::EventGraph graph = detail::build_events(initial, request);
  const std::vector<Event>& events = graph.events;
  const uint32_t n = static_cast<uint32_t>(events.size());
  SearchResult result;
  result.events = n;

  std::vector<char> linearized(n, 0);
  std::vector<uint32_t> pending_of_op(graph.events_of_op);
  uint32_t prefix = 0;  // first event not linearized
  uint32_t depth = 0;   // events linearized
  std::unordered_set<ConfigurationKey, detail::ConfigurationKeyHash> seen;

  // A choice: an event (index < n) or a free op (n + i).
  struct Frame {
    Spec state;
    std::vector<uint32_t> choices;
    size_t next_choice = 0;
    std::vector<Spec> successors;
    size_t next_successor = 0;
    uint32_t arrived_by = std::numeric_limits<uint32_t>::max();  ///< event, or >= n: free op
  };

  auto key_of = [&](const Spec& state) {
    ConfigurationKey key;
    key.prefix = prefix;
    key.state_hash = state.hash();
    if (prefix < n) {
      for (uint32_t e = prefix + 1; e < n && events[e].invoked <= events[prefix].returned; ++e) {
        if (linearized[e]) key.extras.push_back(e);
      }
    }
    return key;
  };
  auto enabled = [&](uint32_t e) {
    if (events[e].after >= 0 && !linearized[static_cast<uint32_t>(events[e].after)]) {
      return false;
    }
    const int32_t before = graph.context_before[e];
    return before < 0 || pending_of_op[static_cast<uint32_t>(before)] == 0;
  };
  auto choices_here = [&]() {
    std::vector<uint32_t> choices;
    uint32_t earliest_return = std::numeric_limits<uint32_t>::max();
    uint32_t end = prefix;
    for (; end < n && events[end].invoked <= earliest_return; ++end) {
      if (!linearized[end]) earliest_return = std::min(earliest_return, events[end].returned);
    }
    for (uint32_t e = prefix; e < end; ++e) {
      if (!linearized[e] && events[e].invoked <= earliest_return && enabled(e)) {
        choices.push_back(e);
      }
    }
    for (uint32_t f = 0; f < request.free.size(); ++f) choices.push_back(n + f);
    return choices;
  };
  auto mark = [&](uint32_t e, bool on) {
    linearized[e] = on ? 1 : 0;
    if (on) {
      --pending_of_op[graph.op_of_event[e]];
      ++depth;
      while (prefix < n && linearized[prefix]) ++prefix;
    } else {
      ++pending_of_op[graph.op_of_event[e]];
      --depth;
      prefix = std::min(prefix, e);
    }
  };

  std::vector<Frame> stack;
  seen.insert(key_of(initial));
  stack.push_back(Frame{initial, choices_here(), 0, {}, 0});
  result.states = 1;
  while (!stack.empty()) {
    if (depth == n) {
      result.kind = SearchResult::Kind::kLinearizable;
      for (const Frame& frame : stack) {
        if (frame.arrived_by < n) result.order.push_back(events[frame.arrived_by].op);
      }
      return result;
    }
    Frame& top = stack.back();
    if (top.next_successor == top.successors.size()) {
      top.successors.clear();
      top.next_successor = 0;
      if (top.next_choice == top.choices.size()) {
        if (top.arrived_by < n) mark(top.arrived_by, false);
        stack.pop_back();
        continue;
      }
      const uint32_t choice = top.choices[top.next_choice++];
      if (choice < n) {
        top.state.successors(events[choice], &top.successors);
      } else {
        top.state.free_successors(request.free[choice - n], &top.successors);
      }
      continue;
    }
    const uint32_t choice = top.choices[top.next_choice - 1];
    Spec next = std::move(top.successors[top.next_successor++]);
    if (choice < n) mark(choice, true);
    ConfigurationKey key = key_of(next);
    if (!seen.insert(std::move(key)).second) {
      ++result.cache_hits;
      if (choice < n) mark(choice, false);
      continue;
    }
    if (++result.states > request.max_states) {
      result.kind = SearchResult::Kind::kBudgetExhausted;
      return result;
    }
    result.deepest = std::max(result.deepest, depth);
    std::vector<uint32_t> choices = choices_here();
    stack.push_back(Frame{std::move(next), std::move(choices), 0, {}, 0, choice});
  }
  result.kind = SearchResult::Kind::kNotLinearizable;
  return result;
}

}  // namespace mapsim::linearizability
