#include "model/reference/map_model.h"

#include <utility>

#include "impl/assert.h"
#include "model/reference/batch_model.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::reference {

MapModel::MapModel(const ModelInfo& info, int possible_cpus, uint32_t fd_flags,
                   MapFamilyModel family)
    : info_(info),
      possible_cpus_(possible_cpus),
      fd_readable_((fd_flags & kWronly) == 0),
      fd_writable_((fd_flags & kRdonly) == 0),
      family_(std::move(family)) {}

size_t MapModel::syscall_value_size() const {
  const bool percpu = info_.type == kTypePercpuHash || info_.type == kTypeLruPercpuHash ||
                      info_.type == kTypePercpuArray;
  if (!percpu) return info_.value_size;
  return round_up_8(info_.value_size) * static_cast<size_t>(possible_cpus_);
}

bool MapModel::program_refused(OpCode code) const {
  if (info_.type == kTypeBloomFilter) return true;  // programs push and peek instead
  if (code == OpCode::kLookup) return (info_.map_flags & kWronlyProg) != 0;
  return (info_.map_flags & kRdonlyProg) != 0;  // update, delete
}

// kernel/bpf/syscall.c, before the map type's own code runs.
int MapModel::syscall_layer_error(const ModelOp& op) const {
  switch (op.code) {
    case OpCode::kLookup:
      if (op.flags & ~kElemLock) return kEINVAL;
      if (!fd_readable_) return kEPERM;
      return (op.flags & kElemLock) ? kEINVAL : 0;
    case OpCode::kUpdate:
      if (!fd_writable_) return kEPERM;
      return (op.flags & kElemLock) ? kEINVAL : 0;
    case OpCode::kDelete:
      return fd_writable_ ? 0 : kEPERM;
    case OpCode::kGetNextKey:
      return fd_readable_ ? 0 : kEPERM;
    case OpCode::kLookupAndDelete:
      if (op.flags & ~kElemLock) return kEINVAL;
      if (!fd_readable_ || !fd_writable_) return kEPERM;
      return (op.flags & kElemLock) ? kEINVAL : 0;
    // bpf_map_do_batch(): read for lookups, write for the others, both for lookup_and_delete.
    case OpCode::kLookupBatch:
      return fd_readable_ ? 0 : kEPERM;
    case OpCode::kLookupAndDeleteBatch:
      return fd_readable_ && fd_writable_ ? 0 : kEPERM;
    case OpCode::kUpdateBatch:
    case OpCode::kDeleteBatch:
      return fd_writable_ ? 0 : kEPERM;
  }
  MAPSIM_ASSERT(false, "every op code is handled");
  return 0;
}

ModelResult MapModel::apply(const ModelOp& op) {
  MAPSIM_ASSERT(op.cpu >= 0 && op.cpu < possible_cpus_, "REQUIRES: a possible CPU");
  if (!is_batch(op.code)) {
    MAPSIM_ASSERT(op.key || op.code == OpCode::kGetNextKey, "REQUIRES: a key");
    MAPSIM_ASSERT(!op.key || op.key->size() == info_.key_size, "REQUIRES: key_size bytes");
  }
  if (op.code == OpCode::kUpdate) {
    const size_t value_bytes =
        op.caller == Caller::kProgram ? info_.value_size : syscall_value_size();
    MAPSIM_ASSERT(op.value.size() == value_bytes, "REQUIRES: a whole value");
  }
  if (op.caller == Caller::kSyscall) {
    if (int error = syscall_layer_error(op)) {
      ModelResult result = result_of(error);
      result.count = op.count;  // a batch's count is left as passed
      return result;
    }
  } else {
    MAPSIM_ASSERT(op.code == OpCode::kLookup || op.code == OpCode::kUpdate ||
                      op.code == OpCode::kDelete,
                  "programs look up, update and delete");
    MAPSIM_ASSERT(!program_refused(op.code), "REQUIRES: a program the verifier loads");
  }
  if (is_batch(op.code)) {
    MAPSIM_ASSERT(op.caller == Caller::kSyscall, "batches are syscall commands");
    return apply_batch(*this, op);
  }
  ModelResult result = std::visit([&](auto& family) { return family.apply(op); }, family_);
  if (result.rc != 0) result.data.clear();
  return result;
}

void MapModel::set_devices(const std::set<uint32_t>& ifindexes) {
  if (auto* devmap = std::get_if<DevmapModel>(&family_)) devmap->set_devices(ifindexes);
}

const HashChains* MapModel::hash_chains() const {
  if (const auto* hash = std::get_if<HashModel>(&family_)) return &hash->chains();
  if (const auto* lru = std::get_if<LruHashModel>(&family_)) return &lru->chains();
  return nullptr;
}

uint64_t MapModel::hash() const {
  StateHasher hasher;
  hasher.add(family_.index());
  std::visit([&](const auto& family) { family.hash_into(hasher); }, family_);
  return hasher.value();
}

}  // namespace mapsim::reference
