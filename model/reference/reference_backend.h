// ReferenceBackend: runs op scripts (scenarios/op_runner.h) on the reference models, exactly as
// SimulatedBackend runs them on mapsim's maps and KernelBackend on the live kernel, so the
// three outputs compare line by line (tests/reference_model_test.cc).
//
// Every map is a MapModel (map_model.h). A program op that the kernel's verifier would refuse
// to load (a write to a BPF_F_RDONLY_PROG map, a value read from a BPF_F_WRONLY_PROG map)
// throws, which the runner prints as an error line, as it does for the kernel backend.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "model/reference/create_model.h"
#include "scenarios/op_backend.h"

namespace mapsim::reference {

class ReferenceBackend : public OpBackend {
 public:
  // REQUIRES: possible_cpus >= 1. `hash_seed`: see ModelOptions.
  explicit ReferenceBackend(int possible_cpus, uint32_t hash_seed = 0);

  std::string name() const override { return "model"; }
  int possible_cpus() const override { return options_.possible_cpus; }
  int create_map(int cpu, const MapAttr& attr, std::unique_ptr<BackendMap>* out) override;
  // The device maps of this backend check values against these ifindexes from now on; until
  // a devices line, the namespace holds loopback only ({1}).
  void declare_devices(const std::map<uint32_t, std::string>& devices) override;

 private:
  ModelOptions options_;
  /// The caller's network namespace, shared with every map (updated in place).
  std::shared_ptr<std::set<uint32_t>> devices_ = std::make_shared<std::set<uint32_t>>(
      std::set<uint32_t>{1});
};

}  // namespace mapsim::reference
