#include "model/reference/devmap_model.h"

#include "impl/assert.h"
#include "model/reference/array_model.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::reference {
namespace {

uint32_t u32_at(const Bytes& bytes, size_t at) {
  return uint32_t{bytes[at]} | uint32_t{bytes[at + 1]} << 8 | uint32_t{bytes[at + 2]} << 16 |
         uint32_t{bytes[at + 3]} << 24;
}

uint32_t ifindex_of(const Bytes& value) { return u32_at(value, 0); }

// The program fd of an 8-byte value (an int), 0 for a 4-byte value.
int32_t program_fd_of(const Bytes& value) {
  return value.size() < 8 ? 0 : static_cast<int32_t>(u32_at(value, 4));
}

}  // namespace

DevmapModel::DevmapModel(const ModelInfo& info, uint32_t n_buckets)
    : info_(info), chains_(n_buckets, 0, BucketFunction::kKeyAsIndex) {}

bool DevmapModel::hashed() const { return info_.type == kTypeDevmapHash; }

ModelResult DevmapModel::apply(const ModelOp& op) {
  switch (element_op_code(op.code)) {
    case ElementOpCode::kLookup:
      return lookup(op);
    case ElementOpCode::kUpdate:
      return result_of(hashed() ? update_hash(op) : update_array(op));
    case ElementOpCode::kDelete:
      return result_of(remove(op));
    case ElementOpCode::kGetNextKey:
      return hashed() ? chains_.next_key_result(op.key)
                      : array_index_next_key(op.key, info_.max_entries);
    case ElementOpCode::kLookupAndDelete:
      return result_of(kENOTSUPP);
  }
  MAPSIM_ASSERT(false, "every op code is handled");
  return {};
}

// __dev_map_alloc_node(): the device first, then the program.
int DevmapModel::check_value(const Bytes& value) const {
  if (devices_.count(ifindex_of(value)) == 0) return kEINVAL;
  if (program_fd_of(value) > 0) return kEINVAL;
  return 0;
}

// What a lookup reads back: the ifindex, and for 8-byte values the program id (none: 0).
Bytes DevmapModel::stored_value(const Bytes& value) const {
  Bytes stored(value.begin(), value.begin() + 4);
  stored.resize(info_.value_size, 0);
  return stored;
}

ModelResult DevmapModel::lookup(const ModelOp& op) const {
  if (hashed()) {
    const auto found = values_.find(*op.key);
    return found == values_.end() ? result_of(kENOENT) : result_of(0, found->second);
  }
  const auto found = slots_.find(u32_at(*op.key, 0));
  return found == slots_.end() ? result_of(kENOENT) : result_of(0, found->second);
}

// __dev_map_update_elem().
int DevmapModel::update_array(const ModelOp& op) {
  if (op.flags > kUpdateExist) return kEINVAL;
  const uint32_t index = u32_at(*op.key, 0);
  if (index >= info_.max_entries) return kE2BIG;
  if (op.flags == kUpdateNoExist) return kEEXIST;
  if (ifindex_of(op.value) == 0) {
    if (program_fd_of(op.value) > 0) return kEINVAL;
    slots_.erase(index);
    return 0;
  }
  if (int error = check_value(op.value)) return error;
  slots_[index] = stored_value(op.value);
  return 0;
}

// __dev_map_hash_update_elem().
int DevmapModel::update_hash(const ModelOp& op) {
  if (op.flags > kUpdateExist || ifindex_of(op.value) == 0) return kEINVAL;
  const Bytes& key = *op.key;
  const bool exists = chains_.contains(key);
  if (exists && op.flags == kUpdateNoExist) return kEEXIST;
  if (int error = check_value(op.value)) return error;
  if (!exists && chains_.size() >= info_.max_entries) return kE2BIG;
  if (exists) chains_.erase(key);
  chains_.insert_head(key);
  values_[key] = stored_value(op.value);
  return 0;
}

int DevmapModel::remove(const ModelOp& op) {
  if (hashed()) {
    if (!chains_.contains(*op.key)) return kENOENT;
    chains_.erase(*op.key);
    values_.erase(*op.key);
    return 0;
  }
  const uint32_t index = u32_at(*op.key, 0);
  if (index >= info_.max_entries) return kEINVAL;
  slots_.erase(index);
  return 0;
}

void DevmapModel::hash_into(StateHasher& hasher) const {
  hasher.add(std::vector<uint32_t>(devices_.begin(), devices_.end()));
  hasher.add(slots_);
  hasher.add(chains_);
  hasher.add(values_);
}

}  // namespace mapsim::reference
