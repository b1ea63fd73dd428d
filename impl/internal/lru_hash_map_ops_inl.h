// Template definitions of LruHashMap (impl/internal/lru_hash_map_impl.h): creation, the update
// paths of fact sheet 4.10, delete, the eviction callback and the invariant check.
#pragma once

#include <memory>
#include <new>
#include <string>

#include "impl/internal/hash_table_inspect.h"
#include "impl/internal/lru_hash_map_impl.h"

namespace mapsim::internal {

// prealloc_init() for LRU maps: the element pool (and per-CPU areas), the LRU's per-CPU lists,
// then every node onto the free list(s). Every failure is ENOMEM, as in the kernel.
template <class P>
int LruHashMap<P>::allocate(uint32_t n_buckets) {
  const uint64_t count = max_entries();
  if (!element_block_.allocate(count * table_.layout().element_size)) return bpf::kENOMEM;
  if (percpu_ && !percpu_block_.allocate(count * values_.all_cpus_bytes())) return bpf::kENOMEM;
  if (int error = table_.allocate_buckets(n_buckets)) return error;
  if (int error = lru_.init()) return error;
  populate_elements();
  lru_.populate(table_.node_area_of(element_at(0)), table_.layout().element_size,
                max_entries());
  return 0;
}

template <class P>
void LruHashMap<P>::populate_elements() {
  const uint32_t count = max_entries();
  for (uint32_t index = 0; index < count; ++index) {
    Element* element = new (element_at(index)) Element();
    if (percpu_) values_.attach(element, percpu_block_.data() + index * values_.all_cpus_bytes());
  }
  populated_ = count;
}

// prealloc_lru_pop(): a node from the LRU (may evict), its element filled with hash and key.
// Called without any bucket lock held (LOCK ORDER: LRU locks -> bucket lock).
template <class P>
typename LruHashMap<P>::Element* LruHashMap<P>::pop_element(uint32_t hash, const void* key) {
  Node* node = lru_.pop_free(hash);
  if (node == nullptr) return nullptr;
  element_count_.fetch_add(1);
  Element* element = element_of(node);
  element->hash.store(hash);
  P::copy_racy(table_.key_of(element), key, key_size());
  return element;
}

// htab_lru_push_free(): the element left the table (or never entered it). Called without any
// bucket lock held.
template <class P>
void LruHashMap<P>::push_element(Element* element) {
  element_count_.fetch_sub(1);
  lru_.push_free(node_of(element));
}

template <class P>
void LruHashMap<P>::report_existence_error(int error) {
  const bool exists = error == bpf::kEEXIST;
  platform_.path_event(exists ? PathEvent::kUpdateExists : PathEvent::kUpdateNotFound, 0);
}

// htab_lru_map_update_elem(), fact sheet 4.10 "LRU_HASH update".
template <class P>
int LruHashMap<P>::update_shared(const void* key, const void* value, uint64_t flags) {
  const uint32_t hash = table_.hash_key(key);
  Bucket& bucket = table_.bucket_for(hash);
  if (mutant_active<P>(Mutant::kLruExistenceBeforePop)) {
    if (int error = check_existence_early(bucket, hash, key, flags)) return error;
  }
  // Step 2: pop first; this may evict, before existence is known.
  Element* fresh = pop_element(hash, key);
  if (fresh == nullptr) {
    platform_.path_event(PathEvent::kUpdateNoNode, 0);
    return bpf::kENOMEM;
  }
  P::copy_racy(table_.value_area_of(fresh), value, value_size());
  // Step 3: bucket lock.
  int error = bucket.lock.lock();
  Element* old_element = nullptr;
  if (error != 0) {
    platform_.path_event(PathEvent::kUpdateBucketLockFailed, static_cast<uint64_t>(-error));
  } else {
    // Step 4: existence rules.
    old_element = table_.lookup_locked(bucket, hash, key);
    error = check_flags(old_element, flags);
    if (error != 0) {
      report_existence_error(error);
    } else {
      // Step 5: the new node goes to the head; a replaced key counts as used.
      table_.insert_head_locked(bucket, fresh);
      if (old_element != nullptr) {
        lru_node_set_ref(node_of(fresh));
        table_.unlink_locked(bucket, old_element);
      }
      platform_.path_event(old_element != nullptr ? PathEvent::kUpdateReplaceExisting
                                                  : PathEvent::kUpdateInsertNew,
                           0);
    }
    bucket.lock.unlock();
  }
  if (error != 0) {
    platform_.path_event(PathEvent::kUpdateUnusedNodePushedBack, 0);
    push_element(fresh);
    return error;
  }
  if (old_element != nullptr) {
    platform_.path_event(PathEvent::kUpdateOldNodePushedBack, 0);
    push_element(old_element);
  }
  platform_.path_event(PathEvent::kUpdateSuccess, 0);
  return 0;
}

// Mutant lru-existence-before-pop only: the existence rules applied before any node is popped,
// so that a failing update never evicts (not what 6.18 does, fact sheet 4.10).
template <class P>
int LruHashMap<P>::check_existence_early(Bucket& bucket, uint32_t hash, const void* key,
                                         uint64_t flags) {
  if (int error = bucket.lock.lock()) return error;
  const int error = check_flags(table_.lookup_locked(bucket, hash, key), flags);
  bucket.lock.unlock();
  if (error != 0) report_existence_error(error);
  return error;
}

// __htab_lru_percpu_map_update_elem(), fact sheet 4.10 "LRU_PERCPU_HASH update".
template <class P>
int LruHashMap<P>::update_percpu(const void* key, const void* value, uint64_t flags,
                                 ValueSource source) {
  const uint32_t hash = table_.hash_key(key);
  Bucket& bucket = table_.bucket_for(hash);
  // Step 2: pop first, unless only an existing key may be updated.
  Element* fresh = nullptr;
  if (flags != bpf::kExist) {
    fresh = pop_element(hash, key);
    if (fresh == nullptr) {
      platform_.path_event(PathEvent::kUpdateNoNode, 0);
      return bpf::kENOMEM;
    }
  } else {
    platform_.path_event(PathEvent::kUpdatePercpuExistSkipsPop, 0);
  }
  // Step 3: bucket lock and existence rules.
  int error = bucket.lock.lock();
  if (error != 0) {
    platform_.path_event(PathEvent::kUpdateBucketLockFailed, static_cast<uint64_t>(-error));
  } else {
    Element* old_element = table_.lookup_locked(bucket, hash, key);
    error = check_flags(old_element, flags);
    if (error != 0) {
      report_existence_error(error);
    } else if (old_element != nullptr) {
      // Step 4, key present: in place, and the key counts as used.
      lru_node_set_ref(node_of(old_element));
      values_.write(old_element, value, source, /*fresh=*/false, platform_);
      platform_.path_event(PathEvent::kUpdatePercpuInPlace, 0);
    } else {
      values_.write(fresh, value, source, /*fresh=*/true, platform_);
      table_.insert_head_locked(bucket, fresh);
      fresh = nullptr;
      platform_.path_event(PathEvent::kUpdateInsertNew, 0);
    }
    bucket.lock.unlock();
  }
  // Step 5: an unused popped node goes back.
  if (fresh != nullptr) {
    platform_.path_event(PathEvent::kUpdateUnusedNodePushedBack, 0);
    push_element(fresh);
  }
  if (error == 0) platform_.path_event(PathEvent::kUpdateSuccess, 0);
  return error;
}

template <class P>
void LruHashMap<P>::copy_value_out(Element* element, void* value) {
  if (percpu_) {
    values_.read_all_cpus(element, value);
  } else {
    P::copy_racy(value, table_.value_area_of(element), value_size());
  }
}

// htab_lru_map_delete_elem() (value == nullptr) and the LRU lookup_and_delete: bucket lock,
// unlink, unlock, then the node goes back to the LRU (never with the bucket lock held).
template <class P>
int LruHashMap<P>::remove(const void* key, void* value) {
  const uint32_t hash = table_.hash_key(key);
  Bucket& bucket = table_.bucket_for(hash);
  if (int error = bucket.lock.lock()) return error;
  Element* element = table_.lookup_locked(bucket, hash, key);
  if (element != nullptr) {
    if (value != nullptr) copy_value_out(element, value);
    table_.unlink_locked(bucket, element);
  }
  bucket.lock.unlock();
  if (element == nullptr) return bpf::kENOENT;
  push_element(element);
  return 0;
}

template <class P>
void LruHashMap<P>::mark_referenced(Element* element) {
  if (lru_node_set_ref(node_of(element))) {
    platform_.path_event(PathEvent::kLookupSetRef, element->hash.load());
  }
}

// htab_lru_map_delete_node(): the LRU asks to drop the key of `node`. Runs with LRU list locks
// held and takes the key's bucket lock inside them (LOCK ORDER); a failing bucket lock only
// makes it refuse. Returns whether the element was unlinked.
template <class P>
bool LruHashMap<P>::delete_node(void* map, Node* node) {
  auto* self = static_cast<LruHashMap*>(map);
  Element* element = self->element_of(node);
  const uint32_t hash = node->hash.read();
  Bucket& bucket = self->table_.bucket_for(hash);
  if (int error = bucket.lock.lock()) {
    self->platform_.path_event(PathEvent::kEvictBucketLockFailed, static_cast<uint64_t>(-error));
    return false;
  }
  const bool unlinked = self->table_.unlink_locked(bucket, element);
  if (unlinked) self->element_count_.fetch_sub(1);
  bucket.lock.unlock();
  self->platform_.path_event(unlinked ? PathEvent::kEvictUnlinked : PathEvent::kEvictNotInTable,
                             hash);
  return unlinked;
}

// Nodes holding no key: those on FREE and LOCAL_FREE lists, and pending_free ones (pushed while
// a lock failed, still on ACTIVE/INACTIVE/LOCAL_PENDING). REQUIRES: quiescent.
template <class P>
uint64_t LruHashMap<P>::free_node_count() const {
  uint64_t free_nodes = 0;
  for (uint32_t index = 0; index < lru_.node_count(); ++index) {
    const Node* node = lru_.node_at(index);
    const LruListType type = node->type();
    if (type == LruListType::kFree || type == LruListType::kLocalFree ||
        node->is_pending_free()) {
      ++free_nodes;
    }
  }
  return free_nodes;
}

template <class P>
bool LruHashMap<P>::check_invariants(std::string* failure) {
  if (!lru_.check_invariants(failure)) return false;
  uint64_t keys = 0;
  bool consistent = true;
  table_.for_each_quiescent([&](uint32_t, Element* element) {
    ++keys;
    const LruListType type = node_of(element)->type();
    const bool idle = type == LruListType::kFree || type == LruListType::kLocalFree ||
                      node_of(element)->is_pending_free();
    if (consistent && idle) {
      *failure = "a key in the table has a free LRU node (index " +
                 std::to_string(lru_.index_of(node_of(element))) + ")";
      consistent = false;
    }
  });
  if (!consistent) return false;
  const uint64_t in_use = lru_.node_count() - free_node_count();
  if (in_use != keys) {
    *failure = std::to_string(in_use) + " LRU nodes in use but " + std::to_string(keys) +
               " keys in the table";
    return false;
  }
  if (element_count_.load() != keys) {
    *failure = "element statistic " + std::to_string(element_count_.load()) + " != " +
               std::to_string(keys) + " keys";
    return false;
  }
  return true;
}

template <class P>
MapInspection LruHashMap<P>::inspect() const {
  LruMapView view;
  const uint32_t element_size = table_.layout().element_size;
  auto identify = [&](const Element* element, HashElementView* seen) {
    seen->id = inspect_pool_index(element, element_block_.data(), element_size, populated_);
    seen->in_pool = seen->id < populated_;
    if (seen->in_pool && percpu_) {
      seen->percpu_area = reinterpret_cast<uintptr_t>(values_.area(const_cast<Element*>(element)));
    }
    return seen->in_pool;
  };
  view.table = hash_table_view(table_, populated_, identify);
  view.percpu_values = percpu_;
  view.max_entries = max_entries();
  view.element_count = element_count_.load();
  lru_.fill_view(&view);
  return MapInspection{view};
}

}  // namespace mapsim::internal
