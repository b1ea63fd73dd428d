// The table behind path_event_name(): one row per event, ids as in docs/lru-path-events.md.
#include "impl/lru_path_event.h"

#include <array>
#include <cstddef>

namespace mapsim {
namespace {

struct PathEventRow {
  PathEvent event;
  const char* name;
  const char* summary;
};

constexpr PathEventRow kRows[] = {
    {PathEvent::kUpdateBegin, "lru.update.begin", "LRU update starts"},
    {PathEvent::kUpdatePercpuExistSkipsPop, "lru.update.percpu_exist_skips_pop",
     "LRU_PERCPU_HASH with BPF_EXIST: no node popped, nothing evicted"},
    {PathEvent::kUpdateNoNode, "lru.update.no_node", "no free node anywhere: -ENOMEM"},
    {PathEvent::kUpdateBucketLockFailed, "lru.update.bucket_lock_failed",
     "bucket lock failed (EDEADLK/ETIMEDOUT); popped node pushed back"},
    {PathEvent::kUpdateExists, "lru.update.eexist", "BPF_NOEXIST and key present: -EEXIST"},
    {PathEvent::kUpdateNotFound, "lru.update.enoent", "BPF_EXIST and key absent: -ENOENT"},
    {PathEvent::kUpdateInsertNew, "lru.update.insert_new", "new key linked at bucket head"},
    {PathEvent::kUpdateReplaceExisting, "lru.update.replace_existing",
     "new node (ref=1) replaces the key's old node"},
    {PathEvent::kUpdatePercpuInPlace, "lru.update.percpu_in_place",
     "existing per-CPU node: ref=1, values overwritten in place"},
    {PathEvent::kUpdateUnusedNodePushedBack, "lru.update.unused_node_pushed_back",
     "popped node not used: pushed back (evictions stay)"},
    {PathEvent::kUpdateOldNodePushedBack, "lru.update.old_node_pushed_back",
     "replaced node pushed back to the LRU"},
    {PathEvent::kUpdateSuccess, "lru.update.success", "update returns 0"},

    {PathEvent::kPopLocalFreeHit, "lru.pop.local_free_hit", "node from this CPU's LOCAL_FREE"},
    {PathEvent::kPopRefillHit, "lru.pop.refill_hit", "node from LOCAL_FREE after a refill"},
    {PathEvent::kPopRefillMiss, "lru.pop.refill_miss", "refill gave nothing: try stealing"},
    {PathEvent::kPopNodeMadePending, "lru.pop.node_made_pending",
     "node is LOCAL_PENDING on this CPU"},
    {PathEvent::kPopLocalLockFailed, "lru.pop.local_lock_failed",
     "this CPU's local lock failed (rqspinlock): no node"},

    {PathEvent::kRefillFlushPending, "lru.refill.flush_pending",
     "pending nodes moved into ACTIVE/INACTIVE"},
    {PathEvent::kRefillRotateActive, "lru.refill.rotate_active",
     "ACTIVE rotated (inactive < active)"},
    {PathEvent::kRefillRotateInactive, "lru.refill.rotate_inactive", "INACTIVE rotated"},
    {PathEvent::kRefillMoveFromGlobalFree, "lru.refill.move_from_global_free",
     "up to target_free nodes from global FREE to LOCAL_FREE"},
    {PathEvent::kRefillShrinkInactive, "lru.refill.shrink_inactive",
     "unreferenced INACTIVE keys evicted to LOCAL_FREE"},
    {PathEvent::kRefillForceShrink, "lru.refill.force_shrink",
     "oldest key evicted ignoring its ref bit"},
    {PathEvent::kRefillFlushPendingFree, "lru.refill.flush_pending_free",
     "pending_free nodes went to global FREE"},
    {PathEvent::kRefillGlobalLockFailed, "lru.refill.global_lock_failed",
     "global list lock failed (rqspinlock): no refill"},

    {PathEvent::kStealBegin, "lru.steal.begin", "stealing starts at next_steal"},
    {PathEvent::kStealLocalFree, "lru.steal.local_free", "node from a CPU's LOCAL_FREE"},
    {PathEvent::kStealPendingUnreferenced, "lru.steal.pending_unreferenced",
     "unreferenced pending key of a CPU evicted"},
    {PathEvent::kStealPendingIgnoringRef, "lru.steal.pending_ignoring_ref",
     "pending key evicted in the pass that ignores ref"},
    {PathEvent::kStealNothing, "lru.steal.nothing", "no CPU had a node"},
    {PathEvent::kStealVictimLockFailed, "lru.steal.victim_lock_failed",
     "a victim's lock failed: victim skipped"},
    {PathEvent::kStealLocalLockFailed, "lru.steal.local_lock_failed",
     "own lock failed after stealing: node parked on LOCAL_FREE, no node"},

    {PathEvent::kPercpuRotateActive, "lru.percpu.rotate_active",
     "this CPU's ACTIVE rotated (inactive < active)"},
    {PathEvent::kPercpuRotateInactive, "lru.percpu.rotate_inactive",
     "this CPU's INACTIVE rotated"},
    {PathEvent::kPercpuFreeHit, "lru.percpu.free_hit", "this CPU's FREE list had a node"},
    {PathEvent::kPercpuShrinkInactive, "lru.percpu.shrink_inactive",
     "unreferenced INACTIVE keys of this CPU evicted"},
    {PathEvent::kPercpuForceShrink, "lru.percpu.force_shrink",
     "this CPU's oldest key evicted ignoring ref"},
    {PathEvent::kPercpuNodeToInactive, "lru.percpu.node_to_inactive",
     "node handed out, now INACTIVE"},
    {PathEvent::kPercpuLockFailed, "lru.percpu.lock_failed",
     "this CPU's list lock failed (rqspinlock): no node"},

    {PathEvent::kEvictUnlinked, "lru.evict.unlinked", "evicted key unlinked from the table"},
    {PathEvent::kEvictBucketLockFailed, "lru.evict.bucket_lock_failed",
     "eviction refused: bucket lock failed"},
    {PathEvent::kEvictNotInTable, "lru.evict.not_in_table",
     "eviction refused: node not linked in the table"},

    {PathEvent::kPushPendingToLocalFree, "lru.push.pending_to_local_free",
     "pending node back to its owner's LOCAL_FREE"},
    {PathEvent::kPushPendingMovedMeanwhile, "lru.push.pending_moved_meanwhile",
     "pending node was flushed meanwhile: global path"},
    {PathEvent::kPushToGlobalFree, "lru.push.to_global_free", "node to the global FREE list"},
    {PathEvent::kPushPercpuToFree, "lru.push.percpu_to_free",
     "node to its owner CPU's FREE list"},
    {PathEvent::kPushMarkedPendingFree, "lru.push.marked_pending_free",
     "lock failed: node marked pending_free where it is"},

    {PathEvent::kLookupSetRef, "lru.lookup.set_ref", "program lookup set the ref bit"},
};

constexpr size_t kEventCount = sizeof(kRows) / sizeof(kRows[0]);

constexpr bool rows_are_ascending() {
  for (size_t index = 1; index < kEventCount; ++index) {
    if (static_cast<uint16_t>(kRows[index - 1].event) >= static_cast<uint16_t>(kRows[index].event))
      return false;
  }
  return true;
}
static_assert(rows_are_ascending(),
              "rows are kept in ascending id order so that all_path_events() is sorted");

constexpr std::array<PathEvent, kEventCount> make_event_list() {
  std::array<PathEvent, kEventCount> events{};
  for (size_t index = 0; index < kEventCount; ++index) events[index] = kRows[index].event;
  return events;
}
constexpr std::array<PathEvent, kEventCount> kEvents = make_event_list();

const PathEventRow* find_row(PathEvent event) {
  for (const PathEventRow& row : kRows) {
    if (row.event == event) return &row;
  }
  return nullptr;
}

}  // namespace

const char* path_event_name(PathEvent event) {
  const PathEventRow* row = find_row(event);
  return row == nullptr ? nullptr : row->name;
}

const char* path_event_summary(PathEvent event) {
  const PathEventRow* row = find_row(event);
  return row == nullptr ? nullptr : row->summary;
}

std::optional<PathEvent> path_event_from_name(std::string_view name) {
  for (const PathEventRow& row : kRows) {
    if (name == row.name) return row.event;
  }
  return std::nullopt;
}

std::span<const PathEvent> all_path_events() { return kEvents; }

}  // namespace mapsim
