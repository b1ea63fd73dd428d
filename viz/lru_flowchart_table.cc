// The LRU flowchart's nodes and edges, read off the code that emits the path events:
//   update     impl/internal/lru_hash_map_ops_inl.h  update_shared(), update_percpu()
//   pop        impl/internal/lru_pool_inl.h          common_pop_free(), percpu_pop_free()
//   refill     lru_list_pop_free_to_local(), lru_list_rotate_locked(), lru_list_shrink_locked()
//   steal      common_steal(), steal_from_victim()
//   evict      lru_hash_map_ops_inl.h delete_node() (called by shrink and steal)
//   push       common_push_free(), lru_list_push_free(), percpu_push_free()
// An edge is a pair of events one CPU can report back to back within one operation. Where the
// code allows a transition only through a concurrent or nested program (a node pushed onto this
// CPU's lock-free LOCAL_FREE while it refills; a pending node flushed by an interrupting update),
// the edge is there too: the chart is the set of what can happen, not of what is common.
#include <string>
#include <vector>

#include "viz/lru_flowchart.h"

namespace mapsim::viz::internal {
namespace {

using E = PathEvent;

std::string id(E event) { return flow_node_id(event); }

// Which chart an event belongs to: pop, refill, steal and the common push are common-LRU only;
// the per-CPU pop and push are per-CPU-LRU only.
uint8_t charts_of(E event) {
  const int group = static_cast<int>(event) / 100;
  if (group == 2 || group == 3 || group == 4) return kCommonChart;
  if (group == 5) return kPercpuChart;
  if (event == E::kPushPendingToLocalFree || event == E::kPushPendingMovedMeanwhile ||
      event == E::kPushToGlobalFree) {
    return kCommonChart;
  }
  if (event == E::kPushPercpuToFree) return kPercpuChart;
  return kBothCharts;
}

const char* group_of(E event) {
  switch (event) {
    case E::kUpdateBegin:
    case E::kUpdatePercpuExistSkipsPop:
      return "update starts (htab_lru_map_update_elem)";
    case E::kUpdateBucketLockFailed:
    case E::kUpdateExists:
    case E::kUpdateNotFound:
    case E::kUpdateInsertNew:
    case E::kUpdateReplaceExisting:
    case E::kUpdatePercpuInPlace:
      return "update: bucket lock, existence rules";
    case E::kUpdateNoNode:
      return "";
    case E::kUpdateUnusedNodePushedBack:
    case E::kUpdateOldNodePushedBack:
    case E::kUpdateSuccess:
      return "update ends";
    default:
      break;
  }
  switch (static_cast<int>(event) / 100) {
    case 2: return "pop (bpf_common_lru_pop_free)";
    case 3: return "refill from the global list (bpf_lru_list_pop_free_to_local)";
    case 4: return "steal from CPUs' local lists";
    case 5: return "pop (bpf_percpu_lru_pop_free)";
    case 6: return "eviction callback (htab_lru_map_delete_node)";
    case 7: return "push (bpf_lru_push_free)";
    case 8: return "program lookup";
    default: return "";
  }
}

FlowLock lock_of(E event) {
  switch (event) {
    case E::kUpdateExists:
    case E::kUpdateNotFound:
    case E::kUpdateInsertNew:
    case E::kUpdateReplaceExisting:
    case E::kUpdatePercpuInPlace:
      return FlowLock::kBucket;
    case E::kPopLocalFreeHit:
    case E::kPopRefillHit:
    case E::kPopRefillMiss:
    case E::kPopNodeMadePending:
    case E::kRefillGlobalLockFailed:
    case E::kPercpuRotateActive:
    case E::kPercpuRotateInactive:
    case E::kPercpuFreeHit:
    case E::kPercpuShrinkInactive:
    case E::kPercpuForceShrink:
    case E::kPercpuNodeToInactive:
      return FlowLock::kLocalCpu;
    case E::kRefillFlushPending:
    case E::kRefillRotateActive:
    case E::kRefillRotateInactive:
    case E::kRefillMoveFromGlobalFree:
    case E::kRefillShrinkInactive:
    case E::kRefillForceShrink:
    case E::kRefillFlushPendingFree:
      return FlowLock::kLocalAndGlobal;
    case E::kStealLocalFree:
    case E::kStealPendingUnreferenced:
    case E::kStealPendingIgnoringRef:
      return FlowLock::kRemoteCpu;
    case E::kEvictUnlinked:
    case E::kEvictBucketLockFailed:
    case E::kEvictNotInTable:
      return FlowLock::kCallerLru;
    case E::kPushToGlobalFree:
      return FlowLock::kGlobal;
    case E::kPushPercpuToFree:
      return FlowLock::kOwnerCpu;
    default:
      return FlowLock::kNone;
  }
}

bool is_failure(E event) {
  switch (event) {
    case E::kUpdateNoNode:
    case E::kUpdateBucketLockFailed:
    case E::kUpdateExists:
    case E::kUpdateNotFound:
    case E::kPopLocalLockFailed:
    case E::kRefillGlobalLockFailed:
    case E::kStealNothing:
    case E::kStealVictimLockFailed:
    case E::kStealLocalLockFailed:
    case E::kPercpuLockFailed:
    case E::kEvictBucketLockFailed:
    case E::kPushMarkedPendingFree:
      return true;
    default:
      return false;
  }
}

// Greedy word wrap at `width` characters.
std::string wrapped(const std::string& text, size_t width) {
  std::string out;
  size_t line = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (line > 0 && line + 1 + word.size() > width) {
      out += '\n';
      line = 0;
    } else if (line > 0) {
      out += ' ';
      ++line;
    }
    out += word;
    line += word.size();
    start = end + 1;
  }
  return out;
}

FlowNodeRow event_row(E event) {
  FlowNodeRow row;
  row.node.id = id(event);
  row.node.kind = FlowNodeKind::kStep;
  row.node.event = event;
  const std::string name = path_event_name(event);
  row.node.label = std::to_string(static_cast<int>(event)) + "  " + name.substr(4) + "\n" +
                   wrapped(path_event_summary(event), 30);
  row.node.group = group_of(event);
  row.node.lock = lock_of(event);
  row.node.failure = is_failure(event);
  row.charts = charts_of(event);
  return row;
}

FlowNodeRow terminal_row(std::string_view node_id, FlowNodeKind kind, const char* label,
                         bool failure) {
  FlowNodeRow row;
  row.node.id = std::string(node_id);
  row.node.kind = kind;
  row.node.label = label;
  row.node.failure = failure;
  return row;
}

void add(std::vector<FlowEdgeRow>& rows, const std::string& from, const std::string& to,
         uint8_t charts, const char* label = "") {
  rows.push_back(FlowEdgeRow{from, to, label, charts});
}

const E kEvictions[] = {E::kEvictUnlinked, E::kEvictBucketLockFailed, E::kEvictNotInTable};
const E kEvictionFailures[] = {E::kEvictBucketLockFailed, E::kEvictNotInTable};
// After the push of an unused or replaced node, the update returns the verdict of the branch it
// took before the push: the edge's label says which (a walk's outcome is read off that branch
// event, and tests/viz_lru_path_test.cc checks it against what the operation returned).
struct AfterPush {
  std::string_view outcome;
  const char* label;
};
const AfterPush kAfterPush[] = {{kOutExists, "after 104"},
                                {kOutNotFound, "after 105"},
                                {kOutBucketLockError, "after 103"}};

void add_entries_and_small_paths(std::vector<FlowEdgeRow>& rows) {
  add(rows, std::string(kEntryUpdate), id(E::kUpdateBegin), kBothCharts);
  add(rows, std::string(kEntryDelete), id(E::kPushPendingToLocalFree), kCommonChart,
      "node pending");
  add(rows, std::string(kEntryDelete), id(E::kPushPendingMovedMeanwhile), kCommonChart);
  add(rows, std::string(kEntryDelete), id(E::kPushToGlobalFree), kCommonChart,
      "ACTIVE/INACTIVE node");
  add(rows, std::string(kEntryDelete), id(E::kPushPercpuToFree), kPercpuChart);
  add(rows, std::string(kEntryDelete), id(E::kPushMarkedPendingFree), kBothCharts,
      "list lock failed");
  add(rows, id(E::kPushPendingToLocalFree), std::string(kOutDeleted), kCommonChart);
  add(rows, id(E::kPushToGlobalFree), std::string(kOutDeleted), kCommonChart);
  add(rows, id(E::kPushPercpuToFree), std::string(kOutDeleted), kPercpuChart);
  add(rows, id(E::kPushMarkedPendingFree), std::string(kOutDeleted), kBothCharts);
  add(rows, id(E::kPushPendingMovedMeanwhile), id(E::kPushToGlobalFree), kCommonChart);
  add(rows, id(E::kPushPendingMovedMeanwhile), id(E::kPushMarkedPendingFree), kCommonChart,
      "global lock failed");
  add(rows, std::string(kEntryProgramLookup), id(E::kLookupSetRef), kBothCharts, "ref was 0");
  add(rows, id(E::kLookupSetRef), std::string(kOutFound), kBothCharts);
}

void add_update_head(std::vector<FlowEdgeRow>& rows) {
  const std::string begin = id(E::kUpdateBegin);
  add(rows, begin, id(E::kUpdatePercpuExistSkipsPop), kBothCharts, "LRU_PERCPU_HASH\nBPF_EXIST");
  add(rows, begin, id(E::kPopLocalLockFailed), kCommonChart, "local lock failed");
  add(rows, begin, id(E::kPopLocalFreeHit), kCommonChart, "LOCAL_FREE\nhas a node");
  add(rows, begin, id(E::kRefillFlushPending), kCommonChart, "LOCAL_FREE empty");
  add(rows, begin, id(E::kRefillGlobalLockFailed), kCommonChart, "LOCAL_FREE empty");
  add(rows, begin, id(E::kPercpuLockFailed), kPercpuChart, "list lock failed");
  add(rows, begin, id(E::kPercpuRotateActive), kPercpuChart, "INACTIVE < ACTIVE");
  add(rows, begin, id(E::kPercpuRotateInactive), kPercpuChart);
  const std::string skips = id(E::kUpdatePercpuExistSkipsPop);
  add(rows, skips, id(E::kUpdateBucketLockFailed), kBothCharts, "bucket lock failed");
  add(rows, skips, id(E::kUpdateNotFound), kBothCharts, "key absent");
  add(rows, skips, id(E::kUpdatePercpuInPlace), kBothCharts, "key present");
}

void add_common_pop(std::vector<FlowEdgeRow>& rows) {
  const uint8_t c = kCommonChart;
  add(rows, id(E::kPopLocalLockFailed), id(E::kUpdateNoNode), c);
  add(rows, id(E::kPopLocalFreeHit), id(E::kPopNodeMadePending), c);
  // A refill that could not take the global lock finds LOCAL_FREE as it was, unless an
  // interrupting steal parked a node there meanwhile (LOCAL_FREE is lock-free).
  add(rows, id(E::kRefillGlobalLockFailed), id(E::kPopRefillHit), c);
  add(rows, id(E::kRefillGlobalLockFailed), id(E::kPopRefillMiss), c);
  add(rows, id(E::kRefillFlushPending), id(E::kRefillFlushPendingFree), c, "pending_free nodes");
  for (E from : {E::kRefillFlushPending, E::kRefillFlushPendingFree}) {
    add(rows, id(from), id(E::kRefillRotateActive), c, "INACTIVE < ACTIVE");
    add(rows, id(from), id(E::kRefillRotateInactive), c);
  }
  add(rows, id(E::kRefillRotateActive), id(E::kRefillRotateInactive), c);
  add(rows, id(E::kRefillRotateInactive), id(E::kRefillMoveFromGlobalFree), c);
  add(rows, id(E::kRefillMoveFromGlobalFree), id(E::kPopRefillHit), c, "target_free moved");
  add(rows, id(E::kRefillMoveFromGlobalFree), id(E::kRefillShrinkInactive), c, "fewer: shrink");
  add(rows, id(E::kRefillShrinkInactive), id(E::kPopRefillHit), c, "evicted >= 1");
  add(rows, id(E::kRefillShrinkInactive), id(E::kRefillForceShrink), c, "evicted 0");
  add(rows, id(E::kRefillForceShrink), id(E::kPopRefillHit), c);
  add(rows, id(E::kRefillForceShrink), id(E::kPopRefillMiss), c, "no node");
  // Shrink candidates are offered to the hash table (6xx) before the shrink reports.
  for (E evict : kEvictions) {
    add(rows, id(E::kRefillMoveFromGlobalFree), id(evict), c);
    add(rows, id(E::kRefillShrinkInactive), id(evict), c);
    add(rows, id(evict), id(E::kRefillShrinkInactive), c);
    add(rows, id(evict), id(E::kRefillForceShrink), c);
  }
  add(rows, id(E::kPopRefillHit), id(E::kPopNodeMadePending), c);
  add(rows, id(E::kPopRefillMiss), id(E::kStealBegin), c);
}

void add_steal(std::vector<FlowEdgeRow>& rows) {
  const uint8_t c = kCommonChart;
  // After the first victim or a victim that gave nothing, the next victim is tried.
  const E kVictimStart[] = {E::kStealBegin, E::kStealVictimLockFailed, E::kEvictBucketLockFailed,
                            E::kEvictNotInTable};
  for (E from : kVictimStart) {
    add(rows, id(from), id(E::kStealVictimLockFailed), c);
    add(rows, id(from), id(E::kStealLocalFree), c);
    add(rows, id(from), id(E::kStealPendingUnreferenced), c);
    add(rows, id(from), id(E::kStealPendingIgnoringRef), c);
    add(rows, id(from), id(E::kStealNothing), c, "every CPU tried");
  }
  for (E from : {E::kStealBegin, E::kStealVictimLockFailed}) {
    for (E evict : kEvictions) add(rows, id(from), id(evict), c);
  }
  // 6xx -> 6xx edges are added once, for both charts, in add_evictions().
  add(rows, id(E::kEvictUnlinked), id(E::kStealPendingUnreferenced), c);
  add(rows, id(E::kEvictUnlinked), id(E::kStealPendingIgnoringRef), c);
  for (E stolen : {E::kStealLocalFree, E::kStealPendingUnreferenced,
                   E::kStealPendingIgnoringRef}) {
    add(rows, id(stolen), id(E::kPopNodeMadePending), c);
    add(rows, id(stolen), id(E::kStealLocalLockFailed), c, "own lock failed");
  }
  add(rows, id(E::kStealNothing), id(E::kUpdateNoNode), c);
  add(rows, id(E::kStealLocalLockFailed), id(E::kUpdateNoNode), c);
}

void add_percpu_pop(std::vector<FlowEdgeRow>& rows) {
  const uint8_t p = kPercpuChart;
  add(rows, id(E::kPercpuLockFailed), id(E::kUpdateNoNode), p);
  add(rows, id(E::kPercpuRotateActive), id(E::kPercpuRotateInactive), p);
  add(rows, id(E::kPercpuRotateInactive), id(E::kPercpuFreeHit), p, "FREE has a node");
  add(rows, id(E::kPercpuRotateInactive), id(E::kPercpuShrinkInactive), p, "FREE empty");
  add(rows, id(E::kPercpuFreeHit), id(E::kPercpuNodeToInactive), p);
  add(rows, id(E::kPercpuShrinkInactive), id(E::kPercpuNodeToInactive), p, "evicted >= 1");
  add(rows, id(E::kPercpuShrinkInactive), id(E::kPercpuForceShrink), p, "evicted 0");
  add(rows, id(E::kPercpuForceShrink), id(E::kPercpuNodeToInactive), p, "evicted 1");
  add(rows, id(E::kPercpuForceShrink), id(E::kUpdateNoNode), p, "nothing");
  for (E evict : kEvictions) {
    add(rows, id(E::kPercpuRotateInactive), id(evict), p);
    add(rows, id(E::kPercpuShrinkInactive), id(evict), p);
    add(rows, id(evict), id(E::kPercpuShrinkInactive), p);
    add(rows, id(evict), id(E::kPercpuForceShrink), p);
  }
}

void add_evictions(std::vector<FlowEdgeRow>& rows) {
  for (E from : kEvictions) {
    for (E to : kEvictions) add(rows, id(from), id(to), kBothCharts);
  }
}

void add_update_tail(std::vector<FlowEdgeRow>& rows) {
  const uint8_t b = kBothCharts;
  // The node is obtained: bucket lock, then the existence rules (fact sheet 4.10).
  for (E obtained : {E::kPopNodeMadePending, E::kPercpuNodeToInactive}) {
    const uint8_t chart = obtained == E::kPopNodeMadePending ? kCommonChart : kPercpuChart;
    add(rows, id(obtained), id(E::kUpdateBucketLockFailed), chart, "bucket lock failed");
    add(rows, id(obtained), id(E::kUpdateExists), chart, "BPF_NOEXIST\nkey present");
    add(rows, id(obtained), id(E::kUpdateNotFound), chart, "BPF_EXIST\nkey absent");
    add(rows, id(obtained), id(E::kUpdateInsertNew), chart, "key absent");
    add(rows, id(obtained), id(E::kUpdateReplaceExisting), chart, "LRU_HASH\nkey present");
    add(rows, id(obtained), id(E::kUpdatePercpuInPlace), chart, "LRU_PERCPU_HASH\nkey present");
  }
  add(rows, id(E::kUpdateNoNode), std::string(kOutNoMemory), b);
  const std::string unused = id(E::kUpdateUnusedNodePushedBack);
  add(rows, id(E::kUpdateBucketLockFailed), unused, b);
  add(rows, id(E::kUpdateBucketLockFailed), std::string(kOutBucketLockError), b, "no node popped");
  add(rows, id(E::kUpdateExists), unused, b);
  add(rows, id(E::kUpdateNotFound), unused, b);
  add(rows, id(E::kUpdateNotFound), std::string(kOutNotFound), b, "no node popped");
  add(rows, id(E::kUpdateInsertNew), id(E::kUpdateSuccess), b);
  add(rows, id(E::kUpdateReplaceExisting), id(E::kUpdateOldNodePushedBack), b);
  add(rows, id(E::kUpdatePercpuInPlace), unused, b, "a node was popped");
  add(rows, id(E::kUpdatePercpuInPlace), id(E::kUpdateSuccess), b, "no node popped");
  for (E pushed_back : {E::kUpdateUnusedNodePushedBack, E::kUpdateOldNodePushedBack}) {
    add(rows, id(pushed_back), id(E::kPushPendingToLocalFree), kCommonChart, "node pending");
    add(rows, id(pushed_back), id(E::kPushPendingMovedMeanwhile), kCommonChart);
    add(rows, id(pushed_back), id(E::kPushToGlobalFree), kCommonChart, "ACTIVE/INACTIVE");
    add(rows, id(pushed_back), id(E::kPushPercpuToFree), kPercpuChart);
    add(rows, id(pushed_back), id(E::kPushMarkedPendingFree), b, "lock failed");
  }
  for (E push : {E::kPushPendingToLocalFree, E::kPushToGlobalFree, E::kPushPercpuToFree,
                 E::kPushMarkedPendingFree}) {
    const uint8_t chart = charts_of(push);
    add(rows, id(push), id(E::kUpdateSuccess), chart, "after 107 / 108");
    for (const AfterPush& after : kAfterPush) {
      add(rows, id(push), std::string(after.outcome), chart, after.label);
    }
  }
  add(rows, id(E::kUpdateSuccess), std::string(kOutSuccess), b);
}

}  // namespace

std::vector<FlowNodeRow> flow_node_rows() {
  std::vector<FlowNodeRow> rows;
  rows.push_back(terminal_row(kEntryUpdate, FlowNodeKind::kEntry,
                              "update\n(syscall or program)", false));
  rows.push_back(terminal_row(kEntryDelete, FlowNodeKind::kEntry,
                              "delete / lookup_and_delete\n(key found)", false));
  rows.push_back(terminal_row(kEntryProgramLookup, FlowNodeKind::kEntry,
                              "program lookup\n(key found)", false));
  for (PathEvent event : all_path_events()) rows.push_back(event_row(event));
  rows.push_back(terminal_row(kOutSuccess, FlowNodeKind::kOutcome, "returns 0", false));
  rows.push_back(terminal_row(kOutExists, FlowNodeKind::kOutcome, "returns -EEXIST", true));
  rows.push_back(terminal_row(kOutNotFound, FlowNodeKind::kOutcome, "returns -ENOENT", true));
  rows.push_back(terminal_row(kOutNoMemory, FlowNodeKind::kOutcome, "returns -ENOMEM", true));
  rows.push_back(terminal_row(kOutBucketLockError, FlowNodeKind::kOutcome,
                              "returns -EDEADLK / -ETIMEDOUT\n(bucket lock)", true));
  rows.push_back(terminal_row(kOutDeleted, FlowNodeKind::kOutcome, "delete returns 0", false));
  rows.push_back(terminal_row(kOutFound, FlowNodeKind::kOutcome, "lookup returns the value",
                              false));
  return rows;
}

std::vector<FlowEdgeRow> flow_edge_rows() {
  std::vector<FlowEdgeRow> rows;
  add_entries_and_small_paths(rows);
  add_update_head(rows);
  add_common_pop(rows);
  add_steal(rows);
  add_percpu_pop(rows);
  add_evictions(rows);
  add_update_tail(rows);
  return rows;
}

}  // namespace mapsim::viz::internal
