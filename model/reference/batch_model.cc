#include "model/reference/batch_model.h"

#include "impl/assert.h"
#include "model/reference/hash_chains.h"
#include "model/reference/map_model.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::reference {
namespace {

enum class BatchKind { kNone, kGeneric, kBuckets };

bool is_hash_family(uint32_t type) {
  return type == kTypeHash || type == kTypePercpuHash || type == kTypeLruHash ||
         type == kTypeLruPercpuHash;
}

// BATCH_OPS() of each type's map_ops.
BatchKind batch_kind(uint32_t type, OpCode code) {
  const bool lookup = code == OpCode::kLookupBatch;
  const bool lookup_and_delete = code == OpCode::kLookupAndDeleteBatch;
  if (is_hash_family(type)) {
    return lookup || lookup_and_delete ? BatchKind::kBuckets : BatchKind::kGeneric;
  }
  if (type == kTypeArray || type == kTypePercpuArray) {
    return lookup || code == OpCode::kUpdateBatch ? BatchKind::kGeneric : BatchKind::kNone;
  }
  if (type == kTypeLpmTrie) return lookup_and_delete ? BatchKind::kNone : BatchKind::kGeneric;
  return BatchKind::kNone;
}

// An element op of the batch, on the batch's CPU through the syscall path.
ModelResult element_op(MapModel& map, const ModelOp& batch, OpCode code,
                       std::optional<Bytes> key, Bytes value = {}, uint64_t flags = 0) {
  ModelOp op;
  op.code = code;
  op.cpu = batch.cpu;
  op.key = std::move(key);
  op.value = std::move(value);
  op.flags = flags;
  return map.apply(op);
}

// An early error: count and out_batch stay as they were.
ModelResult early(int rc, const ModelOp& op) {
  ModelResult result;
  result.rc = rc;
  result.count = op.count;
  return result;
}

// generic_map_update_batch() / generic_map_delete_batch().
ModelResult generic_write(MapModel& map, const ModelOp& op) {
  if (op.elem_flags != 0) return early(kEINVAL, op);
  ModelResult result = early(0, op);
  if (op.count == 0) return result;
  const bool update = op.code == OpCode::kUpdateBatch;
  MAPSIM_ASSERT(op.keys.size() >= op.count, "REQUIRES: count keys");
  MAPSIM_ASSERT(!update || op.values.size() >= op.count, "REQUIRES: count values");
  for (result.count = 0; result.count < op.count; ++result.count) {
    const Bytes& key = op.keys[result.count];
    result.rc = update ? element_op(map, op, OpCode::kUpdate, key, op.values[result.count],
                                    op.elem_flags).rc
                       : element_op(map, op, OpCode::kDelete, key).rc;
    if (result.rc != 0) break;
  }
  return result;
}

// generic_map_lookup_batch().
ModelResult generic_lookup(MapModel& map, const ModelOp& op) {
  if (op.elem_flags != 0) return early(kEINVAL, op);
  ModelResult result = early(0, op);
  if (op.count == 0) return result;
  std::optional<Bytes> previous = op.in_batch;
  while (result.keys.size() < op.count) {
    ModelResult next = element_op(map, op, OpCode::kGetNextKey, previous);
    if (next.rc != 0) {
      result.rc = next.rc;
      break;
    }
    ModelResult value = element_op(map, op, OpCode::kLookup, next.data);
    if (value.rc != 0 && value.rc != kENOENT) {  // not written back at all
      ModelResult failed = early(value.rc, op);
      failed.count = 0;
      return failed;
    }
    if (value.rc == 0) {
      result.keys.push_back(next.data);
      result.values.push_back(std::move(value.data));
    }
    previous = std::move(next.data);
  }
  result.count = static_cast<uint32_t>(result.keys.size());
  if (result.count > 0) result.out_batch = previous;
  return result;
}

Bytes bucket_token(uint32_t bucket) {
  return Bytes{static_cast<unsigned char>(bucket), static_cast<unsigned char>(bucket >> 8),
               static_cast<unsigned char>(bucket >> 16), static_cast<unsigned char>(bucket >> 24)};
}

// Copies (and with lookup_and_delete deletes) one bucket's keys.
void take_bucket(MapModel& map, const ModelOp& op, const std::vector<Bytes>& keys,
                 ModelResult* result) {
  for (const Bytes& key : keys) {
    ModelResult value = element_op(map, op, OpCode::kLookup, key);
    MAPSIM_ASSERT(value.rc == 0, "a key of a chain is in the map");
    result->keys.push_back(key);
    result->values.push_back(std::move(value.data));
  }
  if (op.code != OpCode::kLookupAndDeleteBatch) return;
  // Unlinked while walking the chain, collected on node_to_free (newest first) and freed after
  // the bucket lock is dropped: the chain's last key is freed first.
  for (auto key = keys.rbegin(); key != keys.rend(); ++key) {
    const int rc = element_op(map, op, OpCode::kDelete, *key).rc;
    MAPSIM_ASSERT(rc == 0, "each copied key is deleted once");
  }
}

// __htab_map_lookup_and_delete_batch().
ModelResult bucket_lookup(MapModel& map, const ModelOp& op) {
  if (op.elem_flags != 0 || op.flags != 0) return early(kEINVAL, op);
  ModelResult result = early(0, op);
  if (op.count == 0) return result;
  result.count = 0;
  const HashChains& chains = *map.hash_chains();
  uint32_t bucket = 0;
  if (op.in_batch) {
    const Bytes& token = *op.in_batch;
    bucket = uint32_t{token[0]} | uint32_t{token[1]} << 8 | uint32_t{token[2]} << 16 |
             uint32_t{token[3]} << 24;
  }
  if (bucket >= chains.n_buckets()) {
    result.rc = kENOENT;
    return result;
  }
  for (;;) {
    const std::vector<Bytes> keys = chains.chain(bucket);
    if (keys.size() > op.count - result.keys.size()) {
      if (result.keys.empty()) result.rc = kENOSPC;
      break;
    }
    take_bucket(map, op, keys, &result);
    if (++bucket >= chains.n_buckets()) {
      result.rc = kENOENT;
      break;
    }
  }
  result.count = static_cast<uint32_t>(result.keys.size());
  result.out_batch = bucket_token(bucket);
  return result;
}

}  // namespace

ModelResult apply_batch(MapModel& map, const ModelOp& op) {
  MAPSIM_ASSERT(is_batch(op.code), "REQUIRES: a batch op");
  switch (batch_kind(map.info().type, op.code)) {
    case BatchKind::kNone:
      return early(kENOTSUPP, op);
    case BatchKind::kBuckets:
      return bucket_lookup(map, op);
    case BatchKind::kGeneric:
      break;
  }
  if (op.code == OpCode::kLookupBatch) return generic_lookup(map, op);
  return generic_write(map, op);
}

}  // namespace mapsim::reference
