// How many CPUs the kernel considers possible (num_possible_cpus()): the default CPU count of
// the simulated backend, since per-CPU value layouts and LRU sizing depend on it.
#pragma once

#include <string>
#include <string_view>

namespace mapsim {

inline constexpr const char* kPossibleCpusPath = "/sys/devices/system/cpu/possible";

// Counts the CPUs in a kernel CPU list such as "0-3,8,10-11" (a trailing newline is fine).
// Returns -1 and says why in *error when the text is not a CPU list.
int count_cpu_list(std::string_view text, std::string* error);

// num_possible_cpus() of this machine, read from kPossibleCpusPath; -1 and *error on failure.
int machine_possible_cpus(std::string* error);

}  // namespace mapsim
