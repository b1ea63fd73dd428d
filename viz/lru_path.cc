#include "viz/lru_path.h"

#include <algorithm>
#include <map>

#include "impl/uapi.h"
#include "viz/lru_flowchart.h"

namespace mapsim::viz {
namespace {

bool is_push(PathEvent event) { return static_cast<int>(event) / 100 == 7; }

std::string entry_for(PathEvent first) {
  if (first == PathEvent::kUpdateBegin) return std::string(kEntryUpdate);
  if (is_push(first)) return std::string(kEntryDelete);
  if (first == PathEvent::kLookupSetRef) return std::string(kEntryProgramLookup);
  return "";
}

bool contains(const std::vector<PathEvent>& events, PathEvent event) {
  return std::find(events.begin(), events.end(), event) != events.end();
}

std::string outcome_of(const LruPath& path) {
  if (path.entry == kEntryDelete) return std::string(kOutDeleted);
  if (path.entry == kEntryProgramLookup) return std::string(kOutFound);
  if (path.entry != kEntryUpdate) return "";
  const std::vector<PathEvent>& events = path.events;
  if (contains(events, PathEvent::kUpdateSuccess)) return std::string(kOutSuccess);
  if (contains(events, PathEvent::kUpdateExists)) return std::string(kOutExists);
  if (contains(events, PathEvent::kUpdateNotFound)) return std::string(kOutNotFound);
  if (contains(events, PathEvent::kUpdateNoNode)) return std::string(kOutNoMemory);
  if (contains(events, PathEvent::kUpdateBucketLockFailed)) {
    return std::string(kOutBucketLockError);
  }
  return "";
}

// Whether `event` starts a new walk after the walk so far.
bool starts_new_path(const LruPath& current, PathEvent event) {
  if (current.events.empty()) return false;
  if (event == PathEvent::kUpdateBegin) return true;
  if (current.entry == kEntryUpdate) return false;
  // A delete's walk is one push, or 701 followed by its global-path push.
  if (current.entry == kEntryDelete) {
    return current.events.back() != PathEvent::kPushPendingMovedMeanwhile;
  }
  return current.entry == kEntryProgramLookup;
}

void close_path(LruPath& path, bool finished, std::vector<LruPath>& paths) {
  if (finished) path.outcome = outcome_of(path);
  paths.push_back(std::move(path));
  path = LruPath{};
}

std::string event_node_id(uint16_t value) {
  const char* name = path_event_name(static_cast<PathEvent>(value));
  return name != nullptr ? name : "lru.unknown." + std::to_string(value);
}

// Whether event `next` right after `previous` (same context, same operation) belongs to the same
// walk; the pair-level form of starts_new_path().
bool same_walk(uint16_t previous, uint16_t next) {
  if (next == static_cast<uint16_t>(PathEvent::kUpdateBegin)) return false;
  if (previous == static_cast<uint16_t>(PathEvent::kLookupSetRef)) return false;
  const bool finished_push =
      previous / 100 == 7 &&
      previous != static_cast<uint16_t>(PathEvent::kPushPendingMovedMeanwhile);
  return !finished_push || next == static_cast<uint16_t>(PathEvent::kUpdateSuccess);
}

}  // namespace

LruPathCounts lru_path_counts_from_events(
    const std::map<uint16_t, uint64_t>& events,
    const std::map<std::pair<uint16_t, uint16_t>, uint64_t>& transitions) {
  LruPathCounts counts;
  counts.terminals_counted = false;
  for (const auto& [event, count] : events) counts.nodes[event_node_id(event)] += count;
  for (const auto& [pair, count] : transitions) {
    if (!same_walk(pair.first, pair.second)) continue;
    counts.edges[{event_node_id(pair.first), event_node_id(pair.second)}] += count;
  }
  return counts;
}

std::vector<std::string> LruPath::node_ids() const {
  std::vector<std::string> ids;
  ids.reserve(events.size() + 2);
  if (!entry.empty()) ids.push_back(entry);
  for (PathEvent event : events) {
    const char* name = path_event_name(event);
    ids.push_back(name != nullptr ? name : "lru.unknown." + std::to_string(int(event)));
  }
  if (!outcome.empty()) ids.push_back(outcome);
  return ids;
}

std::vector<LruPath> split_lru_paths(std::span<const PathEvent> events, bool finished) {
  std::vector<LruPath> paths;
  LruPath current;
  for (PathEvent event : events) {
    if (starts_new_path(current, event)) close_path(current, /*finished=*/true, paths);
    if (current.events.empty()) current.entry = entry_for(event);
    current.events.push_back(event);
  }
  if (!current.events.empty()) close_path(current, finished, paths);
  return paths;
}

std::optional<int64_t> lru_outcome_result(std::string_view outcome) {
  if (outcome == kOutSuccess || outcome == kOutDeleted || outcome == kOutFound) return 0;
  if (outcome == kOutExists) return bpf::kEEXIST;
  if (outcome == kOutNotFound) return bpf::kENOENT;
  if (outcome == kOutNoMemory) return bpf::kENOMEM;
  return std::nullopt;
}

std::vector<TracedLruPath> lru_paths_of(const sim::Trace& trace) {
  struct Open {
    uint64_t operation = 0;
    int cpu = 0;
    std::vector<PathEvent> events;
    bool active = false;
  };
  std::map<int, Open> open;  // by context
  std::vector<TracedLruPath> result;
  auto flush = [&result](int context, Open& entry, bool finished, int64_t returned) {
    std::vector<LruPath> paths = split_lru_paths(entry.events, finished);
    for (LruPath& path : paths) {
      result.push_back(TracedLruPath{context, entry.cpu, entry.operation, finished, returned,
                                     paths.size(), std::move(path)});
    }
    entry = Open{};
  };
  for (const sim::TraceRecord& record : trace.records()) {
    Open& entry = open[record.context];
    switch (record.kind) {
      case sim::TraceKind::kOperationBegin:
        entry = Open{record.value, record.cpu, {}, true};
        break;
      case sim::TraceKind::kPathEvent:
        entry.cpu = record.cpu;
        entry.events.push_back(static_cast<PathEvent>(record.op.object));
        break;
      case sim::TraceKind::kOperationEnd:
        flush(record.context, entry, /*finished=*/true, static_cast<int64_t>(record.value));
        break;
      case sim::TraceKind::kStep:
        break;
    }
  }
  for (auto& [context, entry] : open) {
    if (!entry.events.empty()) flush(context, entry, /*finished=*/false, 0);
  }
  return result;
}

void LruPathCounts::add(const LruPath& path) {
  const std::vector<std::string> ids = path.node_ids();
  for (size_t i = 0; i < ids.size(); ++i) {
    ++nodes[ids[i]];
    if (i > 0) ++edges[{ids[i - 1], ids[i]}];
  }
  ++paths;
}

void LruPathCounts::add(const LruPathCounts& other) {
  for (const auto& [id, count] : other.nodes) nodes[id] += count;
  for (const auto& [edge, count] : other.edges) edges[edge] += count;
  paths += other.paths;
  terminals_counted = terminals_counted && other.terminals_counted;
}

void LruPathCounts::add_trace(const sim::Trace& trace) {
  for (const TracedLruPath& traced : lru_paths_of(trace)) add(traced.path);
}

}  // namespace mapsim::viz
