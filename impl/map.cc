// The syscall layer shared by all map types (kernel/bpf/syscall.c; fact sheet 2.3-2.9).
#include "impl/map.h"

#include "impl/map_inspection.h"
#include "impl/uapi.h"

namespace mapsim {

Map::Map(const MapInfo& info)
    : info_(info),
      fd_flags_(info.map_flags & (bpf::kFRdonly | bpf::kFWronly)),
      syscall_value_size_(info.value_size) {
  // The stored flags drop RDONLY/WRONLY: they describe the fd, not the map (fact sheet 2.2).
  info_.map_flags &= ~(bpf::kFRdonly | bpf::kFWronly);
}

Map::~Map() = default;

MapInspection Map::inspect() const { return MapInspection{}; }

bool Map::fd_readable() const { return (fd_flags_ & bpf::kFWronly) == 0; }
bool Map::fd_writable() const { return (fd_flags_ & bpf::kFRdonly) == 0; }

int Map::lookup_elem(const void* key, void* value, uint64_t flags) {
  if (flags & ~bpf::kFLock) return bpf::kEINVAL;
  if (!fd_readable()) return bpf::kEPERM;
  // BPF_F_LOCK needs a bpf_spin_lock in the value's BTF, which mapsim maps never have
  // (fact sheet 2.5).
  if (flags & bpf::kFLock) return bpf::kEINVAL;
  if (int error = check_key_pointer(key)) return error;
  return sys_lookup(key, value);
}

int Map::update_elem(const void* key, const void* value, uint64_t flags) {
  if (!fd_writable()) return bpf::kEPERM;
  if (flags & bpf::kFLock) return bpf::kEINVAL;  // no spin lock in the value (fact sheet 2.6)
  if (int error = check_key_pointer(key)) return error;
  return sys_update(key, value, flags);
}

int Map::delete_elem(const void* key) {
  if (!fd_writable()) return bpf::kEPERM;
  if (int error = check_key_pointer(key)) return error;
  return sys_delete(key);
}

int Map::get_next_key(const void* key, void* next_key) {
  if (!fd_readable()) return bpf::kEPERM;
  if (key != nullptr) {
    if (int error = check_key_pointer(key)) return error;
  }
  return sys_get_next_key(key, next_key);
}

int Map::lookup_and_delete_elem(const void* key, void* value, uint64_t flags) {
  // Kernel order: unknown flags, fd permissions, BPF_F_LOCK without a spin lock, then the
  // type's support (ENOTSUPP) (kernel/bpf/syscall.c map_lookup_and_delete_elem).
  if (flags & ~bpf::kFLock) return bpf::kEINVAL;
  if (!fd_readable() || !fd_writable()) return bpf::kEPERM;
  if (flags & bpf::kFLock) return bpf::kEINVAL;
  if (int error = check_key_pointer(key)) return error;
  return sys_lookup_and_delete(key, value);
}

// __bpf_copy_key(): a map without keys (key_size 0: BLOOM_FILTER) takes NULL and refuses any
// pointer; every other map copies key_size bytes from the pointer, which NULL faults.
int Map::check_key_pointer(const void* key) const {
  if (info_.key_size == 0) return key == nullptr ? 0 : bpf::kEINVAL;
  return key == nullptr ? bpf::kEFAULT : 0;
}

void* Map::prog_lookup_percpu(const void*, uint32_t) { return nullptr; }

int Map::sys_lookup_and_delete(const void*, void*) { return bpf::kENOTSUPP; }

}  // namespace mapsim
