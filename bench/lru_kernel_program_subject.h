// The live kernel's LRU maps under benchmark, program side: what a BPF program pays for
// bpf_map_lookup_elem (hit, which sets the reference bit) and for bpf_map_update_elem of a new
// key into a full map (which evicts), measured in the same run as mapsim's rows.
//
// The method is bench/kernel_program_subject.h's (same program prologue, kOpsPerRun unrolled
// operations per run, BPF_PROG_TEST_RUN timing inside the kernel, the cost of an empty run
// subtracted); it is not reused as is because that subject creates only HASH / PERCPU_HASH /
// ARRAY maps, fills them from whatever CPU the thread is on (an LRU map would evict during
// such a fill) and has no insert-new program. As there, the timed program does nothing but the
// operations; a checked variant of it (one more instruction per operation) returns the number
// of lookups that missed, or the OR of the update results, and runs before and after the timed
// runs: a non-zero return fails the row, so a broken map cannot post a fast time.
//
//   lookup hit   key = ((start + k) * KeySequence::kScramble) & (entries - 1), as the
//                userspace rows walk the filled keys
//   insert new   key = start + k, start = bpf_get_prandom_u32() per run: consecutive keys
//                from a random point of the 32-bit space (jhash spreads them over the buckets).
//                A key still in the map is hit with probability entries / 2^32 per insert
//                (1.5e-5 at 64K): such an update replaces instead of evicting, a negligible
//                share.
#pragma once

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_workload.h"
#include "bench/kernel_program_subject.h"
#include "bench/kernel_subject.h"
#include "bench/lru_workload.h"

namespace mapsim::bench {

enum class LruProgramOperation { kNone, kLookupHit, kInsertNew };

// Fills a live-kernel LRU map as bench/lru_workload.h plans (the calling thread is pinned to
// each CPU in turn), then checks that every key is present. false with *error set on failure.
inline bool fill_kernel_lru_map(int fd, const MapConfig& config, uint32_t map_flags,
                                int possible_cpus, std::string* error) {
  const size_t slot_size = (config.value_size + 7) / 8 * 8;
  const size_t slots = config.kind == MapKind::kPercpuHash ? size_t(possible_cpus) : 1;
  std::vector<unsigned char> value(slot_size * slots);
  for (int cpu = 0; cpu < possible_cpus; ++cpu) {
    ThreadCpuPin pin(cpu);
    if (!pin.pinned()) {
      *error = "cannot pin the fill to CPU " + std::to_string(cpu);
      return false;
    }
    for (uint32_t key = 0; key < config.entries; ++key) {
      if (lru_fill_cpu(key, map_flags, possible_cpus) != cpu) continue;
      for (size_t slot = 0; slot < slots; ++slot) {
        fill_value(key, value.data() + slot * slot_size, config.value_size);
      }
      if (bpf_map_update_elem(fd, &key, value.data(), BPF_ANY) != 0) {
        *error = std::string("bpf(BPF_MAP_UPDATE_ELEM) failed: ") + std::strerror(errno);
        return false;
      }
    }
  }
  for (uint32_t key = 0; key < config.entries; ++key) {
    if (bpf_map_lookup_elem(fd, &key, value.data()) != 0) {
      *error = "kernel map: key " + std::to_string(key) + " missing after the fill (evicted?)";
      return false;
    }
  }
  return true;
}

// A filled live-kernel LRU map of `config` with `map_flags`: its fd, or -1 with *error set.
inline int create_filled_kernel_lru_map(const MapConfig& config, uint32_t map_flags,
                                        int possible_cpus, std::string* error) {
  bpf_map_create_opts options{};
  options.sz = sizeof(options);
  options.map_flags = map_flags;
  const int fd = bpf_map_create(static_cast<bpf_map_type>(lru_map_type(config.kind)),
                                "mapsim_lru", sizeof(uint32_t), config.value_size,
                                config.entries, &options);
  if (fd < 0) {
    *error = std::string("bpf(BPF_MAP_CREATE) failed: ") + std::strerror(errno) +
             " (needs root or CAP_BPF)";
    return -1;
  }
  if (!fill_kernel_lru_map(fd, config, map_flags, possible_cpus, error)) {
    close(fd);
    return -1;
  }
  return fd;
}

template <uint32_t kMapFlags, LruRole kRole>
class LruKernelProgramSubject {
 public:
  static constexpr int kOpsPerRun = KernelProgramSubject::kOpsPerRun;

  static std::unique_ptr<LruKernelProgramSubject> create(const MapConfig& config,
                                                         int possible_cpus, std::string* error) {
    const int fd = create_filled_kernel_lru_map(config, kMapFlags, possible_cpus, error);
    if (fd < 0) return nullptr;
    return std::unique_ptr<LruKernelProgramSubject>(new LruKernelProgramSubject(fd, config));
  }

  ~LruKernelProgramSubject() {
    for (const auto& pair : program_fds_) {
      for (int fd : pair) {
        if (fd >= 0) close(fd);
      }
    }
    close(map_fd_);
  }
  LruKernelProgramSubject(const LruKernelProgramSubject&) = delete;
  LruKernelProgramSubject& operator=(const LruKernelProgramSubject&) = delete;

  // Average ns of one run of `operation`'s program over `repeat` runs on this thread's CPU, or
  // a negative errno.
  double run_ns(LruProgramOperation operation, int repeat, std::string* error) {
    return test_run(operation, /*checked=*/false, repeat, error);
  }

  // Runs the checked variant once: 0 when every operation succeeded, else a negative errno
  // with *error saying what failed.
  int check(LruProgramOperation operation, std::string* error) {
    const double result = test_run(operation, /*checked=*/true, 1, error);
    return result < 0 ? static_cast<int>(result) : 0;
  }

 private:
  LruKernelProgramSubject(int map_fd, const MapConfig& config)
      : map_fd_(map_fd), config_(config) {}

  // Runs the program `repeat` times; returns the average ns per run, or a negative errno (also
  // when the checked variant reports a failure).
  double test_run(LruProgramOperation operation, bool checked, int repeat, std::string* error) {
    const int fd = program_fd(operation, checked, error);
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
    if (options.retval != 0) {
      *error = operation == LruProgramOperation::kLookupHit
                   ? std::to_string(options.retval) + " kernel lookups missed in one run"
                   : "a kernel insert failed (OR of the results: " +
                         std::to_string(static_cast<int32_t>(options.retval)) + ")";
      return -EIO;
    }
    return options.duration;
  }

  int program_fd(LruProgramOperation operation, bool checked, std::string* error) {
    int& fd = program_fds_[static_cast<int>(operation)][checked ? 1 : 0];
    if (fd >= 0) return fd;
    const std::vector<bpf_insn> text = program_text(operation, checked);
    static char log[1 << 16];
    bpf_prog_load_opts options{};
    options.sz = sizeof(options);
    options.log_buf = log;
    options.log_size = sizeof(log);
    fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "mapsim_lru", "GPL", text.data(),
                       text.size(), &options);
    if (fd < 0) {
      *error = std::string("BPF_PROG_LOAD failed: ") + std::strerror(errno) + ": " + log;
      fd = -1;
      return -EINVAL;
    }
    return fd;
  }

  // r6 = start, r7 = the run's verdict (0 = all well; only the checked variant sets it);
  // returns r7.
  std::vector<bpf_insn> program_text(LruProgramOperation operation, bool checked) const {
    BenchProgramText text;
    text.call(BPF_FUNC_get_prandom_u32);
    text.emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_0, 0, 0);
    text.emit(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_7, 0, 0, 0);
    if (operation == LruProgramOperation::kInsertNew) {
      const int value_bytes = static_cast<int>((config_.value_size + 7) / 8 * 8);
      for (int offset = 0; offset < value_bytes; offset += 8) {
        text.emit(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0,
                  static_cast<int16_t>(KernelProgramSubject::kStackValueOffset + offset), 0);
      }
    }
    const int ops = operation == LruProgramOperation::kNone ? 0 : kOpsPerRun;
    for (int k = 0; k < ops; ++k) {
      emit_operation(&text, operation);
      if (checked) emit_check(&text, operation);
    }
    text.emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_7, 0, 0);
    text.emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    return text.instructions();
  }

  void emit_operation(BenchProgramText* text, LruProgramOperation operation) const {
    constexpr int kKeyOffset = KernelProgramSubject::kStackKeyOffset;
    text->emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_6, 0, 0);
    if (operation == LruProgramOperation::kLookupHit) {
      text->emit(BPF_ALU | BPF_MUL | BPF_K, BPF_REG_1, 0, 0,
                 static_cast<int32_t>(KeySequence::kScramble));
      text->emit(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0,
                 static_cast<int32_t>(config_.entries - 1));
    }
    text->emit(BPF_STX | BPF_MEM | BPF_W, BPF_REG_10, BPF_REG_1, kKeyOffset, 0);
    text->emit(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_6, 0, 0, 1);
    text->load_map_fd(BPF_REG_1, map_fd_);
    text->emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
    text->emit(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, kKeyOffset);
    if (operation == LruProgramOperation::kInsertNew) {
      text->emit(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_10, 0, 0);
      text->emit(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0,
                 KernelProgramSubject::kStackValueOffset);
      text->emit(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, BPF_ANY);
      text->call(BPF_FUNC_map_update_elem);
    } else {
      text->call(BPF_FUNC_map_lookup_elem);
    }
  }

  // Insert: r7 |= the update's result. Lookup: r7 += 1 when it found nothing.
  static void emit_check(BenchProgramText* text, LruProgramOperation operation) {
    if (operation == LruProgramOperation::kInsertNew) {
      text->emit(BPF_ALU64 | BPF_OR | BPF_X, BPF_REG_7, BPF_REG_0, 0, 0);
    } else {
      text->emit(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 1, 0);  // found: skip the count
      text->emit(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_7, 0, 0, 1);
    }
  }

  int map_fd_;
  MapConfig config_;
  int program_fds_[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};  ///< [operation][checked], -1: none
};

}  // namespace mapsim::bench
