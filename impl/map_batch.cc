// The batch commands' syscall layer and kernel/bpf/syscall.c's generic batch implementations
// (impl/map_batch.h; fact sheet 2.11).
#include "impl/map_batch.h"

#include <cstring>
#include <vector>

#include "impl/map.h"
#include "impl/uapi.h"

namespace mapsim {
namespace {

// elem_flags of every batch op: BPF_F_LOCK is the only known bit, and it needs a spin lock in
// the value, which mapsim maps never have.
bool elem_flags_valid(uint64_t elem_flags) { return elem_flags == 0; }

unsigned char* entry_at(void* array, uint32_t index, size_t entry_bytes) {
  return static_cast<unsigned char*>(array) + size_t{index} * entry_bytes;
}

}  // namespace

uint32_t batch_token_size(uint32_t map_type, uint32_t key_size) {
  const bool hash_family = map_type == bpf::kMapHash || map_type == bpf::kMapPercpuHash ||
                           map_type == bpf::kMapLruHash || map_type == bpf::kMapLruPercpuHash;
  return hash_family ? uint32_t{sizeof(uint32_t)} : key_size;
}

uint32_t Map::batch_token_size() const {
  return mapsim::batch_token_size(info_.map_type, info_.key_size);
}

// bpf_map_do_batch(): permissions first (lookups read, everything else writes), then the type.
int Map::lookup_batch(const void* in_batch, void* out_batch, void* keys, void* values,
                      uint32_t* count, const BatchOptions& options) {
  if (!fd_readable()) return bpf::kEPERM;
  return sys_lookup_batch(BatchCall{in_batch, out_batch, keys, values, count, options});
}

int Map::lookup_and_delete_batch(const void* in_batch, void* out_batch, void* keys,
                                 void* values, uint32_t* count, const BatchOptions& options) {
  if (!fd_readable() || !fd_writable()) return bpf::kEPERM;
  return sys_lookup_and_delete_batch(
      BatchCall{in_batch, out_batch, keys, values, count, options});
}

int Map::update_batch(const void* keys, const void* values, uint32_t* count,
                      const BatchOptions& options) {
  if (!fd_writable()) return bpf::kEPERM;
  // The kernel's attr carries addresses both ways; update only reads these.
  return sys_update_batch(BatchCall{nullptr, nullptr, const_cast<void*>(keys),
                                    const_cast<void*>(values), count, options});
}

int Map::delete_batch(const void* keys, uint32_t* count, const BatchOptions& options) {
  if (!fd_writable()) return bpf::kEPERM;
  return sys_delete_batch(
      BatchCall{nullptr, nullptr, const_cast<void*>(keys), nullptr, count, options});
}

int Map::sys_lookup_batch(const BatchCall&) { return bpf::kENOTSUPP; }
int Map::sys_lookup_and_delete_batch(const BatchCall&) { return bpf::kENOTSUPP; }
int Map::sys_update_batch(const BatchCall&) { return bpf::kENOTSUPP; }
int Map::sys_delete_batch(const BatchCall&) { return bpf::kENOTSUPP; }

// generic_map_update_batch(): MAP_UPDATE_ELEM per element with elem_flags, stopping at the
// first error; *count = elements applied. batch.flags is not looked at.
int Map::generic_update_batch(const BatchCall& call) {
  if (!elem_flags_valid(call.options.elem_flags)) return bpf::kEINVAL;
  const uint32_t max_count = *call.count;
  if (max_count == 0) return 0;
  *call.count = 0;
  int error = 0;
  uint32_t done = 0;
  for (; done < max_count; ++done) {
    error = sys_update(entry_at(call.keys, done, key_size()),
                       entry_at(call.values, done, syscall_value_size()),
                       call.options.elem_flags);
    if (error != 0) break;
  }
  *call.count = done;
  return error;
}

// generic_map_delete_batch(): MAP_DELETE_ELEM per key, stopping at the first error.
int Map::generic_delete_batch(const BatchCall& call) {
  if (!elem_flags_valid(call.options.elem_flags)) return bpf::kEINVAL;
  const uint32_t max_count = *call.count;
  if (max_count == 0) return 0;
  *call.count = 0;
  int error = 0;
  uint32_t done = 0;
  for (; done < max_count; ++done) {
    error = sys_delete(entry_at(call.keys, done, key_size()));
    if (error != 0) break;
  }
  *call.count = done;
  return error;
}

// generic_map_lookup_batch(): get_next_key from in_batch (NULL: the first key), look each key
// up and copy it out; a key that vanished in between (lookup ENOENT) is skipped. Stops when
// *count elements are copied (0) or get_next_key fails (its error, normally ENOENT). out_batch
// receives the last key walked, only if something was copied. Another lookup error returns at
// once with *count left at 0, as the kernel's "goto free_buf" does.
int Map::generic_lookup_batch(const BatchCall& call) {
  if (!elem_flags_valid(call.options.elem_flags)) return bpf::kEINVAL;
  const uint32_t max_count = *call.count;
  if (max_count == 0) return 0;
  *call.count = 0;
  std::vector<unsigned char> previous(key_size()), current(key_size());
  bool have_previous = call.in_batch != nullptr;
  if (have_previous) std::memcpy(previous.data(), call.in_batch, key_size());
  int error = 0;
  uint32_t copied = 0;
  while (copied < max_count) {
    error = sys_get_next_key(have_previous ? previous.data() : nullptr, current.data());
    if (error != 0) break;
    unsigned char* value = entry_at(call.values, copied, syscall_value_size());
    error = sys_lookup(current.data(), value);
    if (error != 0 && error != bpf::kENOENT) return error;
    if (error == 0) {
      std::memcpy(entry_at(call.keys, copied, key_size()), current.data(), key_size());
      ++copied;
    }
    previous.swap(current);
    have_previous = true;
  }
  *call.count = copied;
  if (copied > 0) std::memcpy(call.out_batch, previous.data(), key_size());
  return error;
}

}  // namespace mapsim
