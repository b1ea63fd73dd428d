#include "model/kernel/bpf_assembler.h"

#include <limits>

#include "impl/assert.h"

namespace mapsim {

BpfAssembler::Label BpfAssembler::new_label() {
  label_positions_.push_back(-1);
  return Label{static_cast<int>(label_positions_.size() - 1)};
}

void BpfAssembler::bind(Label label) {
  MAPSIM_ASSERT(label_positions_.at(label.id) == -1, "a label is bound once");
  label_positions_[label.id] = static_cast<int64_t>(instructions_.size());
}

void BpfAssembler::emit(uint8_t code, int dst, int src, int16_t offset, int32_t imm) {
  MAPSIM_ASSERT(dst >= 0 && dst <= BPF_REG_10, "register r0..r10");
  MAPSIM_ASSERT(src >= 0 && src <= BPF_REG_10, "register r0..r10");
  bpf_insn instruction{};
  instruction.code = code;
  instruction.dst_reg = static_cast<uint8_t>(dst);
  instruction.src_reg = static_cast<uint8_t>(src);
  instruction.off = offset;
  instruction.imm = imm;
  instructions_.push_back(instruction);
}

uint8_t BpfAssembler::size_code(int size) {
  switch (size) {
    case 1: return BPF_B;
    case 2: return BPF_H;
    case 4: return BPF_W;
    case 8: return BPF_DW;
  }
  MAPSIM_ASSERT(false, "memory access size must be 1, 2, 4 or 8 bytes");
  return 0;
}

void BpfAssembler::mov64_imm(int dst, int32_t imm) {
  emit(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}

void BpfAssembler::mov64_reg(int dst, int src) {
  emit(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}

void BpfAssembler::add64_imm(int dst, int32_t imm) {
  emit(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm);
}

void BpfAssembler::load_map_fd(int dst, int map_fd) {
  // A 64-bit immediate takes two instruction slots; the second carries the upper half (0).
  emit(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, map_fd);
  emit(0, 0, 0, 0, 0);
}

void BpfAssembler::load_mem(int size, int dst, int src, int16_t offset) {
  emit(BPF_LDX | size_code(size) | BPF_MEM, dst, src, offset, 0);
}

void BpfAssembler::store_mem(int size, int dst, int16_t offset, int src) {
  emit(BPF_STX | size_code(size) | BPF_MEM, dst, src, offset, 0);
}

void BpfAssembler::store_imm(int size, int dst, int16_t offset, int32_t imm) {
  emit(BPF_ST | size_code(size) | BPF_MEM, dst, 0, offset, imm);
}

void BpfAssembler::emit_jump(uint8_t code, int dst, int32_t imm, Label target) {
  MAPSIM_ASSERT(target.id >= 0 && target.id < static_cast<int>(label_positions_.size()),
                "jump to a label of this assembler");
  pending_jumps_.push_back(PendingJump{instructions_.size(), target.id});
  emit(code, dst, 0, 0, imm);
}

void BpfAssembler::jump_if_equal_imm(int dst, int32_t imm, Label target) {
  emit_jump(BPF_JMP | BPF_JEQ | BPF_K, dst, imm, target);
}

void BpfAssembler::jump_if_not_equal_imm(int dst, int32_t imm, Label target) {
  emit_jump(BPF_JMP | BPF_JNE | BPF_K, dst, imm, target);
}

void BpfAssembler::jump(Label target) { emit_jump(BPF_JMP | BPF_JA, 0, 0, target); }

void BpfAssembler::call_helper(int32_t helper_id) {
  emit(BPF_JMP | BPF_CALL, 0, 0, 0, helper_id);
}

void BpfAssembler::exit_program() { emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

std::vector<bpf_insn> BpfAssembler::finish() const {
  std::vector<bpf_insn> program = instructions_;
  for (const PendingJump& jump : pending_jumps_) {
    int64_t target = label_positions_[jump.label_id];
    MAPSIM_ASSERT(target >= 0, "every label a jump uses must be bound");
    // Jump offsets count instructions after the jump itself.
    int64_t offset = target - static_cast<int64_t>(jump.instruction_index) - 1;
    MAPSIM_ASSERT(offset >= std::numeric_limits<int16_t>::min() &&
                      offset <= std::numeric_limits<int16_t>::max(),
                  "jump offset fits the 16-bit field");
    program[jump.instruction_index].off = static_cast<int16_t>(offset);
  }
  return program;
}

}  // namespace mapsim
