#include "viz/swimlane_layout.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <utility>

#include "impl/assert.h"

namespace mapsim::viz::internal {
namespace {

using Kind = SwimlaneRecord::Kind;

struct RelationTracker {
  std::unordered_map<uint64_t, size_t> last_release;  // lock -> record
  std::unordered_map<uint64_t, size_t> last_write;    // object -> record
  std::map<std::pair<uint64_t, int>, size_t> last_read_of;  // (object, reader) -> write drawn
  std::vector<SwimlaneRelation> relations;
};

void track_access(const SwimlaneTrace& trace, size_t index, uint64_t object,
                  SwimlaneAccess access, RelationTracker& tracker, const SwimlaneOptions& options) {
  if (object == 0 || access == SwimlaneAccess::kNone) return;
  const SwimlaneRecord& record = trace.records[index];
  auto different_context = [&](size_t other) {
    return trace.records[other].context != record.context;
  };
  if (access == SwimlaneAccess::kAcquire) {
    const auto release = tracker.last_release.find(object);
    if (record.value == 0 && release != tracker.last_release.end()) {
      if (options.lock_handoffs && different_context(release->second)) {
        tracker.relations.push_back({SwimlaneRelation::Kind::kHandoff, release->second, index});
      }
      tracker.last_release.erase(release);
    }
    return;
  }
  if (access == SwimlaneAccess::kRelease) {
    tracker.last_release[object] = index;
    return;
  }
  if (access == SwimlaneAccess::kRead || access == SwimlaneAccess::kReadWrite) {
    const auto write = tracker.last_write.find(object);
    if (options.reads_from && write != tracker.last_write.end() &&
        different_context(write->second)) {
      size_t& drawn = tracker.last_read_of[{object, record.context}];
      if (drawn != write->second + 1) {  // +1: 0 means "none yet"
        tracker.relations.push_back({SwimlaneRelation::Kind::kReadsFrom, write->second, index});
        drawn = write->second + 1;
      }
    }
  }
  if (access == SwimlaneAccess::kWrite || access == SwimlaneAccess::kReadWrite) {
    tracker.last_write[object] = index;
  }
}

std::vector<SwimlaneRelation> relations_of(const SwimlaneTrace& trace,
                                           const SwimlaneOptions& options) {
  RelationTracker tracker;
  for (size_t index = 0; index < trace.records.size(); ++index) {
    const SwimlaneRecord& record = trace.records[index];
    if (record.kind != Kind::kStep) continue;
    track_access(trace, index, record.object, record.access, tracker, options);
    track_access(trace, index, record.object2, record.access2, tracker, options);
  }
  return std::move(tracker.relations);
}

std::optional<size_t> violating_record_of(const SwimlaneTrace& trace) {
  if (!trace.violation || !trace.violation->step) return std::nullopt;
  for (size_t index = trace.records.size(); index-- > 0;) {
    const SwimlaneRecord& record = trace.records[index];
    if (record.kind == Kind::kStep && record.step == *trace.violation->step) return index;
  }
  return std::nullopt;
}

// The look of record `index`, or nullopt when it is not drawn.
std::optional<SwimlaneItem::Look> look_of(const SwimlaneRecord& record, bool anchored,
                                          const SwimlaneOptions& options) {
  switch (record.kind) {
    case Kind::kInvoke: return SwimlaneItem::Look::kInvoke;
    case Kind::kResult: return SwimlaneItem::Look::kResult;
    case Kind::kStep:
      if (options.detail) return SwimlaneItem::Look::kStep;
      if (anchored) return SwimlaneItem::Look::kAnchor;
      return std::nullopt;
    case Kind::kPathEvent:
      if (options.detail) return SwimlaneItem::Look::kPathEvent;
      return std::nullopt;
  }
  return std::nullopt;
}

// Which of `count` items the cap keeps: the first and the last, and when the violating item
// (`violating`) would be left out, a window of cap / 4 items centred on it, taken from both.
std::vector<bool> kept_items(size_t count, size_t cap, std::optional<size_t> violating) {
  MAPSIM_ASSERT(cap >= 2 && count > cap, "a cap below the item count, keeping both ends");
  std::vector<bool> kept(count, false);
  size_t head = cap / 2;
  size_t tail = cap - head;
  const bool window = violating && *violating >= head && *violating < count - tail;
  size_t half_window = 0;
  if (window) {
    half_window = cap / 8;
    const size_t window_items = 2 * half_window + 1;
    head = (cap - window_items) / 2;
    tail = cap - window_items - head;
    const size_t from = *violating >= half_window ? *violating - half_window : 0;
    const size_t to = std::min(count - 1, *violating + half_window);
    for (size_t i = from; i <= to; ++i) kept[i] = true;
  }
  for (size_t i = 0; i < head; ++i) kept[i] = true;
  for (size_t i = count - tail; i < count; ++i) kept[i] = true;
  return kept;
}

// Replaces every run of items the cap leaves out with one gap item.
void apply_cap(const SwimlaneTrace& trace, size_t cap, std::optional<size_t> violating_record,
               std::vector<SwimlaneItem>& items, SwimlaneLayout& layout) {
  std::optional<size_t> violating_item;
  for (size_t i = 0; violating_record && i < items.size(); ++i) {
    if (items[i].record == *violating_record) violating_item = i;
  }
  const std::vector<bool> kept = kept_items(items.size(), cap, violating_item);
  std::vector<SwimlaneItem> drawn;
  for (size_t i = 0; i < items.size();) {
    if (kept[i]) {
      drawn.push_back(items[i++]);
      continue;
    }
    size_t end = i;  // one past the run of left-out items
    while (end < items.size() && !kept[end]) ++end;
    SwimlaneGap gap;
    // Every record strictly between the last drawn item before and the first drawn after.
    gap.first_record = i == 0 ? 0 : items[i - 1].record + 1;
    gap.last_record = end == items.size() ? trace.records.size() - 1 : items[end].record - 1;
    gap.records = gap.last_record - gap.first_record + 1;
    gap.first_step = trace.records[items[i].record].step;
    gap.last_step = trace.records[items[end - 1].record].step;
    layout.left_out_records += gap.records;
    drawn.push_back(SwimlaneItem{SwimlaneItem::Look::kGap, kNoItem, 0, layout.gaps.size()});
    layout.gaps.push_back(gap);
    i = end;
  }
  items = std::move(drawn);
}

}  // namespace

SwimlaneLayout layout_swimlanes(const SwimlaneTrace& trace, const SwimlaneOptions& options) {
  SwimlaneLayout layout;
  const std::vector<SwimlaneRelation> relations = relations_of(trace, options);
  layout.violating_record = violating_record_of(trace);
  std::vector<bool> anchored(trace.records.size(), false);
  for (const SwimlaneRelation& relation : relations) {
    anchored[relation.from] = true;
    anchored[relation.to] = true;
  }
  if (layout.violating_record) anchored[*layout.violating_record] = true;
  std::vector<SwimlaneItem> items;
  for (size_t index = 0; index < trace.records.size(); ++index) {
    const std::optional<SwimlaneItem::Look> look =
        look_of(trace.records[index], anchored[index], options);
    if (look) items.push_back(SwimlaneItem{*look, index, 0});
  }
  layout.candidate_items = items.size();
  if (items.size() > options.record_cap) {
    apply_cap(trace, options.record_cap, layout.violating_record, items, layout);
  }
  layout.item_of_record.assign(trace.records.size(), kNoItem);
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].row = static_cast<int>(i);
    if (items[i].record != kNoItem) layout.item_of_record[items[i].record] = i;
  }
  for (const SwimlaneRelation& relation : relations) {
    if (layout.item_of_record[relation.from] != kNoItem &&
        layout.item_of_record[relation.to] != kNoItem) {
      layout.relations.push_back(relation);
    }
  }
  layout.items = std::move(items);
  return layout;
}

}  // namespace mapsim::viz::internal
