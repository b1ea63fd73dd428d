// The live kernel's program-side costs: what a BPF program pays for bpf_map_lookup_elem /
// bpf_map_update_elem on this machine, measured in the same run as mapsim's rows.
//
// Method. A socket-filter program, written here as raw instructions, performs kOpsPerRun
// operations unrolled: operation k of a run uses key ((start + k) * KeySequence::kScramble) &
// (entries - 1) (+ entries for misses), start being one bpf_get_prandom_u32() per run, the same
// permutation walk as the userspace rows. BPF_PROG_TEST_RUN runs it `repeat` times on the
// calling thread's CPU and reports the average ns per run, timed inside the kernel (time spent
// rescheduled is excluded). A baseline program with the same prologue and no operation gives
// the fixed cost of a run, which is subtracted: cost per operation = (run - baseline) /
// kOpsPerRun. The verifier treats these helper calls as it does in any program (hash lookups
// become direct calls, array lookups are inlined), so this is the in-kernel cost a program sees.
#pragma once

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_workload.h"
#include "bench/kernel_subject.h"

namespace mapsim::bench {

enum class ProgramOperation { kNone, kLookupHit, kLookupMiss, kUpdate };

// A program of straight-line eBPF; only the instructions the benchmark programs need.
class BenchProgramText {
 public:
  void emit(uint8_t code, uint8_t dst, uint8_t src, int16_t offset, int32_t imm) {
    bpf_insn instruction{};
    instruction.code = code;
    instruction.dst_reg = dst & 0xf;
    instruction.src_reg = src & 0xf;
    instruction.off = offset;
    instruction.imm = imm;
    instructions_.push_back(instruction);
  }
  void load_map_fd(uint8_t dst, int map_fd) {  // two-slot BPF_LD_IMM64 naming a map
    emit(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, map_fd);
    emit(0, 0, 0, 0, 0);
  }
  void call(int32_t helper) { emit(BPF_JMP | BPF_CALL, 0, 0, 0, helper); }
  const std::vector<bpf_insn>& instructions() const { return instructions_; }

 private:
  std::vector<bpf_insn> instructions_;
};

class KernelProgramSubject {
 public:
  static constexpr int kOpsPerRun = 64;
  static constexpr int kStackValueOffset = -72;  ///< 64 zero bytes for updates: fp-72 .. fp-9
  static constexpr int kStackKeyOffset = -4;

  static std::unique_ptr<KernelProgramSubject> create(const MapConfig& config, int possible_cpus,
                                                      std::string* error) {
    auto map = KernelSubject::create(config, possible_cpus, error);
    if (map == nullptr) return nullptr;
    return std::unique_ptr<KernelProgramSubject>(
        new KernelProgramSubject(std::move(map), config));
  }

  ~KernelProgramSubject() {
    for (const auto& pair : program_fds_) {
      for (int fd : pair) {
        if (fd >= 0) close(fd);
      }
    }
  }
  KernelProgramSubject(const KernelProgramSubject&) = delete;
  KernelProgramSubject& operator=(const KernelProgramSubject&) = delete;

  // Average ns of one run of `operation`'s program over `repeat` runs on this thread's CPU,
  // or a negative errno.
  double run_ns(ProgramOperation operation, int repeat, std::string* error) {
    TestRun run;
    if (int rc = test_run(operation, /*counted=*/false, repeat, &run, error)) return rc;
    return run.duration_ns;
  }

  // How many of one run's operations succeeded (a lookup found its key, an update returned 0),
  // from a variant of the program that counts them; or a negative errno. Checked before timing
  // so that a wrong key or a failing update cannot pass for a fast one.
  int successes(ProgramOperation operation, std::string* error) {
    TestRun run;
    if (int rc = test_run(operation, /*counted=*/true, 1, &run, error)) return rc;
    return static_cast<int>(run.return_value);
  }

 private:
  struct TestRun {
    uint32_t duration_ns = 0;   ///< average per run, measured by the kernel
    uint32_t return_value = 0;  ///< the program's return value (of the last run)
  };

  KernelProgramSubject(std::unique_ptr<KernelSubject> map, const MapConfig& config)
      : map_(std::move(map)), config_(config) {
    for (auto& pair : program_fds_) std::fill(std::begin(pair), std::end(pair), -1);
  }

  int test_run(ProgramOperation operation, bool counted, int repeat, TestRun* run,
               std::string* error) {
    const int fd = program_fd(operation, counted, error);
    if (fd < 0) return fd;
    unsigned char packet[64] = {};  // a socket filter's test run needs an Ethernet frame
    bpf_test_run_opts options{};
    options.sz = sizeof(options);
    options.data_in = packet;
    options.data_size_in = sizeof(packet);
    options.repeat = repeat;
    if (bpf_prog_test_run_opts(fd, &options) != 0) {
      *error = std::string("BPF_PROG_TEST_RUN failed: ") + std::strerror(errno);
      return -errno;
    }
    run->duration_ns = options.duration;
    run->return_value = options.retval;
    return 0;
  }

  int program_fd(ProgramOperation operation, bool counted, std::string* error) {
    int& fd = program_fds_[static_cast<int>(operation)][counted ? 1 : 0];
    if (fd >= 0) return fd;
    const std::vector<bpf_insn> text = program_text(operation, counted);
    static char log[1 << 16];
    bpf_prog_load_opts options{};
    options.sz = sizeof(options);
    options.log_buf = log;
    options.log_size = sizeof(log);
    options.log_level = 0;
    fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "mapsim_bench", "GPL", text.data(),
                       text.size(), &options);
    if (fd < 0) {
      *error = std::string("BPF_PROG_LOAD failed: ") + std::strerror(errno) + ": " + log;
      fd = -1;
      return -EINVAL;
    }
    return fd;
  }

  // r6 walks the keys; r7 counts successes (counted variant only) and is returned.
  std::vector<bpf_insn> program_text(ProgramOperation operation, bool counted) const {
    BenchProgramText text;
    text.call(BPF_FUNC_get_prandom_u32);
    text.emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_0, 0, 0);  // r6 = start
    text.emit(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_7, 0, 0, 0);
    if (operation == ProgramOperation::kUpdate) {
      for (int offset = kStackValueOffset; offset < kStackValueOffset + 64; offset += 8) {
        text.emit(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, static_cast<int16_t>(offset), 0);
      }
    }
    const int ops = operation == ProgramOperation::kNone ? 0 : kOpsPerRun;
    for (int k = 0; k < ops; ++k) {
      emit_operation(&text, operation);
      if (counted) emit_count_success(&text, operation);
    }
    text.emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_7, 0, 0);
    text.emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    return text.instructions();
  }

  // r7 += 1 when the helper succeeded: a lookup returned non-NULL, an update returned 0.
  static void emit_count_success(BenchProgramText* text, ProgramOperation operation) {
    const uint8_t skip_when = operation == ProgramOperation::kUpdate ? BPF_JNE : BPF_JEQ;
    text->emit(BPF_JMP | skip_when | BPF_K, BPF_REG_0, 0, 1, 0);
    text->emit(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_7, 0, 0, 1);
  }

  // key = (r6 * scramble) & mask (+ entries for a miss); r6 += 1; then the helper call.
  void emit_operation(BenchProgramText* text, ProgramOperation operation) const {
    text->emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_6, 0, 0);
    text->emit(BPF_ALU | BPF_MUL | BPF_K, BPF_REG_1, 0, 0,
               static_cast<int32_t>(KeySequence::kScramble));
    text->emit(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0,
               static_cast<int32_t>(config_.entries - 1));
    if (operation == ProgramOperation::kLookupMiss) {
      text->emit(BPF_ALU | BPF_ADD | BPF_K, BPF_REG_1, 0, 0,
                 static_cast<int32_t>(config_.entries));
    }
    text->emit(BPF_STX | BPF_MEM | BPF_W, BPF_REG_10, BPF_REG_1, kStackKeyOffset, 0);
    text->emit(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_6, 0, 0, 1);
    text->load_map_fd(BPF_REG_1, map_->fd());
    text->emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
    text->emit(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, kStackKeyOffset);
    if (operation == ProgramOperation::kUpdate) {
      text->emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_10, 0, 0);
      text->emit(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, kStackValueOffset);
      text->emit(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, BPF_ANY);
      text->call(BPF_FUNC_map_update_elem);
    } else {
      text->call(BPF_FUNC_map_lookup_elem);
    }
  }

  std::unique_ptr<KernelSubject> map_;
  MapConfig config_;
  int program_fds_[4][2];  ///< per ProgramOperation, timed / counted; -1 until loaded
};

// Pins the calling thread to one CPU while alive: a test run executes on the caller's CPU, and
// each benchmark thread must own one.
class ThreadCpuPin {
 public:
  explicit ThreadCpuPin(int cpu) {
    sched_getaffinity(0, sizeof(previous_), &previous_);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pinned_ = sched_setaffinity(0, sizeof(set), &set) == 0;
  }
  ~ThreadCpuPin() { sched_setaffinity(0, sizeof(previous_), &previous_); }
  ThreadCpuPin(const ThreadCpuPin&) = delete;
  ThreadCpuPin& operator=(const ThreadCpuPin&) = delete;
  bool pinned() const { return pinned_; }

 private:
  cpu_set_t previous_;
  bool pinned_ = false;
};

}  // namespace mapsim::bench
