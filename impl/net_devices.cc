#include "impl/net_devices.h"

#include <cstdint>
#include <utility>

#include "impl/assert.h"

namespace mapsim {
namespace {

constexpr uint32_t kLoopbackIfindex = 1;

thread_local const NetDeviceTable* bound_table = nullptr;

}  // namespace

NetDeviceTable::NetDeviceTable() : devices_{{kLoopbackIfindex, "lo"}} {}

NetDeviceTable::NetDeviceTable(Devices devices) : devices_(std::move(devices)) {
  for (const auto& [ifindex, name] : devices_) {
    MAPSIM_ASSERT(ifindex != 0, "ifindex 0 names no device");
    MAPSIM_ASSERT(ifindex <= INT32_MAX, "the kernel's ifindex is a positive int");
  }
}

const NetDeviceTable& current_net_devices() {
  static const NetDeviceTable loopback_only;
  return bound_table != nullptr ? *bound_table : loopback_only;
}

NetDevicesBinding::NetDevicesBinding(const NetDeviceTable& table) : previous_(bound_table) {
  bound_table = &table;
}

NetDevicesBinding::~NetDevicesBinding() { bound_table = previous_; }

}  // namespace mapsim
