#include "scenarios/simulated_backend.h"

#include <cstdint>
#include <utility>
#include <vector>

#include "impl/assert.h"
#include "impl/create_map.h"
#include "impl/map.h"
#include "impl/program_access.h"
#include "impl/uapi.h"

namespace mapsim {
namespace {

// A key pointer as the syscall passes it: maps without keys (key_size 0, bloom filters) get
// NULL, which is what userspace passes for them.
const void* key_pointer(const Bytes& key) { return key.empty() ? nullptr : key.data(); }

// Runs one operation as the calling task would: bound to its CPU and network namespace.
class OperationContext {
 public:
  OperationContext(RealPlatform& platform, int cpu, const NetDeviceTable& devices)
      : cpu_(platform, cpu), devices_(devices) {}

 private:
  RealPlatform::CpuBinding cpu_;
  NetDevicesBinding devices_;
};

class SimulatedMap : public BackendMap {
 public:
  SimulatedMap(RealPlatform& platform, std::unique_ptr<Map> map,
               const std::shared_ptr<const NetDeviceTable>& devices)
      : platform_(platform), map_(std::move(map)), devices_(devices) {}

  ~SimulatedMap() override {
    // Freeing a map may defer frees through RCU: do it as a registered CPU would.
    RealPlatform::CpuBinding binding(platform_, 0);
    map_.reset();
  }

  const MapInfo& info() const override { return map_->info(); }
  size_t syscall_value_size() const override { return map_->syscall_value_size(); }

  int lookup(Via via, int cpu, const Bytes& key, uint64_t flags, Bytes* value) override {
    OperationContext context(platform_, cpu, *devices_);
    if (via == Via::kProgram) {
      if (int refused = verifier_refusal(info(), ProgramHelper::kLookup)) return refused;
      return prog_lookup(key, value);
    }
    // Kept, not cleared: a BLOOM_FILTER lookup tests the bytes the caller put there.
    value->resize(map_->syscall_value_size());
    return map_->lookup_elem(key_pointer(key), value->data(), flags);
  }

  int update(Via via, int cpu, const Bytes& key, const Bytes& value, uint64_t flags) override {
    OperationContext context(platform_, cpu, *devices_);
    if (via == Via::kProgram) {
      if (int refused = verifier_refusal(info(), ProgramHelper::kUpdate)) return refused;
      return prog_update(key, value, flags);
    }
    return map_->update_elem(key_pointer(key), value.data(), flags);
  }

  int remove(Via via, int cpu, const Bytes& key) override {
    OperationContext context(platform_, cpu, *devices_);
    if (via == Via::kProgram) {
      if (int refused = verifier_refusal(info(), ProgramHelper::kDelete)) return refused;
      RcuReadGuard<RealPlatform> rcu(platform_);
      return map_->prog_delete(key_pointer(key));
    }
    return map_->delete_elem(key_pointer(key));
  }

  int get_next_key(int cpu, const std::optional<Bytes>& key, Bytes* next_key) override {
    OperationContext context(platform_, cpu, *devices_);
    next_key->assign(map_->key_size(), 0);
    return map_->get_next_key(key ? key_pointer(*key) : nullptr, next_key->data());
  }

  int lookup_and_delete(int cpu, const Bytes& key, uint64_t flags, Bytes* value) override {
    OperationContext context(platform_, cpu, *devices_);
    value->assign(map_->syscall_value_size(), 0);
    return map_->lookup_and_delete_elem(key_pointer(key), value->data(), flags);
  }

  int batch(int cpu, const BatchRequest& request, BatchBuffers* buffers) override {
    OperationContext context(platform_, cpu, *devices_);
    const BatchOptions options{request.elem_flags, request.flags};
    const void* in_batch = request.in_batch ? request.in_batch->data() : nullptr;
    void* out_batch = buffers->out_batch.data();
    void* keys = buffers->keys.data();
    void* values = buffers->values.data();
    uint32_t* count = &buffers->count;
    switch (request.op) {
      case BatchOp::kLookup:
        return map_->lookup_batch(in_batch, out_batch, keys, values, count, options);
      case BatchOp::kLookupAndDelete:
        return map_->lookup_and_delete_batch(in_batch, out_batch, keys, values, count, options);
      case BatchOp::kUpdate: return map_->update_batch(keys, values, count, options);
      case BatchOp::kDelete: return map_->delete_batch(keys, count, options);
    }
    MAPSIM_ASSERT(false, "every batch op is handled");
    return 0;
  }

 private:
  // The helper returns a pointer into the map: copy value_size bytes while the RCU read
  // section still keeps the element alive. NULL is -ENOENT (spec/op-script.md).
  int prog_lookup(const Bytes& key, Bytes* value) {
    RcuReadGuard<RealPlatform> rcu(platform_);
    const void* live = map_->prog_lookup(key_pointer(key));
    if (live == nullptr) return bpf::kENOENT;
    value->assign(map_->value_size(), 0);
    RealPlatform::copy_racy(value->data(), live, value->size());
    return 0;
  }

  // A program passes its value from the BPF stack: 8-byte aligned, and the kernel may read the
  // whole rounded-up last word (per-CPU copies move 8-byte words), so pad with zeros.
  int prog_update(const Bytes& key, const Bytes& value, uint64_t flags) {
    MAPSIM_ASSERT(value.size() == map_->value_size(), "the runner checked the value length");
    std::vector<uint64_t> aligned(bpf::round_up(value.size(), 8) / 8, 0);
    if (!value.empty()) RealPlatform::copy_racy(aligned.data(), value.data(), value.size());
    RcuReadGuard<RealPlatform> rcu(platform_);
    return map_->prog_update(key_pointer(key), aligned.data(), flags);
  }

  RealPlatform& platform_;
  std::unique_ptr<Map> map_;
  // The backend's table slot: declare_devices() replaces what it points at.
  const std::shared_ptr<const NetDeviceTable>& devices_;
};

}  // namespace

SimulatedBackend::SimulatedBackend(int possible_cpus) : platform_(possible_cpus) {}

int SimulatedBackend::create_map(int cpu, const MapAttr& attr,
                                 std::unique_ptr<BackendMap>* out) {
  OperationContext context(platform_, cpu, *devices_);
  std::unique_ptr<Map> map;
  const int rc = mapsim::create_map(platform_, attr, &map);
  if (rc != 0) return rc;
  MAPSIM_ASSERT(map != nullptr, "create_map succeeded, so it made a map");
  *out = std::make_unique<SimulatedMap>(platform_, std::move(map), devices_);
  return 0;
}

void SimulatedBackend::declare_devices(const std::map<uint32_t, std::string>& devices) {
  devices_ = std::make_shared<const NetDeviceTable>(devices);
}

}  // namespace mapsim
