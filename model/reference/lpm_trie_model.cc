#include "model/reference/lpm_trie_model.h"

#include <algorithm>
#include <vector>

#include "impl/assert.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::reference {
namespace {

uint32_t prefixlen_of(const Bytes& key) {
  return uint32_t{key[0]} | uint32_t{key[1]} << 8 | uint32_t{key[2]} << 16 |
         uint32_t{key[3]} << 24;
}

// Bit `index` of the data: bit 7 - index % 8 of data byte index / 8.
bool data_bit(const Bytes& data, uint32_t index) {
  return (data[index / 8] >> (7 - index % 8)) & 1;
}

// Bit `index` of a key's data (after its 4-byte prefixlen).
bool key_bit(const Bytes& key, uint32_t index) {
  return (key[4 + index / 8] >> (7 - index % 8)) & 1;
}

// Whether the first `count` data bits of a key and of an identity's data agree.
bool leading_bits_match(const Bytes& key, const Bytes& data, uint32_t count) {
  for (uint32_t index = 0; index < count; ++index) {
    if (key_bit(key, index) != data_bit(data, index)) return false;
  }
  return true;
}

}  // namespace

LpmTrieModel::LpmTrieModel(const ModelInfo& info) : info_(info) {}

LpmTrieModel::Identity LpmTrieModel::identity_of(const Bytes& key) const {
  const uint32_t prefixlen = prefixlen_of(key);
  Bytes data(key.begin() + 4, key.end());
  for (uint32_t index = prefixlen; index < 8 * data.size(); ++index) {
    data[index / 8] &= static_cast<unsigned char>(~(1u << (7 - index % 8)));
  }
  return {prefixlen, data};
}

ModelResult LpmTrieModel::apply(const ModelOp& op) {
  switch (element_op_code(op.code)) {
    case ElementOpCode::kLookup:
      return lookup(*op.key);
    case ElementOpCode::kUpdate:
      return result_of(update(op));
    case ElementOpCode::kDelete:
      return result_of(remove(*op.key));
    case ElementOpCode::kGetNextKey:
      return next_key(op.key);
    case ElementOpCode::kLookupAndDelete:
      return result_of(kENOTSUPP);
  }
  MAPSIM_ASSERT(false, "every op code is handled");
  return {};
}

ModelResult LpmTrieModel::lookup(const Bytes& key) const {
  const uint32_t prefixlen = prefixlen_of(key);
  if (prefixlen > max_prefixlen()) return result_of(kENOENT);
  const Entry* best = nullptr;
  uint32_t best_prefixlen = 0;
  for (const auto& [identity, entry] : entries_) {
    if (identity.first > prefixlen || (best != nullptr && identity.first <= best_prefixlen)) {
      continue;
    }
    if (!leading_bits_match(key, identity.second, identity.first)) continue;
    best = &entry;
    best_prefixlen = identity.first;
  }
  return best == nullptr ? result_of(kENOENT) : result_of(0, best->value);
}

// trie_update_elem(): existence, then (for a new entry) BPF_EXIST, then capacity.
int LpmTrieModel::update(const ModelOp& op) {
  if (op.flags > kUpdateExist) return kEINVAL;
  if (prefixlen_of(*op.key) > max_prefixlen()) return kEINVAL;
  const Identity identity = identity_of(*op.key);
  const auto found = entries_.find(identity);
  if (found != entries_.end()) {
    if (op.flags == kUpdateNoExist) return kEEXIST;
    found->second = Entry{*op.key, op.value};
    return 0;
  }
  if (op.flags == kUpdateExist) return kENOENT;
  if (entries_.size() == info_.max_entries) return kENOSPC;
  entries_.emplace(identity, Entry{*op.key, op.value});
  return 0;
}

int LpmTrieModel::remove(const Bytes& key) {
  if (prefixlen_of(key) > max_prefixlen()) return kEINVAL;
  return entries_.erase(identity_of(key)) == 1 ? 0 : kENOENT;
}

ModelResult LpmTrieModel::next_key(const std::optional<Bytes>& key) const {
  // Post-order: descendants (longer prefixes with the same leading bits) before their
  // ancestor, the 0 side of the first differing bit before the 1 side.
  auto before = [](const Identity* left, const Identity* right) {
    const uint32_t common = std::min(left->first, right->first);
    for (uint32_t index = 0; index < common; ++index) {
      const bool left_bit = data_bit(left->second, index);
      if (left_bit != data_bit(right->second, index)) return !left_bit;
    }
    return left->first > right->first;
  };
  std::vector<const Identity*> order;
  for (const auto& [identity, entry] : entries_) order.push_back(&identity);
  std::sort(order.begin(), order.end(), before);
  if (order.empty()) return result_of(kENOENT);
  size_t next = 0;
  if (key && prefixlen_of(*key) <= max_prefixlen()) {
    const Identity identity = identity_of(*key);
    const auto position = std::find_if(order.begin(), order.end(),
                                       [&](const Identity* item) { return *item == identity; });
    if (position != order.end()) next = static_cast<size_t>(position - order.begin()) + 1;
  }
  if (next == order.size()) return result_of(kENOENT);
  return result_of(0, entries_.at(*order[next]).key);
}

void LpmTrieModel::hash_into(StateHasher& hasher) const {
  hasher.add(entries_.size());
  for (const auto& [identity, entry] : entries_) {
    hasher.add(identity.first);
    hasher.add(entry.key);
    hasher.add(entry.value);
  }
}

}  // namespace mapsim::reference
