// ArrayMap<P>: BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY (kernel/bpf/arraymap.c; fact
// sheet 5).
//
// Every index 0 .. max_entries-1 exists from creation, zero-filled; the key is the index as a
// host-order u32. Elements are never removed (delete is EINVAL) and never move, so lookups need
// no lock and no RCU; concurrent writers and readers of one value race exactly as in the kernel
// (plain copies), which the platform's racy copies make explicit.
// Errors: index >= max_entries is ENOENT for lookups but E2BIG for updates (checked before
// NOEXIST, which is always EEXIST because every element exists).
#pragma once

#include <cstring>
#include <memory>

#include "impl/inspection/corruption_access.h"
#include "impl/internal/array_index.h"
#include "impl/internal/percpu_values.h"
#include "impl/map.h"
#include "impl/map_inspection.h"
#include "impl/uapi.h"

namespace mapsim::internal {

template <class P>
class ArrayMap final : public Map {
 public:
  // REQUIRES: array_alloc_check(attr) passed and attr.map_type is ARRAY or PERCPU_ARRAY.
  static int create(P& platform, const MapAttr& attr, std::unique_ptr<Map>* out) {
    MapInfo info{attr.map_type, attr.key_size, attr.value_size, attr.max_entries,
                 attr.map_flags, attr.map_extra, attr.name};
    auto map = std::unique_ptr<ArrayMap>(new ArrayMap(platform, info));
    // The caller may bypass the Spectre-v1 rounding (a privileged user), so the allocation is
    // exactly max_entries elements; absurd sizes fail here with ENOMEM.
    const uint64_t bytes = uint64_t{attr.max_entries} * map->element_bytes();
    map->values_ = static_cast<unsigned char*>(platform.allocate(bytes));
    if (map->values_ == nullptr) return bpf::kENOMEM;
    *out = std::move(map);
    return 0;
  }

  ~ArrayMap() override { platform_.release(values_); }

  void* prog_lookup(const void* key) override {
    const uint32_t index = index_of(key);
    if (index >= max_entries()) return nullptr;
    if (percpu_) return slots_.slot(element(index), platform_.cpu());
    return element(index);
  }

  void* prog_lookup_percpu(const void* key, uint32_t cpu) override {
    const uint32_t index = index_of(key);
    if (!percpu_ || index >= max_entries()) return nullptr;
    if (cpu >= static_cast<uint32_t>(platform_.possible_cpus())) return nullptr;
    return slots_.slot(element(index), static_cast<int>(cpu));
  }

  int prog_update(const void* key, const void* value, uint64_t flags) override {
    // array_map_update_elem(): the program path, for both types.
    if ((flags & ~bpf::kFLock) > bpf::kExist) return bpf::kEINVAL;
    const uint32_t index = index_of(key);
    if (index >= max_entries()) return bpf::kE2BIG;
    if (flags & bpf::kNoExist) return bpf::kEEXIST;
    if (flags & bpf::kFLock) return bpf::kEINVAL;  // no bpf_spin_lock in the value
    if (percpu_) {
      slots_.write_this_cpu(element(index), value, platform_.cpu());
    } else {
      P::copy_racy(element(index), value, value_size());
    }
    return 0;
  }

  int prog_delete(const void*) override { return bpf::kEINVAL; }

  // Test-only view of the layout (impl/inspection/array_view.h).
  MapInspection inspect() const override {
    ArrayMapView view;
    view.percpu = percpu_;
    view.max_entries = max_entries();
    view.value_size = value_size();
    view.possible_cpus = platform_.possible_cpus();
    view.value_stride = slots_.stride();
    view.element_bytes = element_bytes();
    view.syscall_value_size = syscall_value_size();
    view.values_allocated = values_ != nullptr;
    return MapInspection{view};
  }

 protected:
  int sys_lookup(const void* key, void* value) override {
    const uint32_t index = index_of(key);
    if (index >= max_entries()) return bpf::kENOENT;
    if (percpu_) {
      slots_.read_all_cpus(element(index), value);
    } else {
      P::copy_racy(value, element(index), value_size());
    }
    return 0;
  }

  int sys_update(const void* key, const void* value, uint64_t flags) override {
    if (!percpu_) return prog_update(key, value, flags);
    // bpf_percpu_array_update(): every CPU's slot from the buffer.
    if (flags > bpf::kExist) return bpf::kEINVAL;
    const uint32_t index = index_of(key);
    if (index >= max_entries()) return bpf::kE2BIG;
    if (flags == bpf::kNoExist) return bpf::kEEXIST;
    slots_.write_all_cpus(element(index), value);
    return 0;
  }

  int sys_delete(const void*) override { return bpf::kEINVAL; }

  // The array ops name the generic lookup and update batches; lookup_and_delete and delete
  // batches stay ENOTSUPP (the Map defaults).
  int sys_lookup_batch(const BatchCall& call) override { return generic_lookup_batch(call); }
  int sys_update_batch(const BatchCall& call) override { return generic_update_batch(call); }

  int sys_get_next_key(const void* key, void* next_key) override {
    return array_index_get_next_key(key, next_key, max_entries());
  }

 private:
  ArrayMap(P& platform, const MapInfo& info)
      : Map(info),
        platform_(platform),
        percpu_(info.map_type == bpf::kMapPercpuArray),
        slots_(info.value_size, platform.possible_cpus()) {
    if (percpu_) set_syscall_value_size(slots_.all_cpus_bytes());
  }

  static uint32_t index_of(const void* key) { return array_index_of(key); }
  uint64_t element_bytes() const { return percpu_ ? slots_.all_cpus_bytes() : slots_.stride(); }
  unsigned char* element(uint32_t index) { return values_ + index * element_bytes(); }

  friend struct ::mapsim::MapCorruptionTestOnlyAccess;  // tests that damage it on purpose
  P& platform_;
  const bool percpu_;
  PercpuSlots<P> slots_;
  unsigned char* values_ = nullptr;
};

}  // namespace mapsim::internal
