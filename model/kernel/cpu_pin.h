// CpuPin: runs the calling thread on exactly one CPU for the lifetime of the object.
//
// The kernel's per-CPU state (free lists, LRU local lists, per-CPU values) is chosen by the CPU a
// bpf() call or a BPF_PROG_TEST_RUN executes on, so every operation of the kernel backend runs
// inside a CpuPin. sched_setaffinity() migrates the calling thread before it returns when its
// current CPU is not in the new mask, so the very next system call runs on `cpu`. The previous
// affinity mask is restored by the destructor.
#pragma once

#include <sched.h>

namespace mapsim {

class CpuPin {
 public:
  // Throws std::invalid_argument if `cpu` cannot be used (not possible, not online, or not
  // allowed by the caller's cpuset).
  explicit CpuPin(int cpu);
  ~CpuPin();
  CpuPin(const CpuPin&) = delete;
  CpuPin& operator=(const CpuPin&) = delete;

 private:
  cpu_set_t* saved_mask_;  ///< affinity before the pin (CPU_ALLOC'd)
  int mask_cpu_count_;     ///< how many CPUs the masks can describe
};

}  // namespace mapsim
