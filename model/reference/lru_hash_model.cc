#include "model/reference/lru_hash_model.h"

#include "impl/assert.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::reference {

// The LRU's del_from_htab: the key of an evicted node leaves the table.
class LruHashModel::TableEvictor final : public LruEvictor {
 public:
  explicit TableEvictor(LruHashModel& map) : map_(map) {}
  void evict(uint32_t node) override {
    const Bytes key = map_.key_of_node_[node];
    MAPSIM_ASSERT(!key.empty(), "an evicted node holds a key");
    map_.unlink(key);
  }

 private:
  LruHashModel& map_;
};

LruHashModel::LruHashModel(const ModelInfo& info, int possible_cpus, uint32_t n_buckets,
                           uint32_t seed)
    : info_(info),
      slots_(info.value_size, possible_cpus),
      chains_(n_buckets, seed),
      lru_(info.max_entries, possible_cpus, (info.map_flags & kNoCommonLru) != 0),
      key_of_node_(info.max_entries),
      value_of_node_(info.max_entries,
                     info.type == kTypeLruPercpuHash ? slots_.zero_area() : Bytes{}) {}

bool LruHashModel::percpu() const { return info_.type == kTypeLruPercpuHash; }

std::optional<uint32_t> LruHashModel::node_of_key(const Bytes& key) const {
  const auto found = node_of_key_.find(key);
  if (found == node_of_key_.end()) return std::nullopt;
  return found->second;
}

ModelResult LruHashModel::apply(const ModelOp& op) {
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

ModelResult LruHashModel::lookup(const ModelOp& op) {
  const std::optional<uint32_t> node = node_of_key(*op.key);
  if (!node) return result_of(kENOENT);
  if (op.caller == Caller::kSyscall) return result_of(0, value_of_node_[*node]);
  lru_.set_ref(*node);  // a program lookup marks the key as used
  if (!percpu()) return result_of(0, value_of_node_[*node]);
  return result_of(0, slots_.cpu_value(value_of_node_[*node], op.cpu));
}

int LruHashModel::update(const ModelOp& op) {
  if (op.flags > kUpdateExist) return kEINVAL;
  return percpu() ? update_percpu(op) : update_shared(op);
}

// htab_lru_map_update_elem().
int LruHashModel::update_shared(const ModelOp& op) {
  TableEvictor evictor(*this);
  const std::optional<uint32_t> fresh = lru_.pop(op.cpu, evictor);
  if (!fresh) return kENOMEM;
  const Bytes& key = *op.key;
  const std::optional<uint32_t> old = node_of_key(key);
  if ((old && op.flags == kUpdateNoExist) || (!old && op.flags == kUpdateExist)) {
    lru_.push(*fresh);
    return old ? kEEXIST : kENOENT;
  }
  if (old) unlink(key);
  insert(key, *fresh);
  value_of_node_[*fresh] = op.value;
  if (old) {
    lru_.set_ref(*fresh);  // a replaced key counts as used
    lru_.push(*old);
  }
  return 0;
}

// __htab_lru_percpu_map_update_elem().
int LruHashModel::update_percpu(const ModelOp& op) {
  std::optional<uint32_t> fresh;
  if (op.flags != kUpdateExist) {
    TableEvictor evictor(*this);
    fresh = lru_.pop(op.cpu, evictor);
    if (!fresh) return kENOMEM;
  }
  const Bytes& key = *op.key;
  const std::optional<uint32_t> old = node_of_key(key);
  int error = 0;
  if (old && op.flags == kUpdateNoExist) error = kEEXIST;
  if (!old && op.flags == kUpdateExist) error = kENOENT;
  if (error == 0 && old) {
    lru_.set_ref(*old);
    write_value(*old, op, /*new_element=*/false);
  } else if (error == 0) {
    write_value(*fresh, op, /*new_element=*/true);
    insert(key, *fresh);
    fresh.reset();
  }
  if (fresh) lru_.push(*fresh);  // popped but not used
  return error;
}

// pcpu_copy_value() / pcpu_init_value().
void LruHashModel::write_value(uint32_t node, const ModelOp& op, bool new_element) {
  Bytes& area = value_of_node_[node];
  if (op.caller == Caller::kSyscall) {
    slots_.write_from_syscall(area, op.value);
  } else if (new_element) {
    slots_.init_from_program(area, op.cpu, op.value);
  } else {
    slots_.write_from_program(area, op.cpu, op.value);
  }
}

void LruHashModel::insert(const Bytes& key, uint32_t node) {
  chains_.insert_head(key);
  node_of_key_[key] = node;
  key_of_node_[node] = key;
}

// The key leaves the table; its node keeps its LRU place until someone pushes it.
uint32_t LruHashModel::unlink(const Bytes& key) {
  const uint32_t node = node_of_key_.at(key);
  chains_.erase(key);
  node_of_key_.erase(key);
  key_of_node_[node].clear();
  if (!percpu()) value_of_node_[node].clear();
  return node;
}

ModelResult LruHashModel::remove(const ModelOp& op, bool return_value) {
  const std::optional<uint32_t> node = node_of_key(*op.key);
  if (!node) return result_of(kENOENT);
  ModelResult result;
  if (return_value) result.data = value_of_node_[*node];
  unlink(*op.key);
  lru_.push(*node);
  return result;
}

void LruHashModel::hash_into(StateHasher& hasher) const {
  hasher.add(chains_);
  hasher.add(lru_);
  hasher.add(key_of_node_);
  hasher.add(value_of_node_);
}

}  // namespace mapsim::reference
