// SimulatedBackend: runs op scripts on mapsim's own maps (impl/), instantiated on RealPlatform.
//
// One RealPlatform with the configured number of possible CPUs serves every map of a script.
// Each operation runs inside a RealPlatform::CpuBinding for the op's CPU, so per-CPU state
// (free lists, per-CPU values, LRU local lists) is the one the kernel would use on that CPU.
// Syscall ops go through mapsim::Map's syscall methods; via:"prog" ops through the program-side
// helpers (Map::prog_lookup / prog_update / prog_delete), inside an RCU read section as a BPF
// program runs.
// Network devices: operations run with the backend's device table as the calling thread's
// namespace (impl/net_devices.h): {1: "lo"} unless set_devices() or a script's devices line
// says otherwise.
#pragma once

#include <memory>
#include <string>

#include "impl/net_devices.h"
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
  // Replaces the device table for every later operation, of existing maps too.
  void declare_devices(const std::map<uint32_t, std::string>& devices) override;
  const NetDeviceTable& devices() const { return *devices_; }

 private:
  RealPlatform platform_;
  // Shared with the maps, which bind it around each operation; replaced, never changed.
  std::shared_ptr<const NetDeviceTable> devices_ = std::make_shared<const NetDeviceTable>();
};

}  // namespace mapsim
