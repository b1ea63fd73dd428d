// The live kernel's BLOOM_FILTER and LPM_TRIE under benchmark (bench/bloom_lpm_bench.cc): the
// maps of bench/bloom_lpm_workload.h, filled through bpf(2), probed by userspace (syscall
// rows) and by BPF programs (program rows).
//
// Program rows follow bench/kernel_program_subject.h's method: a socket-filter program does
// kOpsPerRun probes unrolled, probe k using index ((start + k) * KeySequence::kScramble) &
// (entries - 1), start = bpf_get_prandom_u32() per run; BPF_PROG_TEST_RUN times `repeat` runs
// inside the kernel on the calling thread's CPU; an empty program's run time is subtracted.
// A probe is bpf_map_peek_elem(bloom, &item) or bpf_map_lookup_elem(trie, &key), the key
// built on the stack with the workload's formula (32-bit multiply, mask, byte swap). A counted
// variant returns how many probes succeeded and runs before timing: every hit must succeed
// and no trie miss may (bloom misses may be false positives).
#pragma once

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/bloom_lpm_workload.h"
#include "bench/kernel_program_subject.h"

namespace mapsim::bench {

class KernelStructureSubject {
 public:
  static constexpr int kOpsPerRun = 64;
  static constexpr int16_t kKeyOffset = -8;   ///< LpmKey at fp-8: prefixlen, then address
  static constexpr int16_t kItemOffset = -4;  ///< the bloom item, or the trie key's address

  static std::unique_ptr<KernelStructureSubject> create(const StructureConfig& config, int,
                                                        std::string* error) {
    const bool bloom = config.structure == Structure::kBloom;
    LIBBPF_OPTS(bpf_map_create_opts, options);
    options.map_flags = bloom ? BPF_F_ZERO_SEED : BPF_F_NO_PREALLOC;
    const int fd = bpf_map_create(bloom ? BPF_MAP_TYPE_BLOOM_FILTER : BPF_MAP_TYPE_LPM_TRIE,
                                  "mapsim_bench", bloom ? 0 : kLpmKeySize,
                                  bloom ? kBloomValueSize : kLpmValueSize, config.entries,
                                  &options);
    if (fd < 0) {
      *error = std::string("bpf(BPF_MAP_CREATE) failed: ") + std::strerror(errno);
      return nullptr;
    }
    auto subject = std::unique_ptr<KernelStructureSubject>(new KernelStructureSubject(fd, config));
    for (uint32_t index = 0; index < config.entries; ++index) {
      const LpmKey key = lpm_stored_key(index);
      const uint64_t value = index;
      const int rc = bloom ? bpf_map_update_elem(fd, nullptr, &index, BPF_ANY)
                           : bpf_map_update_elem(fd, &key, &value, BPF_ANY);
      if (rc != 0) {
        *error = std::string("bpf(BPF_MAP_UPDATE_ELEM) failed: ") + std::strerror(errno);
        return nullptr;
      }
    }
    return subject;
  }

  ~KernelStructureSubject() {
    for (int fd : program_fds_) {
      if (fd >= 0) close(fd);
    }
    close(map_fd_);
  }
  KernelStructureSubject(const KernelStructureSubject&) = delete;
  KernelStructureSubject& operator=(const KernelStructureSubject&) = delete;

  int syscall_probe(uint32_t index, bool miss, void* value) {
    if (config_.structure == Structure::kBloom) {
      uint32_t item = miss ? index + config_.entries : index;
      return bpf_map_lookup_elem(map_fd_, nullptr, &item) == 0 ? 0 : -errno;
    }
    const LpmKey key = lpm_probe_key(index, miss);
    return bpf_map_lookup_elem(map_fd_, &key, value) == 0 ? 0 : -errno;
  }

  // Average ns of one run over `repeat` runs: kOpsPerRun probes (hits or misses), or none
  // (`probes` false: the baseline). Negative errno on failure.
  double run_ns(bool probes, bool miss, int repeat, std::string* error) {
    uint32_t return_value = 0;
    double duration = 0;
    if (int rc = test_run(program_fd(probes, miss, false, error), repeat, &duration,
                          &return_value, error)) {
      return rc;
    }
    return duration;
  }

  // Probes of one run that succeeded (found / possibly present), or a negative errno.
  int successes(bool miss, std::string* error) {
    uint32_t return_value = 0;
    double duration = 0;
    if (int rc = test_run(program_fd(true, miss, true, error), 1, &duration, &return_value,
                          error)) {
      return rc;
    }
    return static_cast<int>(return_value);
  }

 private:
  KernelStructureSubject(int map_fd, const StructureConfig& config)
      : map_fd_(map_fd), config_(config) {
    for (int& fd : program_fds_) fd = -1;
  }

  static int test_run(int fd, int repeat, double* duration, uint32_t* return_value,
                      std::string* error) {
    if (fd < 0) return fd;
    unsigned char packet[64] = {};  // a socket filter's test run needs an Ethernet frame
    LIBBPF_OPTS(bpf_test_run_opts, options);
    options.data_in = packet;
    options.data_size_in = sizeof(packet);
    options.repeat = repeat;
    if (bpf_prog_test_run_opts(fd, &options) != 0) {
      *error = std::string("BPF_PROG_TEST_RUN failed: ") + std::strerror(errno);
      return -errno;
    }
    *duration = options.duration;
    *return_value = options.retval;
    return 0;
  }

  int program_fd(bool probes, bool miss, bool counted, std::string* error) {
    int& fd = program_fds_[(probes ? 1 : 0) + (miss ? 2 : 0) + (counted ? 4 : 0)];
    if (fd >= 0) return fd;
    const std::vector<bpf_insn> text = program_text(probes ? kOpsPerRun : 0, miss, counted);
    static char log[1 << 16];
    LIBBPF_OPTS(bpf_prog_load_opts, options);
    options.log_buf = log;
    options.log_size = sizeof(log);
    fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "mapsim_bench", "GPL", text.data(),
                       text.size(), &options);
    if (fd < 0) {
      *error = std::string("BPF_PROG_LOAD failed: ") + std::strerror(errno) + ": " + log;
      fd = -1;
      return -EINVAL;
    }
    return fd;
  }

  // r6 walks the indexes; r7 counts successes (counted variant) and is returned.
  std::vector<bpf_insn> program_text(int ops, bool miss, bool counted) const {
    BenchProgramText text;
    text.call(BPF_FUNC_get_prandom_u32);
    text.emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_0, 0, 0);
    text.emit(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_7, 0, 0, 0);
    text.emit(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, kKeyOffset, 0);
    text.emit(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, kKeyOffset, 32);  // a /32 probe
    for (int k = 0; k < ops; ++k) {
      emit_probe(&text, miss);
      if (!counted) continue;
      // Success: peek returned 0, lookup returned non-NULL.
      const bool bloom = config_.structure == Structure::kBloom;
      text.emit(BPF_JMP | (bloom ? BPF_JNE : BPF_JEQ) | BPF_K, BPF_REG_0, 0, 1, 0);
      text.emit(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_7, 0, 0, 1);
    }
    text.emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_7, 0, 0);
    text.emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    return text.instructions();
  }

  // index = (r6 * scramble) & (entries - 1); r6 += 1; the item or key; then the helper call.
  void emit_probe(BenchProgramText* text, bool miss) const {
    const bool bloom = config_.structure == Structure::kBloom;
    text->emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_6, 0, 0);
    text->emit(BPF_ALU | BPF_MUL | BPF_K, BPF_REG_1, 0, 0,
               static_cast<int32_t>(KeySequence::kScramble));
    text->emit(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0,
               static_cast<int32_t>(config_.entries - 1));
    if (bloom && miss) {
      text->emit(BPF_ALU | BPF_ADD | BPF_K, BPF_REG_1, 0, 0,
                 static_cast<int32_t>(config_.entries));
    }
    if (!bloom) {  // the address: index * kSpread, low 31 bits, top bit for a miss, big-endian
      text->emit(BPF_ALU | BPF_MUL | BPF_K, BPF_REG_1, 0, 0, static_cast<int32_t>(kSpread));
      text->emit(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, static_cast<int32_t>(kLowHalfMask));
      if (miss) {
        text->emit(BPF_ALU | BPF_OR | BPF_K, BPF_REG_1, 0, 0, static_cast<int32_t>(kMissBit));
      }
      text->emit(BPF_ALU | BPF_END | BPF_TO_BE, BPF_REG_1, 0, 0, 32);
    }
    text->emit(BPF_STX | BPF_MEM | BPF_W, BPF_REG_10, BPF_REG_1, kItemOffset, 0);
    text->emit(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_6, 0, 0, 1);
    text->load_map_fd(BPF_REG_1, map_fd_);
    text->emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
    text->emit(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, bloom ? kItemOffset : kKeyOffset);
    text->call(bloom ? BPF_FUNC_map_peek_elem : BPF_FUNC_map_lookup_elem);
  }

  int map_fd_;
  StructureConfig config_;
  int program_fds_[8];  ///< by probes / miss / counted; -1 until loaded
};

}  // namespace mapsim::bench
