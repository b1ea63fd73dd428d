// SimulatedBackend: runs op scripts on mapsim's own maps (impl/), instantiated on RealPlatform.
//
// One RealPlatform with the configured number of possible CPUs serves every map of a script.
// Each operation runs inside a RealPlatform::CpuBinding for the op's CPU, so per-CPU state
// (free lists, per-CPU values, LRU local lists) is the one the kernel would use on that CPU.
// Syscall ops go through mapsim::Map's syscall methods; via:"prog" ops through the program-side
// helpers (Map::prog_lookup / prog_update / prog_delete), inside an RCU read section as a BPF
// program runs.
#pragma once

#include <memory>
#include <string>

#include "impl/real_platform.h"
#include "scenarios/op_backend.h"

namespace mapsim {

class SimulatedBackend : public OpBackend {
 public:
  // REQUIRES: 1 <= possible_cpus <= RealPlatform::kMaxPossibleCpus.
  explicit SimulatedBackend(int possible_cpus);

  std::string name() const override { return "sim"; }
  int possible_cpus() const override { return platform_.possible_cpus(); }
  int create_map(int cpu, const MapAttr& attr, std::unique_ptr<BackendMap>* out) override;

 private:
  RealPlatform platform_;
};

}  // namespace mapsim
