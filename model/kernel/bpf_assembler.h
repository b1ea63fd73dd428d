// BpfAssembler: writes eBPF programs as raw `struct bpf_insn` arrays, so the kernel backend can
// load programs without a BPF compiler at run time.
//
// Only the handful of instructions the map programs need are here (64-bit moves and adds,
// loads and stores of 1/2/4/8 bytes, the 64-bit immediate that names a map by fd, helper calls,
// forward jumps, exit). Jumps target Labels that are bound later; finish() patches their
// offsets and asserts that every used label was bound.
#pragma once

#include <linux/bpf.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mapsim {

class BpfAssembler {
 public:
  // A jump target: create, jump to it, bind it once where it belongs.
  struct Label {
    int id;
  };

  Label new_label();
  void bind(Label label);

  void mov64_imm(int dst, int32_t imm);
  void mov64_reg(int dst, int src);
  void add64_imm(int dst, int32_t imm);
  // dst = the map whose file descriptor is `map_fd` (BPF_LD_IMM64 with BPF_PSEUDO_MAP_FD).
  void load_map_fd(int dst, int map_fd);
  // size: 1, 2, 4 or 8 bytes.
  void load_mem(int size, int dst, int src, int16_t offset);
  void store_mem(int size, int dst, int16_t offset, int src);
  void store_imm(int size, int dst, int16_t offset, int32_t imm);
  void jump_if_equal_imm(int dst, int32_t imm, Label target);
  void jump_if_not_equal_imm(int dst, int32_t imm, Label target);
  void jump(Label target);
  void call_helper(int32_t helper_id);
  void exit_program();

  // The finished program. REQUIRES: every label that a jump uses is bound.
  std::vector<bpf_insn> finish() const;

 private:
  struct PendingJump {
    size_t instruction_index;
    int label_id;
  };

  void emit(uint8_t code, int dst, int src, int16_t offset, int32_t imm);
  void emit_jump(uint8_t code, int dst, int32_t imm, Label target);
  static uint8_t size_code(int size);

  std::vector<bpf_insn> instructions_;
  std::vector<int64_t> label_positions_;  ///< instruction index per label; -1 while unbound
  std::vector<PendingJump> pending_jumps_;
};

}  // namespace mapsim
