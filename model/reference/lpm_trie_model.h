// LpmTrieModel: the reference model of BPF_MAP_TYPE_LPM_TRIE (fact sheet 8) as a plain list
// of entries, without a trie.
//
// A key is a u32 prefixlen (little-endian) followed by data bytes, read as a big-endian bit
// string. An entry is identified by its prefixlen and its first prefixlen bits; the bits after
// them are stored too (the latest update's), and get_next_key returns them.
// - lookup: prefixlen > max_prefixlen (8 x data bytes) -> ENOENT; else the value of the longest
//   entry whose prefixlen is at most the key's and whose bits match the key's leading bits;
//   none -> ENOENT (longest-prefix match, not exact match);
// - update: flags > BPF_EXIST -> EINVAL; prefixlen > max -> EINVAL; the exact entry present:
//   BPF_NOEXIST -> EEXIST, else replaced (value and stored bits); absent: BPF_EXIST -> ENOENT,
//   a full map (max_entries entries) -> ENOSPC, else inserted;
// - delete: prefixlen > max -> EINVAL; the exact entry absent -> ENOENT;
// - get_next_key walks the trie's post-order (child 0, child 1, node): entry a comes before b
//   when their bits first differ at a position where a has 0, or when b's bits are a proper
//   prefix of a's. A missing key, NULL or prefixlen > max restarts at the first entry; the
//   last one -> ENOENT; an empty trie -> ENOENT;
// - lookup_and_delete -> ENOTSUPP; batches are the generic ones (batch_model.h); programs
//   look up, update and delete exactly like the syscall.
// Left out: the trie lock's failures, allocation failures (ENOMEM).
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include "model/reference/model_op.h"
#include "model/reference/state_hasher.h"

namespace mapsim::reference {

class LpmTrieModel {
 public:
  // REQUIRES: `info` passed the LPM trie creation checks (create_model.h).
  explicit LpmTrieModel(const ModelInfo& info);

  ModelResult apply(const ModelOp& op);

  bool operator==(const LpmTrieModel&) const = default;
  void hash_into(StateHasher& hasher) const;

 private:
  // (prefixlen, the key's data with every bit after prefixlen cleared).
  using Identity = std::pair<uint32_t, Bytes>;
  struct Entry {
    Bytes key;    ///< as last written: prefixlen and every data byte
    Bytes value;

    bool operator==(const Entry&) const = default;
  };

  uint32_t max_prefixlen() const { return 8 * (info_.key_size - 4); }
  Identity identity_of(const Bytes& key) const;
  ModelResult lookup(const Bytes& key) const;
  int update(const ModelOp& op);
  int remove(const Bytes& key);
  ModelResult next_key(const std::optional<Bytes>& key) const;

  ModelInfo info_;
  std::map<Identity, Entry> entries_;
};

}  // namespace mapsim::reference
