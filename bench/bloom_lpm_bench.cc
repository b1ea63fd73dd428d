// ns per lookup of mapsim's BLOOM_FILTER (peek) and LPM_TRIE (longest-prefix match) next to
// the live kernel's, on the workload of bench/bloom_lpm_workload.h: 1K and 64K items or
// prefixes, 1 and 2 threads. docs/bloom-lpm-benchmarks.md has the table, the command and the
// machine.
//
// Rows (name = operation/subject/entries:N):
//   bloom_peek_hit, bloom_peek_miss   what bpf_map_peek_elem costs a program; the kernel
//                                     subject runs real BPF programs
//                                     (bench/bloom_lpm_kernel_program.h)
//   lpm_lookup_hit, lpm_lookup_miss   what bpf_map_lookup_elem costs a program on an IPv4 trie
//   syscall_bloom_peek_hit, syscall_lpm_lookup_hit   the same through bpf(2)'s
//                                     BPF_MAP_LOOKUP_ELEM (the trie copies the value out)
// With threads:2 the Time column is wall time over both threads' operations (the inverse of the
// throughput), as in bench/hash_map_bench.cc.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "bench/bloom_lpm_kernel_program.h"
#include "bench/bloom_lpm_workload.h"
#include "bench/map_bench_harness.h"

namespace mapsim::bench {
namespace {

constexpr uint32_t kEntryCounts[] = {1024, 65536};
constexpr int kThreadCounts[] = {1, 2};
constexpr int kRepeat = 200;  // program runs per kernel test run

template <class Subject>
Subject* shared_structure(const StructureConfig& config, std::string* error) {
  struct Entry {
    std::unique_ptr<Subject> subject;
    std::string error;
  };
  static std::mutex mutex;
  static auto* cache = new std::map<StructureConfig, Entry>();  // never destroyed, like maps
  std::lock_guard<std::mutex> guard(mutex);
  auto [position, inserted] = cache->try_emplace(config);
  if (inserted) {
    position->second.subject =
        Subject::create(config, bench_possible_cpus(), &position->second.error);
  }
  *error = position->second.error;
  return position->second.subject.get();
}

// Checks that every hit is found (and, on the trie, no miss) before timing, so that a broken
// map cannot post a fast time; bloom misses may be false positives. probe(index, miss) -> rc.
template <class Probe>
bool probes_answer_right(const StructureConfig& config, Probe probe) {
  KeySequence keys(config.entries, 0);
  for (int step = 0; step < 64; ++step) {
    const uint32_t index = keys.next_hit();
    if (probe(index, false) != 0) return false;
    if (config.structure == Structure::kLpm && probe(index, true) == 0) return false;
  }
  return true;
}

void bench_mapsim(benchmark::State& state, StructureConfig config, bool miss, bool syscall) {
  RealPlatform::CpuBinding binding(bench_platform(bench_possible_cpus()), state.thread_index());
  std::string error;
  MapsimStructureSubject* subject = shared_structure<MapsimStructureSubject>(config, &error);
  unsigned char value[kLpmValueSize];
  auto probe = [&](uint32_t index, bool probe_miss) {
    return syscall ? subject->syscall_probe(index, probe_miss, value)
                   : subject->probe(index, probe_miss);
  };
  if (subject != nullptr && !probes_answer_right(config, probe)) {
    error = "probe check failed: a hit was not found, or an LPM miss was";
  }
  if (!error.empty()) state.SkipWithError(error.c_str());
  if (!error.empty()) return run_empty_loop(state);
  KeySequence keys(config.entries, state.thread_index());
  if (syscall) {
    for (auto _ : state) {
      benchmark::DoNotOptimize(subject->syscall_probe(keys.next_hit(), miss, value));
    }
  } else {
    for (auto _ : state) benchmark::DoNotOptimize(subject->probe(keys.next_hit(), miss));
  }
}

void bench_kernel_syscall(benchmark::State& state, StructureConfig config) {
  ThreadCpuPin pin(state.thread_index());
  std::string error;
  KernelStructureSubject* subject = shared_structure<KernelStructureSubject>(config, &error);
  unsigned char value[kLpmValueSize];
  auto probe = [&](uint32_t index, bool miss) {
    return subject->syscall_probe(index, miss, value);
  };
  if (subject != nullptr && !probes_answer_right(config, probe)) {
    error = "probe check failed: a hit was not found, or an LPM miss was";
  }
  if (!error.empty()) state.SkipWithError(error.c_str());
  if (!error.empty()) return run_empty_loop(state);
  KeySequence keys(config.entries, state.thread_index());
  for (auto _ : state) {
    benchmark::DoNotOptimize(subject->syscall_probe(keys.next_hit(), false, value));
  }
}

// The kernel's program rows: manual time, the net cost of kOpsPerRun * kRepeat probes.
std::string check_kernel_programs(KernelStructureSubject* subject, const StructureConfig& config,
                                  bool miss, double* baseline_ns) {
  std::string error;
  for (int attempt = 0; attempt < 5 && error.empty(); ++attempt) {
    const double ns = subject->run_ns(false, miss, kRepeat, &error);
    *baseline_ns = attempt == 0 ? ns : std::min(*baseline_ns, ns);
  }
  if (!error.empty()) return error;
  const int successes = subject->successes(miss, &error);
  if (!error.empty()) return error;
  const int ops = KernelStructureSubject::kOpsPerRun;
  if (!miss && successes != ops) return "kernel program check failed: a hit was not found";
  if (miss && config.structure == Structure::kLpm && successes != 0) {
    return "kernel program check failed: an LPM miss was found";
  }
  return "";
}

void bench_kernel_program(benchmark::State& state, StructureConfig config, bool miss) {
  ThreadCpuPin pin(state.thread_index());
  std::string error;
  KernelStructureSubject* subject = shared_structure<KernelStructureSubject>(config, &error);
  double baseline_ns = 0;
  if (subject != nullptr) error = check_kernel_programs(subject, config, miss, &baseline_ns);
  if (!pin.pinned()) error = "cannot pin the thread to CPU " + std::to_string(state.thread_index());
  if (!error.empty()) state.SkipWithError(error.c_str());
  if (!error.empty()) return run_empty_loop(state);
  for (auto _ : state) {
    const double run_ns = subject->run_ns(true, miss, kRepeat, &error);
    if (run_ns < 0) {
      state.SkipWithError(error.c_str());
      break;
    }
    state.SetIterationTime(std::max(0.0, run_ns - baseline_ns) * kRepeat * 1e-9);
  }
  state.counters["ops_per_iteration"] = benchmark::Counter(
      double{KernelStructureSubject::kOpsPerRun} * kRepeat, benchmark::Counter::kAvgThreads);
}

std::string row_name(const char* operation, const char* subject, uint32_t entries) {
  return std::string(operation) + "/" + subject + "/entries:" + std::to_string(entries);
}

template <class... Arguments>
void add_row(const std::string& name, bool manual_time, Arguments... arguments) {
  for (int threads : kThreadCounts) {
    auto* row = benchmark::RegisterBenchmark(name.c_str(), arguments...)->Threads(threads);
    if (manual_time) {
      row->UseManualTime();
    } else {
      row->UseRealTime();
    }
  }
}

void add_rows(Structure structure, uint32_t entries) {
  const StructureConfig config{structure, entries};
  const bool bloom = structure == Structure::kBloom;
  for (bool miss : {false, true}) {
    const std::string operation = std::string(bloom ? "bloom_peek" : "lpm_lookup") +
                                  (miss ? "_miss" : "_hit");
    add_row(row_name(operation.c_str(), "mapsim", entries), false, &bench_mapsim, config, miss,
            false);
    add_row(row_name(operation.c_str(), "kernel", entries), true, &bench_kernel_program, config,
            miss);
  }
  const char* syscall_operation = bloom ? "syscall_bloom_peek_hit" : "syscall_lpm_lookup_hit";
  add_row(row_name(syscall_operation, "mapsim", entries), false, &bench_mapsim, config, false,
          true);
  add_row(row_name(syscall_operation, "kernel", entries), false, &bench_kernel_syscall, config);
}

[[maybe_unused]] const bool registered = [] {
  std::thread([] {}).join();  // start multi-threaded, as bench/hash_map_bench.cc explains
  for (uint32_t entries : kEntryCounts) {
    add_rows(Structure::kBloom, entries);
    add_rows(Structure::kLpm, entries);
  }
  return true;
}();

}  // namespace
}  // namespace mapsim::bench
