// The benchmark bodies shared by every map implementation ("subject") on the workload of
// bench/bench_workload.h.
//
// Each Google Benchmark thread binds itself to its own CPU slot of the bench platform
// (thread_index), as a BPF program runs on one CPU. Subjects are built once per (subject,
// config) by the first thread that asks and shared by every later benchmark and thread; the
// 64K-entry maps are filled once. Before timing, each body checks the subject answers right
// (a hit finds a value, a miss finds none, an update succeeds) so that a broken map cannot post
// a fast time.
//
// A subject provides what its rows need:
//   lookup(key, cpu) -> void*              program-side lookup (per-CPU: this CPU's value)
//   update(key, value, cpu) -> int         program-side update, BPF_ANY
//   syscall_lookup(key, value) -> int      bpf(BPF_MAP_LOOKUP_ELEM), copies the value out
//   syscall_update(key, value) -> int      bpf(BPF_MAP_UPDATE_ELEM), BPF_ANY
//   static create(config, possible_cpus, &error) -> unique_ptr or nullptr
#pragma once

#include <benchmark/benchmark.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bench/bench_workload.h"
#include "bench/kernel_program_subject.h"
#include "bench/mapsim_subject.h"

namespace mapsim::bench {

// CPU slots of the bench platform: the kernel's possible CPUs (so per-CPU values have the
// kernel's layout), and at least two, one per benchmark thread.
inline int bench_possible_cpus() {
  static const int cpus = std::max(2, libbpf_num_possible_cpus());
  return cpus;
}

template <class Subject>
Subject* shared_subject(const MapConfig& config, std::string* error) {
  struct Entry {
    std::unique_ptr<Subject> subject;
    std::string error;
  };
  static std::mutex mutex;
  static auto* cache = new std::map<MapConfig, Entry>();  // never destroyed, like the maps
  std::lock_guard<std::mutex> guard(mutex);
  auto [position, inserted] = cache->try_emplace(config);
  if (inserted) {
    position->second.subject = Subject::create(config, bench_possible_cpus(),
                                               &position->second.error);
  }
  *error = position->second.error;
  return position->second.subject.get();
}

// The per-thread context of a body: a CPU slot and the subject.
template <class Subject>
class BenchThread {
 public:
  BenchThread(benchmark::State& state, const MapConfig& config)
      : cpu_(state.thread_index()),
        binding_(bench_platform(bench_possible_cpus()), cpu_),
        subject_(shared_subject<Subject>(config, &error_)) {
    if (subject_ == nullptr) state.SkipWithError(error_.c_str());
  }

  int cpu() const { return cpu_; }
  Subject* subject() const { return subject_; }
  // Records a failed check; the row then reports an error instead of a time.
  void fail(benchmark::State& state, const std::string& what) {
    error_ = what;
    subject_ = nullptr;
    state.SkipWithError(error_.c_str());
  }

 private:
  int cpu_;
  RealPlatform::CpuBinding binding_;
  std::string error_;
  Subject* subject_;
};

// Every thread enters the timing loop, even after an error: Google Benchmark's start and stop
// barriers wait for all threads. Each body has its own loop per case so that the timed loop holds
// nothing but the operation and the next key.
inline void run_empty_loop(benchmark::State& state) {
  for (auto _ : state) {}
}

template <class Subject>
void bench_lookup(benchmark::State& state, MapConfig config, bool hits) {
  BenchThread<Subject> thread(state, config);
  Subject* subject = thread.subject();
  if (subject != nullptr && (subject->lookup(0, thread.cpu()) == nullptr ||
                             subject->lookup(config.entries, thread.cpu()) != nullptr)) {
    thread.fail(state, "lookup check failed: key 0 must be present, key `entries` absent");
  }
  if (thread.subject() == nullptr) return run_empty_loop(state);
  KeySequence keys(config.entries, state.thread_index());
  const int cpu = thread.cpu();
  if (hits) {
    for (auto _ : state) benchmark::DoNotOptimize(subject->lookup(keys.next_hit(), cpu));
  } else {
    for (auto _ : state) benchmark::DoNotOptimize(subject->lookup(keys.next_miss(), cpu));
  }
}

template <class Subject>
void bench_lookup_hit(benchmark::State& state, MapConfig config) {
  bench_lookup<Subject>(state, config, true);
}

template <class Subject>
void bench_lookup_miss(benchmark::State& state, MapConfig config) {
  bench_lookup<Subject>(state, config, false);
}

template <class Subject>
void bench_update_existing(benchmark::State& state, MapConfig config) {
  BenchThread<Subject> thread(state, config);
  Subject* subject = thread.subject();
  if (subject == nullptr) return run_empty_loop(state);
  KeySequence keys(config.entries, state.thread_index());
  alignas(8) unsigned char value[kMaxValueSize] = {};
  fill_value(static_cast<uint32_t>(thread.cpu()), value, config.value_size);
  const int cpu = thread.cpu();
  int failures = 0;
  for (auto _ : state) failures += subject->update(keys.next_hit(), value, cpu) != 0;
  if (failures != 0) thread.fail(state, std::to_string(failures) + " updates failed");
}

template <class Subject>
void bench_syscall_lookup(benchmark::State& state, MapConfig config) {
  BenchThread<Subject> thread(state, config);
  Subject* subject = thread.subject();
  if (subject == nullptr) return run_empty_loop(state);
  KeySequence keys(config.entries, state.thread_index());
  std::vector<unsigned char> value(subject->syscall_value_size());
  int failures = 0;
  for (auto _ : state) {
    failures += subject->syscall_lookup(keys.next_hit(), value.data()) != 0;
    benchmark::DoNotOptimize(value.data());
  }
  if (failures != 0) thread.fail(state, std::to_string(failures) + " lookups failed");
}

template <class Subject>
void bench_syscall_update(benchmark::State& state, MapConfig config) {
  BenchThread<Subject> thread(state, config);
  Subject* subject = thread.subject();
  if (subject == nullptr) return run_empty_loop(state);
  KeySequence keys(config.entries, state.thread_index());
  std::vector<unsigned char> value(subject->syscall_value_size());
  int failures = 0;
  for (auto _ : state) failures += subject->syscall_update(keys.next_hit(), value.data()) != 0;
  if (failures != 0) thread.fail(state, std::to_string(failures) + " updates failed");
}

// The kernel's program-side rows (bench/kernel_program_subject.h). One iteration is one test
// run of kRepeat program runs; its time is set (manual time) to the net cost of the operations
// in it, and the counter ops_per_iteration says how many there were.
inline void bench_kernel_program(benchmark::State& state, MapConfig config,
                                 ProgramOperation operation) {
  constexpr int kRepeat = 200;
  ThreadCpuPin pin(state.thread_index());
  std::string error;
  KernelProgramSubject* subject = shared_subject<KernelProgramSubject>(config, &error);
  double baseline_ns = -1;
  if (subject != nullptr) {
    // The fixed cost of a run, best of a few, so that noise does not inflate it.
    for (int attempt = 0; attempt < 5 && error.empty(); ++attempt) {
      const double ns = subject->run_ns(ProgramOperation::kNone, kRepeat, &error);
      baseline_ns = baseline_ns < 0 ? ns : std::min(baseline_ns, ns);
    }
  }
  if (subject != nullptr && error.empty()) {
    constexpr int kOpsPerRun = KernelProgramSubject::kOpsPerRun;
    const int expected = operation == ProgramOperation::kLookupMiss ? 0 : kOpsPerRun;
    const int successes = subject->successes(operation, &error);
    if (error.empty() && successes != expected) {
      error = "kernel program check failed: " + std::to_string(successes) + " of " +
              std::to_string(kOpsPerRun) + " operations succeeded, " +
              "expected " + std::to_string(expected);
    }
  }
  if (!pin.pinned()) error = "cannot pin the thread to CPU " + std::to_string(state.thread_index());
  if (!error.empty()) {
    state.SkipWithError(error.c_str());
    return run_empty_loop(state);
  }
  for (auto _ : state) {
    const double run_ns = subject->run_ns(operation, kRepeat, &error);
    if (run_ns < 0) {
      state.SkipWithError(error.c_str());
      break;
    }
    state.SetIterationTime(std::max(0.0, run_ns - baseline_ns) * kRepeat * 1e-9);
  }
  state.counters["ops_per_iteration"] = benchmark::Counter(
      double{KernelProgramSubject::kOpsPerRun} * kRepeat, benchmark::Counter::kAvgThreads);
}

}  // namespace mapsim::bench
