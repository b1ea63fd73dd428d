#include "scenarios/run/value_atomic_add.h"

#include <cstring>

#include "impl/assert.h"
#include "sim/execution.h"

namespace mapsim::scenario {

uint64_t value_atomic_add(void* address, unsigned width, uint64_t addend) {
  MAPSIM_ASSERT(width == 4 || width == 8, "BPF atomics are 32 or 64 bits wide");
  sim::Execution* execution = sim::Execution::current();
  MAPSIM_ASSERT(execution != nullptr, "value_atomic_add runs inside an execution");
  const bool running = !execution->direct();
  if (running) {
    sim::VisibleOp op{sim::VisibleOpKind::kAtomicRmw};
    op.object = execution->memory_key(address, width, &op.span);
    execution->schedule(op);
    execution->check_memory_live(address, width, "atomically adds to");
  }
  uint64_t result = 0;
  if (width == 8) {
    uint64_t old = 0;
    std::memcpy(&old, address, 8);
    result = old + addend;
    std::memcpy(address, &result, 8);
  } else {
    uint32_t old = 0;
    std::memcpy(&old, address, 4);
    const uint32_t sum = old + static_cast<uint32_t>(addend);
    std::memcpy(address, &sum, 4);
    result = sum;
  }
  if (running) execution->set_step_value(result);
  return result;
}

}  // namespace mapsim::scenario
