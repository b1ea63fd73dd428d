#include "scenarios/run/step_text.h"

#include <cstring>

#include "impl/uapi.h"
#include "scenarios/hex.h"

namespace mapsim::scenario {

std::string element_flags_text(uint64_t flags) {
  if (flags == 0) return "BPF_ANY";
  std::string text;
  auto add = [&text](const std::string& part) { text += (text.empty() ? "" : "|") + part; };
  // BPF_NOEXIST (1) and BPF_EXIST (2) are values of the low two bits, BPF_F_LOCK (4) a bit.
  const uint64_t mode = flags & 3;
  if (mode == bpf::kNoExist) add("BPF_NOEXIST");
  if (mode == bpf::kExist) add("BPF_EXIST");
  if (mode == 3) add("0x3");
  if (flags & bpf::kFLock) add("BPF_F_LOCK");
  const uint64_t rest = flags & ~uint64_t{7};
  if (rest != 0) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(rest));
    add(buffer);
  }
  return text;
}

std::string short_hex(const Bytes& bytes) {
  if (bytes.size() <= 16) return hex_from_bytes(bytes);
  const Bytes head(bytes.begin(), bytes.begin() + 8);
  return hex_from_bytes(head) + "...(" + std::to_string(bytes.size()) + " bytes)";
}

std::string operation_name(const StepSpec& step) {
  std::string name = step.label + " ";
  const bool program = step.via == Via::kProgram || step_kind_is_program_sequence(step.kind);
  if (program && !step_kind_is_program_sequence(step.kind)) name += "prog ";
  name += step_kind_name(step.kind);
  if (step_kind_is_walk(step.kind) || step.kind == StepKind::kAddThroughPointer) {
    // Walks start from NULL; the add acts through the kept pointer: neither takes a key.
    if (step.batch_size != 0) name += " batch_size=" + std::to_string(step.batch_size);
  } else if (step.key) {
    name += " key=" + short_hex(*step.key);
  } else {
    name += " key=NULL";
  }
  if (!step.value.empty()) name += " value=" + short_hex(step.value);
  if (step.flags != 0) name += " flags=" + element_flags_text(step.flags);
  return name;
}

std::string result_text(int64_t rc) {
  if (rc >= 0) return std::to_string(rc);
  const char* name = nullptr;
  if (rc == bpf::kENOTSUPP) {
    name = "ENOTSUPP";  // kernel-internal, unknown to libc
  } else if (rc >= -4095) {
    name = strerrorname_np(static_cast<int>(-rc));
  }
  return std::to_string(rc) + (name != nullptr ? std::string(" (") + name + ")" : "");
}

}  // namespace mapsim::scenario
