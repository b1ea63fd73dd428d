#include "model/reference/percpu_slots.h"

#include <algorithm>

#include "impl/assert.h"

namespace mapsim::reference {

void PercpuSlots::write_from_syscall(std::vector<unsigned char>& area,
                                     const std::vector<unsigned char>& buffer) const {
  MAPSIM_ASSERT(buffer.size() == area_bytes(), "a syscall value holds every CPU's slot");
  area = buffer;
}

void PercpuSlots::write_from_program(std::vector<unsigned char>& area, int cpu,
                                     const std::vector<unsigned char>& value) const {
  MAPSIM_ASSERT(value.size() == value_size_, "a program value is value_size bytes");
  MAPSIM_ASSERT(area.size() == area_bytes(), "an area holds every CPU's slot");
  std::copy(value.begin(), value.end(), area.begin() + static_cast<ptrdiff_t>(stride() * cpu));
}

void PercpuSlots::init_from_program(std::vector<unsigned char>& area, int cpu,
                                    const std::vector<unsigned char>& value) const {
  const std::vector<unsigned char> zeros(value_size_, 0);
  for (int other = 0; other < cpus_; ++other) {
    write_from_program(area, other, other == cpu ? value : zeros);
  }
}

std::vector<unsigned char> PercpuSlots::cpu_value(const std::vector<unsigned char>& area,
                                                  int cpu) const {
  const auto first = area.begin() + static_cast<ptrdiff_t>(stride() * cpu);
  return std::vector<unsigned char>(first, first + value_size_);
}

}  // namespace mapsim::reference
