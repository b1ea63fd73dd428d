// Template definitions of LruPool's test-only view (impl/inspection/lru_view.h). Unlike the
// quiescent checks of lru_pool_check_inl.h these may run at any scheduling point and never
// assert: a link to something that is not a node of this pool, a broken back link or a walk
// longer than the pool ends the walk and says why.
#pragma once

#include "impl/internal/inspect_support.h"
#include "impl/internal/lru_pool.h"

namespace mapsim {

// The node index of `link`, or node_count_ when it is not one of the pool's nodes.
template <class P>
uint32_t LruPool<P>::view_index_of(const LruLink<P>* link) const {
  if (link == nullptr) return node_count_;
  const auto* node = static_cast<const LruNode<P>*>(link);
  return static_cast<uint32_t>(
      internal::inspect_pool_index(node, first_node_, stride_bytes_, node_count_));
}

// The node index of the walk's next link, or node_count_ with walk->end set when the walk ends
// there: at a link that is not one of the pool's nodes, or past node_count_ nodes (a cycle).
template <class P>
uint32_t LruPool<P>::view_next_index(const LruLink<P>* link, LruListWalk* walk) const {
  const uint32_t index = view_index_of(link);
  if (index == node_count_) {
    walk->end = LruListWalk::End::kForeignLink;
    return node_count_;
  }
  if (walk->nodes.size() == node_count_) {
    walk->end = LruListWalk::End::kTooLong;
    return node_count_;
  }
  return index;
}

template <class P>
LruListWalk LruPool<P>::view_walk_list(const LruLink<P>* head) const {
  LruListWalk walk;
  const LruLink<P>* previous = head;
  const LruLink<P>* link = head->next();
  for (; link != head; link = link->next()) {
    const uint32_t index = view_next_index(link, &walk);
    if (index == node_count_) return walk;
    if (link->prev() != previous) {
      walk.end = LruListWalk::End::kBrokenBackLink;
      return walk;
    }
    walk.nodes.push_back(index);
    previous = link;
  }
  if (head->prev() != previous) walk.end = LruListWalk::End::kBrokenBackLink;
  return walk;
}

template <class P>
LruListWalk LruPool<P>::view_walk_local_free(const LruLocalList<P>& local) const {
  LruListWalk walk;
  for (const LruLink<P>* link = local.free_head.load(std::memory_order_relaxed); link != nullptr;
       link = link->next()) {
    const uint32_t index = view_next_index(link, &walk);
    if (index == node_count_) return walk;
    walk.nodes.push_back(index);
  }
  return walk;
}

template <class P>
LruListsView LruPool<P>::view_lists(const LruList<P>& list) const {
  LruListsView view;
  view.locked = internal::inspect_lock_is_locked(list.lock);
  for (int type = 0; type < kLruGlobalListTypeCount; ++type) {
    view.lists[type] = view_walk_list(&list.lists[type]);
  }
  for (int type = 0; type < kLruCountedListTypeCount; ++type) {
    view.counts[type] = list.counts[type].read();
  }
  const LruLink<P>* cursor = list.next_inactive_rotation.read();
  if (cursor == &list.lists[static_cast<int>(LruListType::kInactive)]) {
    view.cursor = LruListsView::kCursorAtHead;
  } else {
    const uint32_t index = view_index_of(cursor);
    view.cursor = index == node_count_ ? LruListsView::kCursorForeign : int64_t{index};
  }
  return view;
}

template <class P>
void LruPool<P>::fill_view(LruMapView* view) const {
  view->percpu_lists = uses_percpu_lists_;
  view->possible_cpus = possible_cpus_;
  view->target_free = target_free_;
  view->nodes.resize(node_count_);
  for (uint32_t index = 0; index < node_count_; ++index) {
    const LruNode<P>* node = node_at(index);
    LruNodeView& seen = view->nodes[index];
    seen.type = static_cast<uint8_t>(node->type());
    seen.referenced = node->is_referenced();
    seen.pending_free = node->is_pending_free();
    seen.cpu = node->cpu.read();
    seen.hash = node->hash.read();
  }
  if (uses_percpu_lists_) {
    for (int cpu = 0; cpu < possible_cpus_; ++cpu) {
      view->lists.push_back(view_lists(percpu_lists_[cpu]));
    }
    return;
  }
  view->lists.push_back(view_lists(global_list_));
  for (int cpu = 0; cpu < possible_cpus_; ++cpu) {
    const LruLocalList<P>& local = local_lists_[cpu];
    LruLocalView& seen = view->locals.emplace_back();
    seen.locked = internal::inspect_lock_is_locked(local.lock);
    seen.pending = view_walk_list(&local.pending_list);
    seen.free = view_walk_local_free(local);
    seen.next_steal = local.next_steal.read();
  }
}

}  // namespace mapsim
