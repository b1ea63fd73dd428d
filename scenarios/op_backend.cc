// The optional parts of the backend interface (scenarios/op_backend.h).
#include "scenarios/op_backend.h"

#include <stdexcept>

namespace mapsim {

int BackendMap::batch(int, const BatchRequest&, BatchBuffers*) {
  throw std::runtime_error("this backend has no batch commands");
}

void OpBackend::declare_devices(const std::map<uint32_t, std::string>&) {
  throw std::runtime_error("this backend has no network devices to declare");
}

}  // namespace mapsim
