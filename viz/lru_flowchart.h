// LruFlowchart: the update path of mapsim's LRU maps as a graph, one for the common LRU and one
// for the per-CPU LRU (BPF_F_NO_COMMON_LRU), drawn from the code's own steps.
//
// Nodes are the path events of impl/lru_path_event.h (ids are their stable dotted names, e.g.
// "lru.pop.local_free_hit"), plus entry nodes for the operations that emit events
// ("lru.op.update", "lru.op.delete", "lru.op.prog_lookup") and outcome nodes for what the
// operation returns on Linux 6.18.44 ("lru.out.success", "lru.out.eexist", "lru.out.enoent",
// "lru.out.enomem", "lru.out.bucket_lock_error" for -EDEADLK/-ETIMEDOUT, "lru.out.deleted",
// "lru.out.found"). An edge A -> B says that event B can be the next event one CPU reports after
// A within one operation (or that the operation starts with B / returns after A). The edge set
// is read off impl/internal/lru_hash_map_ops_inl.h and lru_pool_inl.h (which call emits what,
// in which order, on which branch); tests/viz_lru_flowchart_test.cc checks it against every
// transition the simulator observes in LRU scenarios, and checks that every event the
// implementation can emit is a node.
//
// Both charts cover both map types (LRU_HASH and LRU_PERCPU_HASH: the type-specific steps say
// so in their labels); they differ in the pop (2xx/3xx/4xx common, 5xx per-CPU) and in the push
// (700-702 common, 703 per-CPU).
//
// Each step also states the lock held while it is reported (FlowLock), for the legend.
//
// The table is defined once (lru_flowchart_table.cc); the graph is built from it on first use
// and never changes afterwards, so references to it stay valid for the life of the process.
#pragma once

#include <boost/graph/adjacency_list.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "impl/lru_path_event.h"

namespace mapsim::viz {

enum class LruListKind : uint8_t {
  kCommon,  ///< global list + per-CPU local lists (the default)
  kPercpu,  ///< one list per CPU (BPF_F_NO_COMMON_LRU)
};
const char* lru_list_kind_name(LruListKind kind);  // "common", "percpu"

// The lock (or locks) held while a step is reported.
enum class FlowLock : uint8_t {
  kNone,
  kLocalCpu,        ///< this CPU's local list lock (common) / its list lock (per-CPU)
  kLocalAndGlobal,  ///< this CPU's local list lock, then the global LRU lock
  kGlobal,          ///< the global LRU lock
  kRemoteCpu,       ///< another CPU's local list lock (a steal victim)
  kOwnerCpu,        ///< the node's owner CPU's list lock (this CPU or another)
  kBucket,          ///< the key's hash bucket lock
  kCallerLru,       ///< the LRU lock(s) of the shrink or steal that asked (bucket lock taken
                    ///< and released inside them)
};
const char* flow_lock_name(FlowLock lock);  // legend text

enum class FlowNodeKind : uint8_t { kEntry, kStep, kOutcome };

struct FlowNode {
  std::string id;                   ///< stable id (see above)
  FlowNodeKind kind = FlowNodeKind::kStep;
  std::optional<PathEvent> event;   ///< kStep: the path event
  std::string label;                ///< text drawn in the node
  std::string group;                ///< cluster the node is drawn in ("" for none)
  FlowLock lock = FlowLock::kNone;
  bool failure = false;             ///< an error exit or a failed acquisition
};

struct FlowEdge {
  std::string label;  ///< the branch condition, "" when obvious
};

using FlowGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                        FlowNode, FlowEdge>;
using FlowVertex = boost::graph_traits<FlowGraph>::vertex_descriptor;

// Entry and outcome node ids.
inline constexpr std::string_view kEntryUpdate = "lru.op.update";
inline constexpr std::string_view kEntryDelete = "lru.op.delete";
inline constexpr std::string_view kEntryProgramLookup = "lru.op.prog_lookup";
inline constexpr std::string_view kOutSuccess = "lru.out.success";
inline constexpr std::string_view kOutExists = "lru.out.eexist";
inline constexpr std::string_view kOutNotFound = "lru.out.enoent";
inline constexpr std::string_view kOutNoMemory = "lru.out.enomem";
inline constexpr std::string_view kOutBucketLockError = "lru.out.bucket_lock_error";
inline constexpr std::string_view kOutDeleted = "lru.out.deleted";
inline constexpr std::string_view kOutFound = "lru.out.found";

class LruFlowchart {
 public:
  // The chart of `kind`, built on first use.
  static const LruFlowchart& get(LruListKind kind);

  LruListKind list_kind() const { return kind_; }
  const FlowGraph& graph() const { return graph_; }
  std::optional<FlowVertex> vertex(std::string_view id) const;
  bool has_node(std::string_view id) const { return vertex(id).has_value(); }
  bool has_edge(std::string_view from, std::string_view to) const;
  // Sorted ids and (from, to) pairs: what the golden test compares.
  std::vector<std::string> node_ids() const;
  std::vector<std::pair<std::string, std::string>> edge_ids() const;

 private:
  explicit LruFlowchart(LruListKind kind);

  LruListKind kind_;
  FlowGraph graph_;
  std::map<std::string, FlowVertex, std::less<>> vertices_;
};

// The id of the node of `event` (its dotted name).
std::string flow_node_id(PathEvent event);

namespace internal {
// The table (lru_flowchart_table.cc): every node and edge, with the charts they belong to.
inline constexpr uint8_t kCommonChart = 1;
inline constexpr uint8_t kPercpuChart = 2;
inline constexpr uint8_t kBothCharts = kCommonChart | kPercpuChart;

struct FlowNodeRow {
  FlowNode node;
  uint8_t charts = kBothCharts;
};
struct FlowEdgeRow {
  std::string from;
  std::string to;
  std::string label;
  uint8_t charts = kBothCharts;
};
std::vector<FlowNodeRow> flow_node_rows();
std::vector<FlowEdgeRow> flow_edge_rows();
}  // namespace internal

}  // namespace mapsim::viz
