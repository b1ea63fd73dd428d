// The network devices a DEVMAP update can name: the device table of the calling task's network
// namespace, which the kernel consults at update time (dev_get_by_index(current's net_ns,
// ifindex) in kernel/bpf/devmap.c; fact sheet 6.2).
//
// mapsim has no network stack, so a namespace is a table ifindex -> device name, explicit and
// deterministic. The calling thread's table is the one of its innermost NetDevicesBinding;
// without a binding it is the loopback-only table {1: "lo"}, what a fresh network namespace
// holds. Tables are immutable once bound: a binding points at a table that must outlive it.
//
// Only the ifindex matters to the maps (the name is for messages and for checking a declared
// table against a live kernel). Like the kernel's int ifindex, an index with the top bit set
// never names a device.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace mapsim {

class NetDeviceTable {
 public:
  using Devices = std::map<uint32_t, std::string>;

  // The loopback-only namespace: {1: "lo"}.
  NetDeviceTable();
  // REQUIRES: every ifindex is in 1 .. INT32_MAX.
  explicit NetDeviceTable(Devices devices);

  bool contains(uint32_t ifindex) const { return devices_.count(ifindex) != 0; }
  const Devices& devices() const { return devices_; }

 private:
  Devices devices_;
};

// The table of the calling thread's network namespace.
const NetDeviceTable& current_net_devices();

// Makes `table` the calling thread's namespace until destroyed (bindings nest; the innermost
// wins). REQUIRES: `table` outlives the binding.
class NetDevicesBinding {
 public:
  explicit NetDevicesBinding(const NetDeviceTable& table);
  ~NetDevicesBinding();
  NetDevicesBinding(const NetDevicesBinding&) = delete;
  NetDevicesBinding& operator=(const NetDevicesBinding&) = delete;

 private:
  const NetDeviceTable* previous_;
};

}  // namespace mapsim
