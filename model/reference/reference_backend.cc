#include "model/reference/reference_backend.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "impl/assert.h"
#include "impl/uapi.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::reference {
namespace {

static_assert(kNotModelled == bpf::kENOSYS,
              "the op runner tells 'not modelled' from kernel verdicts by bpf::kENOSYS");

// One map of a script: a MapModel behind the BackendMap interface.
class ReferenceMap : public BackendMap {
 public:
  ReferenceMap(MapModel model, std::shared_ptr<const std::set<uint32_t>> devices)
      : model_(std::move(model)), devices_(std::move(devices)) {
    const ModelInfo& info = model_.info();
    info_.map_type = info.type;
    info_.key_size = info.key_size;
    info_.value_size = info.value_size;
    info_.max_entries = info.max_entries;
    info_.map_flags = info.map_flags;
    info_.map_extra = info.map_extra;
  }

  const MapInfo& info() const override { return info_; }
  size_t syscall_value_size() const override { return model_.syscall_value_size(); }

  // *value comes in as the caller's buffer: the item a bloom filter's lookup tests.
  int lookup(Via via, int cpu, const Bytes& key, uint64_t flags, Bytes* value) override {
    const Bytes item = via == Via::kSyscall ? *value : Bytes{};
    return run(OpCode::kLookup, via, cpu, key, item, flags, value);
  }
  int update(Via via, int cpu, const Bytes& key, const Bytes& value, uint64_t flags) override {
    return run(OpCode::kUpdate, via, cpu, key, value, flags, nullptr);
  }
  int remove(Via via, int cpu, const Bytes& key) override {
    return run(OpCode::kDelete, via, cpu, key, {}, 0, nullptr);
  }
  int get_next_key(int cpu, const std::optional<Bytes>& key, Bytes* next_key) override {
    return run(OpCode::kGetNextKey, Via::kSyscall, cpu, key, {}, 0, next_key);
  }
  int lookup_and_delete(int cpu, const Bytes& key, uint64_t flags, Bytes* value) override {
    return run(OpCode::kLookupAndDelete, Via::kSyscall, cpu, key, {}, flags, value);
  }
  int batch(int cpu, const BatchRequest& request, BatchBuffers* buffers) override;

 private:
  int run(OpCode code, Via via, int cpu, const std::optional<Bytes>& key, const Bytes& value,
          uint64_t flags, Bytes* output) {
    ModelOp op;
    op.code = code;
    op.caller = via == Via::kProgram ? Caller::kProgram : Caller::kSyscall;
    op.cpu = cpu;
    op.key = key;
    op.value = value;
    // Flags of a program lookup are not the helper's: there is no flags argument.
    op.flags = (op.caller == Caller::kProgram && code == OpCode::kLookup) ? 0 : flags;
    // The verifier refuses the program at load time: the operation never reaches the map.
    if (op.caller == Caller::kProgram && model_.program_refused(code)) return kEACCES;
    model_.set_devices(*devices_);
    ModelResult result = model_.apply(op);
    if (output != nullptr) *output = std::move(result.data);
    return result.rc;
  }

  MapModel model_;
  std::shared_ptr<const std::set<uint32_t>> devices_;
  MapInfo info_;
};

OpCode batch_code(BatchOp op) {
  switch (op) {
    case BatchOp::kLookup:
      return OpCode::kLookupBatch;
    case BatchOp::kLookupAndDelete:
      return OpCode::kLookupAndDeleteBatch;
    case BatchOp::kUpdate:
      return OpCode::kUpdateBatch;
    case BatchOp::kDelete:
      return OpCode::kDeleteBatch;
  }
  MAPSIM_ASSERT(false, "every batch op is handled");
  return OpCode::kLookupBatch;
}

// `count` entries of `size` bytes from a flat buffer.
std::vector<Bytes> split_entries(const Bytes& flat, size_t size, uint32_t count) {
  std::vector<Bytes> entries;
  for (size_t index = 0; index < count && (index + 1) * size <= flat.size(); ++index) {
    const auto first = flat.begin() + static_cast<std::ptrdiff_t>(index * size);
    entries.emplace_back(first, first + static_cast<std::ptrdiff_t>(size));
  }
  return entries;
}

// Writes entries one after another into a flat buffer, as the kernel copies them out.
void join_entries(const std::vector<Bytes>& entries, Bytes* flat) {
  size_t at = 0;
  for (const Bytes& entry : entries) {
    MAPSIM_ASSERT(at + entry.size() <= flat->size(), "the caller made room for every entry");
    std::copy(entry.begin(), entry.end(), flat->begin() + static_cast<std::ptrdiff_t>(at));
    at += entry.size();
  }
}

int ReferenceMap::batch(int cpu, const BatchRequest& request, BatchBuffers* buffers) {
  ModelOp op;
  op.code = batch_code(request.op);
  op.cpu = cpu;
  op.in_batch = request.in_batch;
  op.count = request.count;
  op.elem_flags = request.elem_flags;
  op.flags = request.flags;
  if (op.code == OpCode::kUpdateBatch || op.code == OpCode::kDeleteBatch) {
    op.keys = split_entries(buffers->keys, info_.key_size, request.count);
    op.values = split_entries(buffers->values, model_.syscall_value_size(), request.count);
  }
  model_.set_devices(*devices_);
  ModelResult result = model_.apply(op);
  buffers->count = result.count;
  if (result.out_batch) buffers->out_batch = *result.out_batch;
  join_entries(result.keys, &buffers->keys);
  join_entries(result.values, &buffers->values);
  return result.rc;
}

CreateRequest request_of(const MapAttr& attr) {
  CreateRequest request;
  request.type = attr.map_type;
  request.key_size = attr.key_size;
  request.value_size = attr.value_size;
  request.max_entries = attr.max_entries;
  request.map_flags = attr.map_flags;
  request.numa_node = attr.numa_node;
  request.map_extra = attr.map_extra;
  request.name = attr.name;
  return request;
}

}  // namespace

ReferenceBackend::ReferenceBackend(int possible_cpus, uint32_t hash_seed) {
  MAPSIM_ASSERT(possible_cpus >= 1, "REQUIRES: at least one CPU");
  options_.possible_cpus = possible_cpus;
  options_.hash_seed = hash_seed;
}

// The CPU a map is created on makes no difference to the models: the only per-CPU effect of
// creation, HASH's extra elements, cannot be seen (hash_model.h).
int ReferenceBackend::create_map(int, const MapAttr& attr, std::unique_ptr<BackendMap>* out) {
  std::optional<MapModel> model;
  const int rc = create_map_model(request_of(attr), options_, &model);
  if (rc == 0) *out = std::make_unique<ReferenceMap>(std::move(*model), devices_);
  return rc;
}

void ReferenceBackend::declare_devices(const std::map<uint32_t, std::string>& devices) {
  devices_->clear();
  for (const auto& [ifindex, name] : devices) devices_->insert(ifindex);
}

}  // namespace mapsim::reference
