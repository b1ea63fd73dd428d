// LruLink: an intrusive, circular, doubly linked list (the kernel's struct list_head), as used by
// the LRU lists (impl/internal/lru_list.h).
//
// A list is represented by a head link that is not an element: an empty list's head points to
// itself both ways. "Head of the list" in LRU vocabulary is head->next() (most recently added);
// "tail" is head->prev() (oldest). Scans from the tail follow `prev` (towards newer elements).
// Links carry no lock: every list is protected by the lock of the structure that owns its head,
// and the functions below assume the caller holds it. The links are the platform's plain
// fields (P::Plain), so the simulator reports an access that no lock orders as a data race.
#pragma once

#include <source_location>

#include "impl/assert.h"

namespace mapsim {

// Every accessor and helper takes the caller's source location (defaulted), so that a data
// race on a link is reported at the line of the list code that made the access.
using SourceLocation = std::source_location;

template <class P>
struct LruLink {
  LruLink* prev(SourceLocation where = SourceLocation::current()) const {
    return prev_link.read(where);
  }
  LruLink* next(SourceLocation where = SourceLocation::current()) const {
    return next_link.read(where);
  }
  void set_prev(LruLink* link, SourceLocation where = SourceLocation::current()) {
    prev_link.write(link, where);
  }
  void set_next(LruLink* link, SourceLocation where = SourceLocation::current()) {
    next_link.write(link, where);
  }

  /// The newer neighbour; the list head for the newest element.
  typename P::template Plain<LruLink*> prev_link{nullptr};
  /// The older neighbour; the list head for the oldest element.
  typename P::template Plain<LruLink*> next_link{nullptr};
};

// Makes `head` an empty list.
template <class P>
void lru_link_init_head(LruLink<P>* head, SourceLocation where = SourceLocation::current()) {
  head->set_prev(head, where);
  head->set_next(head, where);
}

template <class P>
bool lru_link_list_is_empty(const LruLink<P>* head,
                            SourceLocation where = SourceLocation::current()) {
  return head->next(where) == head;
}

// Inserts `link` right after `head`, i.e. as the newest element.
// REQUIRES: `link` is in no list.
template <class P>
void lru_link_add_to_head(LruLink<P>* link, LruLink<P>* head,
                          SourceLocation where = SourceLocation::current()) {
  MAPSIM_ASSERT(link != head, "a list head is not an element");
  LruLink<P>* first = head->next(where);
  link->set_prev(head, where);
  link->set_next(first, where);
  first->set_prev(link, where);
  head->set_next(link, where);
}

// The newer neighbour of `link` in a scan from the tail. A null link means the element was
// unlinked under the scan (by code that skipped the list's lock): the list is corrupt, which is
// reported instead of followed.
template <class P>
LruLink<P>* lru_link_newer(const LruLink<P>* link,
                           SourceLocation where = SourceLocation::current()) {
  LruLink<P>* newer = link->prev(where);
  MAPSIM_ASSERT(newer != nullptr, "list corrupt: a scan reached an unlinked element");
  return newer;
}

// Removes `link` from its list and leaves it unlinked (both pointers null, so that a stale use
// crashes instead of corrupting a list).
template <class P>
void lru_link_unlink(LruLink<P>* link, SourceLocation where = SourceLocation::current()) {
  LruLink<P>* prev = link->prev(where);
  LruLink<P>* next = link->next(where);
  MAPSIM_ASSERT(prev != nullptr && next != nullptr, "unlinking an unlinked element");
  MAPSIM_ASSERT(prev->next(where) == link, "list corrupt: prev->next does not point back");
  MAPSIM_ASSERT(next->prev(where) == link, "list corrupt: next->prev does not point back");
  prev->set_next(next, where);
  next->set_prev(prev, where);
  link->set_prev(nullptr, where);
  link->set_next(nullptr, where);
}

// list_move(): unlink from the current list, insert as the newest element of `head`'s list.
template <class P>
void lru_link_move_to_head(LruLink<P>* link, LruLink<P>* head,
                           SourceLocation where = SourceLocation::current()) {
  lru_link_unlink(link, where);
  lru_link_add_to_head(link, head, where);
}

}  // namespace mapsim
