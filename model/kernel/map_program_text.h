// The instructions of the BPF programs that perform via:"prog" operations on one map.
//
// Program type: BPF_PROG_TYPE_SYSCALL (loaded sleepable, as the kernel requires for that type)
// for the hash and array maps; BPF_PROG_TYPE_RAW_TRACEPOINT for the other types (LPM_TRIE,
// ...), which the verifier refuses in sleepable programs. Both test runs run the program once
// on the calling CPU (SYSCALL: migrate_disable() on the CPU the bpf() call runs on; raw
// tracepoint: without BPF_F_TEST_RUN_ON_CPU, on the current CPU with preemption off; each
// program also records bpf_get_smp_processor_id() so the backend can assert it), and neither
// takes packet data, unlike XDP or socket-filter test runs whose linear data ends near 3.5 KiB.
// Neither program reads its context: the same instructions serve both types.
//
// Data travels through a one-entry ARRAY map, the "scratch" map, instead of the BPF stack: the
// stack holds 512 bytes, and values of several KiB must work. The backend writes the inputs
// with a syscall update of the scratch map, runs the program, and reads the outputs back with
// a syscall lookup. Layout of the scratch value (ScratchLayout):
//
//   offset 0                 u64  flags          (in: the helper's flags argument)
//   offset 8                 s64  result         (out: the helper's return value; lookup: 0 or
//                                                  -ENOENT for a NULL from the helper)
//   offset 16                u64  cpu            (out: bpf_get_smp_processor_id())
//   offset 24                key_size bytes, zero padded to a multiple of 8   (in)
//   offset value_offset      value_size bytes, zero padded to a multiple of 8 (in: update;
//                                                  out: lookup copies the value here)
//
// The value handed to bpf_map_update_elem() is therefore 8-byte aligned and its padding up to
// round_up(value_size, 8) is defined (zero), as a well-behaved program's stack buffer would be.
//
// The three programs (one helper call on the target map each, so a lookup sets the LRU
// reference bit exactly once, as a real program's lookup does):
//   lookup: v = bpf_map_lookup_elem(map, key); result = v ? 0 : -ENOENT; copy value_size bytes
//           of *v to the scratch value with loads and stores sized 8, then 4/2/1 for the tail.
//   update: result = bpf_map_update_elem(map, key, value, flags).
//   delete: result = bpf_map_delete_elem(map, key).
// Every program returns 0; only the scratch result carries the helper's answer.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <vector>

namespace mapsim {

struct ScratchLayout {
  static constexpr uint32_t kFlagsOffset = 0;
  static constexpr uint32_t kResultOffset = 8;
  static constexpr uint32_t kCpuOffset = 16;
  static constexpr uint32_t kKeyOffset = 24;

  ScratchLayout(uint32_t key_size, uint32_t value_size);

  uint32_t key_size;      ///< bytes of the target map's key
  uint32_t value_size;    ///< bytes of one value as a program sees it (one CPU's slot)
  uint32_t value_offset;  ///< where the value starts in the scratch value, 8-byte aligned
  uint32_t size;          ///< value_size of the scratch ARRAY map
};

enum class ProgramKind { kLookup, kUpdate, kDelete };

// REQUIRES: map_fd and scratch_fd name open maps; the layout's value_size is the target
// map's value_size.
std::vector<bpf_insn> map_program_text(ProgramKind kind, const ScratchLayout& layout,
                                       int map_fd, int scratch_fd);

}  // namespace mapsim
