// One device of a DEVMAP / DEVMAP_HASH (the kernel's struct bpf_dtab_netdev) and the value
// layout users exchange (struct bpf_devmap_val; fact sheet 1.6, 6.2):
//
//   offset 0  u32 ifindex
//   offset 4  union { int fd;   (written: a BPF_XDP_DEVMAP program to run, used when > 0)
//                     u32 id; } (read: the attached program's id, 0 for none)
//
// Maps of value_size 4 (the legacy layout) exchange only the ifindex; the program field is
// then 0 on write. An entry is made whole before it is published and never changes after:
// an update replaces the entry, and the old one is freed after an RCU grace period, so
// lock-free readers (lookups, get_next_key, programs) always see a complete value.
//
// Validation on write, in the kernel's order: allocation (ENOMEM), the ifindex must name a
// device of the calling thread's namespace (impl/net_devices.h; else EINVAL), a program fd > 0
// must be an XDP program loaded for BPF_XDP_DEVMAP (else EINVAL). mapsim runs no XDP programs,
// so every positive fd is EINVAL and the program id read back is always 0; 0 and negative fds
// mean "no program".
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

#include "impl/inspection/devmap_view.h"
#include "impl/net_devices.h"
#include "impl/platform.h"
#include "impl/uapi.h"

namespace mapsim::internal {

struct DevmapValue {
  uint32_t ifindex = 0;
  uint32_t program = 0;  ///< fd (as an int) on write, program id on read
};
static_assert(sizeof(DevmapValue) == 8, "struct bpf_devmap_val is 8 bytes");
static_assert(offsetof(DevmapValue, program) == 4, "the program fd / id follows the ifindex");

// The written value as the kernel reads it: value_size bytes over a zeroed struct.
// REQUIRES: value_size is 4 or 8.
inline DevmapValue devmap_value_from_user(const void* value, uint32_t value_size) {
  DevmapValue parsed;
  std::memcpy(&parsed, value, value_size);
  return parsed;
}

inline bool devmap_program_given(const DevmapValue& value) {
  return static_cast<int32_t>(value.program) > 0;
}

template <class P>
struct DevmapEntry {
  DevmapValue value;  ///< as lookups return it: ifindex and program id
  /// DEVMAP_HASH: the key (the kernel's idx). Written before the entry is published, read by
  /// lock-free readers after the acquire that found the entry.
  typename P::template Plain<uint32_t> key{0};
  /// DEVMAP_HASH chain link (an entry address or 0); written under the map's lock, read by
  /// lock-free readers.
  typename P::template Atomic<uintptr_t> next{0};
};

// __dev_map_alloc_node(): a complete entry for `written`, or nullptr with *error set.
template <class P>
DevmapEntry<P>* devmap_entry_create(P& platform, const DevmapValue& written, uint32_t key,
                                    int* error) {
  void* memory = platform.allocate(sizeof(DevmapEntry<P>));
  if (memory == nullptr) {
    *error = bpf::kENOMEM;
    return nullptr;
  }
  if (!current_net_devices().contains(written.ifindex) || devmap_program_given(written)) {
    platform.release(memory);
    *error = bpf::kEINVAL;
    return nullptr;
  }
  auto* entry = new (memory) DevmapEntry<P>();
  entry->value.ifindex = written.ifindex;
  entry->value.program = 0;  // no program attached: its id reads as 0
  entry->key.write(key);
  return entry;
}

template <class P>
void devmap_entry_destroy_now(P& platform, DevmapEntry<P>* entry) {
  entry->~DevmapEntry<P>();
  platform.release(entry);
}

// The test-only view of an entry (impl/inspection/devmap_view.h).
template <class P>
DevmapEntryView devmap_entry_view(const DevmapEntry<P>* entry) {
  DevmapEntryView view;
  view.id = reinterpret_cast<uintptr_t>(entry);
  view.key = entry->key.read();
  view.ifindex = entry->value.ifindex;
  view.program = entry->value.program;
  return view;
}

// call_rcu(__dev_map_entry_free): readers may still hold the entry. The entry's members are
// trivially destructible for every platform's Atomic, so the memory is simply freed later.
template <class P>
void devmap_entry_destroy_after_grace_period(P& platform, DevmapEntry<P>* entry) {
  platform.release_after_grace_period(entry);
}

}  // namespace mapsim::internal
