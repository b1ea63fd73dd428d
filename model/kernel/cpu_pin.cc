#include "model/kernel/cpu_pin.h"

#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "impl/assert.h"

namespace mapsim {

namespace {

// Masks must cover every CPU id the kernel knows, or sched_getaffinity() fails with EINVAL.
int mask_cpu_count() { return std::max(libbpf_num_possible_cpus(), CPU_SETSIZE); }

}  // namespace

CpuPin::CpuPin(int cpu) : saved_mask_(nullptr), mask_cpu_count_(mask_cpu_count()) {
  size_t mask_bytes = CPU_ALLOC_SIZE(mask_cpu_count_);
  if (cpu < 0 || cpu >= libbpf_num_possible_cpus()) {
    throw std::invalid_argument("cpu " + std::to_string(cpu) + " is not a possible CPU (0.." +
                                std::to_string(libbpf_num_possible_cpus() - 1) + ")");
  }
  saved_mask_ = CPU_ALLOC(mask_cpu_count_);
  MAPSIM_ASSERT(saved_mask_ != nullptr, "CPU_ALLOC of an affinity mask");
  int rc = sched_getaffinity(0, mask_bytes, saved_mask_);
  MAPSIM_ASSERT(rc == 0, "sched_getaffinity of the calling thread");

  cpu_set_t* pin_mask = CPU_ALLOC(mask_cpu_count_);
  MAPSIM_ASSERT(pin_mask != nullptr, "CPU_ALLOC of an affinity mask");
  CPU_ZERO_S(mask_bytes, pin_mask);
  CPU_SET_S(cpu, mask_bytes, pin_mask);
  rc = sched_setaffinity(0, mask_bytes, pin_mask);
  int error = errno;
  CPU_FREE(pin_mask);
  if (rc != 0) {
    CPU_FREE(saved_mask_);
    throw std::invalid_argument("cannot run on cpu " + std::to_string(cpu) +
                                ": sched_setaffinity: " + std::strerror(error));
  }
  MAPSIM_ASSERT(sched_getcpu() == cpu, "sched_setaffinity migrates the caller before returning");
}

CpuPin::~CpuPin() {
  int rc = sched_setaffinity(0, CPU_ALLOC_SIZE(mask_cpu_count_), saved_mask_);
  MAPSIM_ASSERT(rc == 0, "restoring the affinity the thread had before");
  CPU_FREE(saved_mask_);
}

}  // namespace mapsim
