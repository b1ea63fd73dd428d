// LruLink: an intrusive, circular, doubly linked list (the kernel's struct list_head), as used by
// the LRU lists (impl/internal/lru_list.h).
//
// A list is represented by a head link that is not an element: an empty list's head points to
// itself both ways. "Head of the list" in LRU vocabulary is head->next (most recently added);
// "tail" is head->prev (oldest). Scans from the tail follow `prev` (towards newer elements).
// Links carry no lock: every list is protected by the lock of the structure that owns its head,
// and the functions below assume the caller holds it.
#pragma once

#include "impl/assert.h"

namespace mapsim {

struct LruLink {
  LruLink* prev = nullptr;  ///< the newer neighbour; the list head for the newest element
  LruLink* next = nullptr;  ///< the older neighbour; the list head for the oldest element
};

// Makes `head` an empty list.
inline void lru_link_init_head(LruLink* head) {
  head->prev = head;
  head->next = head;
}

inline bool lru_link_list_is_empty(const LruLink* head) { return head->next == head; }

// Inserts `link` right after `head`, i.e. as the newest element.
// REQUIRES: `link` is in no list.
inline void lru_link_add_to_head(LruLink* link, LruLink* head) {
  MAPSIM_ASSERT(link != head, "a list head is not an element");
  LruLink* first = head->next;
  link->prev = head;
  link->next = first;
  first->prev = link;
  head->next = link;
}

// The newer neighbour of `link` in a scan from the tail. A null link means the element was
// unlinked under the scan (by code that skipped the list's lock): the list is corrupt, which is
// reported instead of followed.
inline LruLink* lru_link_newer(const LruLink* link) {
  MAPSIM_ASSERT(link->prev != nullptr, "list corrupt: a scan reached an unlinked element");
  return link->prev;
}

// Removes `link` from its list and leaves it unlinked (both pointers null, so that a stale use
// crashes instead of corrupting a list).
inline void lru_link_unlink(LruLink* link) {
  MAPSIM_ASSERT(link->prev != nullptr && link->next != nullptr, "unlinking an unlinked element");
  MAPSIM_ASSERT(link->prev->next == link, "list corrupt: prev->next does not point back");
  MAPSIM_ASSERT(link->next->prev == link, "list corrupt: next->prev does not point back");
  link->prev->next = link->next;
  link->next->prev = link->prev;
  link->prev = nullptr;
  link->next = nullptr;
}

// list_move(): unlink from the current list, insert as the newest element of `head`'s list.
inline void lru_link_move_to_head(LruLink* link, LruLink* head) {
  lru_link_unlink(link);
  lru_link_add_to_head(link, head);
}

}  // namespace mapsim
