// Per-CPU value areas (PERCPU_HASH, LRU_PERCPU_HASH, PERCPU_ARRAY): possible_cpus slots of
// round_up(value_size, 8) bytes, CPU 0 first. The copy rules are the kernel's, and they decide
// which padding bytes users see (fact sheet 2.4, 3.5, 3.13):
// - syscall update: every slot receives its whole 8-byte-rounded chunk of the user buffer,
//   padding included; syscall lookup returns every whole slot;
// - program update of an existing element: this CPU's slot, value_size bytes only;
// - program insert of a new element: value_size bytes into this CPU's slot, the first
//   value_size bytes of every other slot zeroed; all padding is left as it was, so a reused
//   element shows the previous key's padding (observed on 6.18.44, pcpu_init_value).
#pragma once

#include <cstdint>
#include <cstring>

#include "impl/internal/htab_element.h"

namespace mapsim::internal {

// Who writes a value: bpf(2) or a program's helper call (they copy different bytes, above).
enum class HtabValueSource { kSyscall, kProgram };

template <class P>
class PercpuSlots {
 public:
  PercpuSlots(uint32_t value_size, int possible_cpus)
      : value_size_(value_size),
        stride_(static_cast<uint32_t>(bpf::round_up(value_size, 8))),
        cpus_(possible_cpus) {}

  uint32_t stride() const { return stride_; }
  size_t all_cpus_bytes() const { return size_t{stride_} * static_cast<size_t>(cpus_); }
  unsigned char* slot(unsigned char* area, int cpu) const {
    return area + size_t{stride_} * static_cast<size_t>(cpu);
  }

  void write_all_cpus(unsigned char* area, const void* value) const {
    P::copy_racy(area, value, all_cpus_bytes());
  }
  void read_all_cpus(unsigned char* area, void* value) const {
    P::copy_racy(value, area, all_cpus_bytes());
  }
  void write_this_cpu(unsigned char* area, const void* value, int cpu) const {
    P::copy_racy(slot(area, cpu), value, value_size_);
  }
  void write_fresh_from_program(unsigned char* area, const void* value, int cpu) const {
    for (int other = 0; other < cpus_; ++other) {
      unsigned char* target = slot(area, other);
      if (other == cpu) {
        P::copy_racy(target, value, value_size_);
      } else {
        zero(target, value_size_);
      }
    }
  }

 private:
  static void zero(unsigned char* target, size_t bytes) {
    static const unsigned char kZeros[64] = {};
    while (bytes > 0) {
      const size_t chunk = bytes < sizeof(kZeros) ? bytes : sizeof(kZeros);
      P::copy_racy(target, kZeros, chunk);
      target += chunk;
      bytes -= chunk;
    }
  }

  uint32_t value_size_;
  uint32_t stride_;
  int cpus_;
};

// The per-CPU area of a hash-table element hangs off a pointer in the element's value field.
template <class P>
class PercpuValues : public PercpuSlots<P> {
 public:
  using Element = HtabElement<P>;

  PercpuValues(const HtabLayout& layout, int possible_cpus)
      : PercpuSlots<P>(layout.value_size, possible_cpus), value_offset_(layout.value_offset) {}

  void attach(Element* element, unsigned char* area) const {
    std::memcpy(pointer_field(element), &area, sizeof(area));
  }
  unsigned char* area(Element* element) const {
    unsigned char* result;
    std::memcpy(&result, pointer_field(element), sizeof(result));
    return result;
  }
  unsigned char* slot(Element* element, int cpu) const {
    return PercpuSlots<P>::slot(area(element), cpu);
  }
  void write_all_cpus(Element* element, const void* value) const {
    PercpuSlots<P>::write_all_cpus(area(element), value);
  }
  void read_all_cpus(Element* element, void* value) const {
    PercpuSlots<P>::read_all_cpus(area(element), value);
  }
  void write_this_cpu(Element* element, const void* value, int cpu) const {
    PercpuSlots<P>::write_this_cpu(area(element), value, cpu);
  }
  void write_fresh_from_program(Element* element, const void* value, int cpu) const {
    PercpuSlots<P>::write_fresh_from_program(area(element), value, cpu);
  }
  // pcpu_copy_value() / pcpu_init_value(): a syscall writes every CPU's slot; a program writes
  // its own CPU's slot, and into a new (`fresh`) element also zeroes the other CPUs' values.
  void write(Element* element, const void* value, HtabValueSource source, bool fresh,
             const P& platform) const {
    if (source == HtabValueSource::kSyscall) {
      write_all_cpus(element, value);
    } else if (fresh) {
      write_fresh_from_program(element, value, platform.cpu());
    } else {
      write_this_cpu(element, value, platform.cpu());
    }
  }

 private:
  unsigned char* pointer_field(Element* element) const {
    return reinterpret_cast<unsigned char*>(element) + value_offset_;
  }
  uint32_t value_offset_;
};

}  // namespace mapsim::internal
