#include "model/reference/hash_model.h"

#include <utility>

#include "impl/assert.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::reference {
namespace {

// check_flags(): the existence rules; BPF_ANY never fails here.
int existence_error(bool exists, uint64_t mode) {
  if (exists && mode == kUpdateNoExist) return kEEXIST;
  if (!exists && mode == kUpdateExist) return kENOENT;
  return 0;
}

}  // namespace

HashModel::HashModel(const ModelInfo& info, int possible_cpus, uint32_t n_buckets,
                     uint32_t seed)
    : info_(info),
      slots_(info.value_size, possible_cpus),
      chains_(n_buckets, seed),
      // HASH keeps no elements in a pool: an empty preallocated pool stands for "none".
      pool_(info.type != kTypePercpuHash || (info.map_flags & kNoPrealloc) == 0,
            info.type == kTypePercpuHash ? info.max_entries : 0, slots_, possible_cpus) {}

bool HashModel::percpu() const { return info_.type == kTypePercpuHash; }

ModelResult HashModel::apply(const ModelOp& op) {
  switch (element_op_code(op.code)) {
    case ElementOpCode::kLookup:
      return lookup(op);
    case ElementOpCode::kUpdate:
      return result_of(update(op));
    case ElementOpCode::kDelete:
      return remove(op, /*return_value=*/false);
    case ElementOpCode::kGetNextKey:
      return chains_.next_key_result(op.key);
    case ElementOpCode::kLookupAndDelete:
      return remove(op, /*return_value=*/true);
  }
  MAPSIM_ASSERT(false, "every op code is handled");
  return {};
}

ModelResult HashModel::lookup(const ModelOp& op) const {
  if (!chains_.contains(*op.key)) return result_of(kENOENT);
  if (!percpu()) return result_of(0, values_.at(*op.key));
  const Bytes& area = elements_.at(*op.key).area;
  if (op.caller == Caller::kSyscall) return result_of(0, area);
  return result_of(0, slots_.cpu_value(area, op.cpu));
}

int HashModel::update(const ModelOp& op) {
  return percpu() ? update_percpu(op) : update_shared(op);
}

// htab_map_update_elem(): BPF_F_LOCK is a known flag bit of HASH, but needs a spin lock.
int HashModel::update_shared(const ModelOp& op) {
  const uint64_t mode = op.flags & ~kElemLock;
  if (mode > kUpdateExist) return kEINVAL;
  if (op.flags & kElemLock) return kEINVAL;
  const Bytes& key = *op.key;
  const bool exists = chains_.contains(key);
  if (int error = existence_error(exists, mode)) return error;
  if (!exists && chains_.size() == info_.max_entries) return kE2BIG;
  // A new element goes to the head of the chain; the replaced one is unlinked.
  if (exists) chains_.erase(key);
  chains_.insert_head(key);
  values_[key] = op.value;
  return 0;
}

// __htab_percpu_map_update_elem(): in place for a present key, from the pool for a new one.
int HashModel::update_percpu(const ModelOp& op) {
  if (op.flags > kUpdateExist) return kEINVAL;
  const Bytes& key = *op.key;
  const bool exists = chains_.contains(key);
  if (int error = existence_error(exists, op.flags)) return error;
  const bool syscall = op.caller == Caller::kSyscall;
  if (exists) {
    Bytes& area = elements_.at(key).area;
    if (syscall) {
      slots_.write_from_syscall(area, op.value);
    } else {
      slots_.write_from_program(area, op.cpu, op.value);
    }
    return 0;
  }
  const bool full = chains_.size() == info_.max_entries;
  std::optional<PercpuElement> element = full ? std::nullopt : pool_.take(op.cpu);
  if (!element) return kE2BIG;
  if (syscall) {
    slots_.write_from_syscall(element->area, op.value);
  } else {
    slots_.init_from_program(element->area, op.cpu, op.value);
  }
  chains_.insert_head(key);
  elements_.emplace(key, std::move(*element));
  return 0;
}

// Delete and lookup_and_delete: the element leaves the chain; a per-CPU element goes back to
// the pool on this CPU.
ModelResult HashModel::remove(const ModelOp& op, bool return_value) {
  const Bytes& key = *op.key;
  if (!chains_.contains(key)) return result_of(kENOENT);
  ModelResult result;
  chains_.erase(key);
  if (!percpu()) {
    if (return_value) result.data = values_.at(key);
    values_.erase(key);
    return result;
  }
  auto element = elements_.extract(key);
  if (return_value) result.data = element.mapped().area;
  pool_.give_back(op.cpu, std::move(element.mapped()));
  return result;
}

void HashModel::hash_into(StateHasher& hasher) const {
  hasher.add(chains_);
  hasher.add(values_);
  hasher.add(elements_);
  hasher.add(pool_);
}

}  // namespace mapsim::reference
