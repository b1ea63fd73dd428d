// DevMap<P>: BPF_MAP_TYPE_DEVMAP (kernel/bpf/devmap.c, dev_map_*; fact sheet 6.1-6.3).
//
// An array of max_entries slots, each empty or pointing at a device entry (devmap_entry.h).
// Writers replace a slot's pointer with one atomic exchange (the kernel's xchg) and free the
// old entry after an RCU grace period; readers load the pointer inside an RCU read section.
// There is no lock: two concurrent updates of one slot both succeed, the later exchange wins.
//
// Results (syscall and helper alike):
// - update: flags > BPF_EXIST -> EINVAL; index >= max_entries -> E2BIG; BPF_NOEXIST -> EEXIST
//   (for empty slots too); ifindex 0 empties the slot (but with a program fd > 0: EINVAL,
//   slot untouched); otherwise the entry is validated (ENOMEM / EINVAL) and swapped in.
// - lookup: index out of range or empty slot -> ENOENT; the value is ifindex + program id.
// - delete: index out of range -> EINVAL; otherwise 0, even when the slot was empty.
// - get_next_key: as ARRAY, empty slots included.
// No lookup_and_delete and no batch ops (ENOTSUPP, the Map defaults). Programs may only look
// up (the verifier refuses update and delete helpers on device maps, and the map is created
// with BPF_F_RDONLY_PROG); prog_update / prog_delete run the map's own operations.
#pragma once

#include <cstring>
#include <memory>

#include "impl/inspection/corruption_access.h"
#include "impl/internal/array_index.h"
#include "impl/internal/devmap_checks.h"
#include "impl/internal/devmap_entry.h"
#include "impl/map.h"
#include "impl/map_inspection.h"
#include "impl/uapi.h"

namespace mapsim::internal {

template <class P>
class DevMap final : public Map {
 public:
  using Entry = DevmapEntry<P>;
  using Slot = typename P::template Atomic<uintptr_t>;

  // REQUIRES: devmap_alloc_check(attr) passed and attr.map_type is DEVMAP.
  static int create(P& platform, const MapAttr& attr, std::unique_ptr<Map>* out) {
    // dev_map_init_map() adds BPF_F_RDONLY_PROG: lookups hand programs a pointer into the
    // entry, which programs must not write.
    MapInfo info{attr.map_type, attr.key_size, attr.value_size, attr.max_entries,
                 attr.map_flags | bpf::kFRdonlyProg, attr.map_extra, attr.name};
    auto map = std::unique_ptr<DevMap>(new DevMap(platform, info));
    void* memory = platform.allocate(uint64_t{attr.max_entries} * sizeof(Slot));
    if (memory == nullptr) return bpf::kENOMEM;
    map->slots_ = static_cast<Slot*>(memory);
    for (uint32_t index = 0; index < attr.max_entries; ++index) new (&map->slots_[index]) Slot(0);
    map->slot_count_ = attr.max_entries;
    *out = std::move(map);
    return 0;
  }

  ~DevMap() override {
    for (uint32_t index = 0; index < slot_count_; ++index) {
      if (Entry* entry = entry_at(index, std::memory_order_relaxed)) {
        devmap_entry_destroy_now(platform_, entry);
      }
      slots_[index].~Slot();
    }
    platform_.release(slots_);
  }

  // dev_map_lookup_elem(). REQUIRES: the caller is inside an RCU read section.
  void* prog_lookup(const void* key) override {
    const uint32_t index = index_of(key);
    if (index >= max_entries()) return nullptr;
    Entry* entry = entry_at(index, std::memory_order_acquire);
    return entry == nullptr ? nullptr : &entry->value;
  }
  int prog_update(const void* key, const void* value, uint64_t flags) override {
    return update(key, value, flags);
  }
  int prog_delete(const void* key) override { return remove(key); }

  // Test-only view of the slots (impl/inspection/devmap_view.h).
  MapInspection inspect() const override {
    DevMapView view;
    view.max_entries = max_entries();
    view.slots.resize(slot_count_);
    for (uint32_t index = 0; index < slot_count_; ++index) {
      const Entry* entry = entry_at(index, std::memory_order_relaxed);
      if (entry == nullptr) continue;
      view.slots[index].present = true;
      view.slots[index].entry = devmap_entry_view(entry);
    }
    return MapInspection{view};
  }

 protected:
  int sys_lookup(const void* key, void* value) override {
    RcuReadGuard<P> rcu(platform_);
    const void* found = prog_lookup(key);
    if (found == nullptr) return bpf::kENOENT;
    P::copy_racy(value, found, value_size());
    return 0;
  }
  int sys_update(const void* key, const void* value, uint64_t flags) override {
    RcuReadGuard<P> rcu(platform_);
    return update(key, value, flags);
  }
  int sys_delete(const void* key) override {
    RcuReadGuard<P> rcu(platform_);
    return remove(key);
  }
  // dev_map_get_next_key(): NULL or out of range -> 0; the last index -> ENOENT.
  int sys_get_next_key(const void* key, void* next_key) override {
    return array_index_get_next_key(key, next_key, max_entries());
  }

 private:
  DevMap(P& platform, const MapInfo& info) : Map(info), platform_(platform) {}

  static uint32_t index_of(const void* key) { return array_index_of(key); }
  Entry* entry_at(uint32_t index, std::memory_order order) const {
    return reinterpret_cast<Entry*>(slots_[index].load(order));
  }

  // __dev_map_update_elem().
  int update(const void* key, const void* value, uint64_t flags) {
    if (flags > bpf::kExist) return bpf::kEINVAL;
    const uint32_t index = index_of(key);
    if (index >= max_entries()) return bpf::kE2BIG;
    if (flags == bpf::kNoExist) return bpf::kEEXIST;  // every slot "exists"
    const DevmapValue written = devmap_value_from_user(value, value_size());
    Entry* entry = nullptr;
    if (written.ifindex == 0) {
      if (devmap_program_given(written)) return bpf::kEINVAL;  // no program without a device
    } else {
      int error = 0;
      entry = devmap_entry_create(platform_, written, index, &error);
      if (entry == nullptr) return error;
    }
    swap_in(index, entry);
    return 0;
  }

  // dev_map_delete_elem(): an empty slot is no error.
  int remove(const void* key) {
    const uint32_t index = index_of(key);
    if (index >= max_entries()) return bpf::kEINVAL;
    swap_in(index, nullptr);
    return 0;
  }

  void swap_in(uint32_t index, Entry* entry) {
    const uintptr_t old = slots_[index].exchange(reinterpret_cast<uintptr_t>(entry),
                                                 std::memory_order_acq_rel);
    if (old != 0) devmap_entry_destroy_after_grace_period(platform_, reinterpret_cast<Entry*>(old));
  }

  friend struct ::mapsim::MapCorruptionTestOnlyAccess;  // tests that damage it on purpose
  P& platform_;
  Slot* slots_ = nullptr;
  uint32_t slot_count_ = 0;  ///< slots constructed in slots_
};

}  // namespace mapsim::internal
