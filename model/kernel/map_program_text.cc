#include "model/kernel/map_program_text.h"

#include "impl/assert.h"
#include "impl/uapi.h"
#include "model/kernel/bpf_assembler.h"

namespace mapsim {

namespace {

// Registers: r6 holds the scratch value for the whole program (callee-saved across helper
// calls); r7/r8 are the copy's destination/source cursors; r9 carries the copied word.
constexpr int kScratch = BPF_REG_6;
constexpr int kCopyTarget = BPF_REG_7;
constexpr int kCopySource = BPF_REG_8;
constexpr int kCopyWord = BPF_REG_9;

// Load/store offsets are signed 16-bit; cursors move forward before an access would pass this.
constexpr uint32_t kAccessOffsetMax = 32767;

// r6 = &scratch[0]; scratch.cpu = bpf_get_smp_processor_id().
void emit_prologue(BpfAssembler& assembler, int scratch_fd) {
  assembler.store_imm(4, BPF_REG_10, -4, 0);  // the scratch map's key: index 0
  assembler.load_map_fd(BPF_REG_1, scratch_fd);
  assembler.mov64_reg(BPF_REG_2, BPF_REG_10);
  assembler.add64_imm(BPF_REG_2, -4);
  assembler.call_helper(BPF_FUNC_map_lookup_elem);
  BpfAssembler::Label have_scratch = assembler.new_label();
  assembler.jump_if_not_equal_imm(BPF_REG_0, 0, have_scratch);
  // Index 0 of a one-entry array always exists; returning 1 lets the backend notice anyway.
  assembler.mov64_imm(BPF_REG_0, 1);
  assembler.exit_program();
  assembler.bind(have_scratch);
  assembler.mov64_reg(kScratch, BPF_REG_0);
  assembler.call_helper(BPF_FUNC_get_smp_processor_id);
  assembler.store_mem(8, kScratch, ScratchLayout::kCpuOffset, BPF_REG_0);
}

void emit_return_zero(BpfAssembler& assembler) {
  assembler.mov64_imm(BPF_REG_0, 0);
  assembler.exit_program();
}

// Copies `bytes` bytes from [kCopySource] to [kCopyTarget]: 8-byte words, then a 4/2/1 tail,
// so no access reads past the end of the source value (the verifier checks each one).
void emit_copy(BpfAssembler& assembler, uint32_t bytes) {
  uint32_t cursor_base = 0;  // bytes both cursors have already been advanced by
  for (uint32_t at = 0; at < bytes;) {
    uint32_t remaining = bytes - at;
    int size = remaining >= 8 ? 8 : remaining >= 4 ? 4 : remaining >= 2 ? 2 : 1;
    if (at - cursor_base + size > kAccessOffsetMax) {
      int32_t advance = static_cast<int32_t>(at - cursor_base);
      assembler.add64_imm(kCopySource, advance);
      assembler.add64_imm(kCopyTarget, advance);
      cursor_base = at;
    }
    auto offset = static_cast<int16_t>(at - cursor_base);
    assembler.load_mem(size, kCopyWord, kCopySource, offset);
    assembler.store_mem(size, kCopyTarget, offset, kCopyWord);
    at += size;
  }
}

// r1 = map, r2 = &scratch.key.
void emit_map_and_key(BpfAssembler& assembler, int map_fd) {
  assembler.load_map_fd(BPF_REG_1, map_fd);
  assembler.mov64_reg(BPF_REG_2, kScratch);
  assembler.add64_imm(BPF_REG_2, ScratchLayout::kKeyOffset);
}

void emit_lookup(BpfAssembler& assembler, const ScratchLayout& layout, int map_fd) {
  emit_map_and_key(assembler, map_fd);
  assembler.call_helper(BPF_FUNC_map_lookup_elem);
  BpfAssembler::Label found = assembler.new_label();
  assembler.jump_if_not_equal_imm(BPF_REG_0, 0, found);
  assembler.store_imm(8, kScratch, ScratchLayout::kResultOffset, bpf::kENOENT);
  emit_return_zero(assembler);
  assembler.bind(found);
  assembler.store_imm(8, kScratch, ScratchLayout::kResultOffset, 0);
  assembler.mov64_reg(kCopySource, BPF_REG_0);
  assembler.mov64_reg(kCopyTarget, kScratch);
  assembler.add64_imm(kCopyTarget, static_cast<int32_t>(layout.value_offset));
  emit_copy(assembler, layout.value_size);
  emit_return_zero(assembler);
}

void emit_update(BpfAssembler& assembler, const ScratchLayout& layout, int map_fd) {
  emit_map_and_key(assembler, map_fd);
  assembler.mov64_reg(BPF_REG_3, kScratch);
  assembler.add64_imm(BPF_REG_3, static_cast<int32_t>(layout.value_offset));
  assembler.load_mem(8, BPF_REG_4, kScratch, ScratchLayout::kFlagsOffset);
  assembler.call_helper(BPF_FUNC_map_update_elem);
  assembler.store_mem(8, kScratch, ScratchLayout::kResultOffset, BPF_REG_0);
  emit_return_zero(assembler);
}

void emit_delete(BpfAssembler& assembler, int map_fd) {
  emit_map_and_key(assembler, map_fd);
  assembler.call_helper(BPF_FUNC_map_delete_elem);
  assembler.store_mem(8, kScratch, ScratchLayout::kResultOffset, BPF_REG_0);
  emit_return_zero(assembler);
}

}  // namespace

ScratchLayout::ScratchLayout(uint32_t key_size_bytes, uint32_t value_size_bytes)
    : key_size(key_size_bytes),
      value_size(value_size_bytes),
      value_offset(static_cast<uint32_t>(kKeyOffset + bpf::round_up(key_size_bytes, 8))),
      size(static_cast<uint32_t>(value_offset + bpf::round_up(value_size_bytes, 8))) {
  static_assert(kKeyOffset % 8 == 0, "keys and values start 8-byte aligned in the scratch");
  MAPSIM_ASSERT(size > value_offset || value_size == 0, "offsets fit 32 bits");
}

std::vector<bpf_insn> map_program_text(ProgramKind kind, const ScratchLayout& layout,
                                       int map_fd, int scratch_fd) {
  BpfAssembler assembler;
  emit_prologue(assembler, scratch_fd);
  switch (kind) {
    case ProgramKind::kLookup: emit_lookup(assembler, layout, map_fd); break;
    case ProgramKind::kUpdate: emit_update(assembler, layout, map_fd); break;
    case ProgramKind::kDelete: emit_delete(assembler, map_fd); break;
  }
  return assembler.finish();
}

}  // namespace mapsim
