// ForwardingBackendMap: a BackendMap that passes every call to another one. Canaries derive
// from it and override the one operation they break, so each canary states only its mutation.
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "scenarios/op_backend.h"

namespace mapsim::testing {

class ForwardingBackendMap : public BackendMap {
 public:
  explicit ForwardingBackendMap(std::unique_ptr<BackendMap> inner) : inner_(std::move(inner)) {}
  const MapInfo& info() const override { return inner_->info(); }
  size_t syscall_value_size() const override { return inner_->syscall_value_size(); }
  int lookup(Via via, int cpu, const Bytes& key, uint64_t flags, Bytes* value) override {
    return inner_->lookup(via, cpu, key, flags, value);
  }
  int update(Via via, int cpu, const Bytes& key, const Bytes& value, uint64_t flags) override {
    return inner_->update(via, cpu, key, value, flags);
  }
  int remove(Via via, int cpu, const Bytes& key) override {
    return inner_->remove(via, cpu, key);
  }
  int get_next_key(int cpu, const std::optional<Bytes>& key, Bytes* next_key) override {
    return inner_->get_next_key(cpu, key, next_key);
  }
  int lookup_and_delete(int cpu, const Bytes& key, uint64_t flags, Bytes* value) override {
    return inner_->lookup_and_delete(cpu, key, flags, value);
  }
  int batch(int cpu, const BatchRequest& request, BatchBuffers* buffers) override {
    return inner_->batch(cpu, request, buffers);
  }

 protected:
  BackendMap& inner() { return *inner_; }

 private:
  std::unique_ptr<BackendMap> inner_;
};

}  // namespace mapsim::testing
