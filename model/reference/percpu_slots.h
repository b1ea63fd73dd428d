// The per-CPU value area of one element (PERCPU_HASH, LRU_PERCPU_HASH, PERCPU_ARRAY):
// possible_cpus slots of round_up(value_size, 8) bytes, CPU 0 first, and the kernel's rules for
// writing it (fact sheet 2.4, 3.5, 3.13; stale padding observed on 6.18.44):
// - a syscall update writes every slot whole, padding included (the user buffer is the area);
// - a program update of an existing element writes value_size bytes of its own CPU's slot;
// - a program insert of a new element writes value_size bytes of its own CPU's slot and zeroes
//   value_size bytes of every other slot; padding keeps whatever the element held before.
// The area itself is a plain byte vector owned by the model of the element.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mapsim::reference {

class PercpuSlots {
 public:
  PercpuSlots(uint32_t value_size, int possible_cpus)
      : value_size_(value_size), cpus_(possible_cpus) {}

  size_t stride() const { return (size_t{value_size_} + 7) / 8 * 8; }
  size_t area_bytes() const { return stride() * static_cast<size_t>(cpus_); }
  std::vector<unsigned char> zero_area() const {
    return std::vector<unsigned char>(area_bytes(), 0);
  }

  // REQUIRES: buffer.size() == area_bytes().
  void write_from_syscall(std::vector<unsigned char>& area,
                          const std::vector<unsigned char>& buffer) const;
  // REQUIRES: value.size() == value_size.
  void write_from_program(std::vector<unsigned char>& area, int cpu,
                          const std::vector<unsigned char>& value) const;
  void init_from_program(std::vector<unsigned char>& area, int cpu,
                         const std::vector<unsigned char>& value) const;
  // value_size bytes of `cpu`'s slot (what a program lookup on that CPU sees).
  std::vector<unsigned char> cpu_value(const std::vector<unsigned char>& area, int cpu) const;

  bool operator==(const PercpuSlots&) const = default;

 private:
  uint32_t value_size_;
  int cpus_;
};

}  // namespace mapsim::reference
