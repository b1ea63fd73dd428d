// WrappingBackend: an OpBackend whose maps are another backend's, each wrapped in `Wrapper` (a
// ForwardingBackendMap that breaks one operation). A canary's whole backend is then one line:
// the mutant map says what is broken, this says which backend it breaks.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "scenarios/op_backend.h"

namespace mapsim::testing {

template <class Wrapper>
class WrappingBackend : public OpBackend {
 public:
  // `name` is printed in diagnostics ("sim-without-reference-bit").
  WrappingBackend(std::string name, std::unique_ptr<OpBackend> inner)
      : name_(std::move(name)), inner_(std::move(inner)) {}
  std::string name() const override { return name_; }
  int possible_cpus() const override { return inner_->possible_cpus(); }
  int create_map(int cpu, const MapAttr& attr, std::unique_ptr<BackendMap>* out) override {
    std::unique_ptr<BackendMap> map;
    const int rc = inner_->create_map(cpu, attr, &map);
    if (rc == 0) *out = std::make_unique<Wrapper>(std::move(map));
    return rc;
  }
  void declare_devices(const std::map<uint32_t, std::string>& devices) override {
    inner_->declare_devices(devices);
  }

 private:
  std::string name_;
  std::unique_ptr<OpBackend> inner_;
};

}  // namespace mapsim::testing
