// The LRU rows' benchmark bodies that bench/map_bench_harness.h does not have (its
// bench_lookup_hit serves the lookup rows unchanged):
//   bench_lru_insert_new        mapsim: program-side BPF_ANY update of ever-new keys into a full
//                               map, so every insert evicts (bench/lru_workload.h)
//   bench_lru_kernel_program    the live kernel's program-side rows, timed as the harness's
//                               bench_kernel_program does (manual time = the kernel's own
//                               timing minus an empty run's cost; counter ops_per_iteration),
//                               the program's checked variant run before and after timing
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "bench/bench_workload.h"
#include "bench/kernel_program_subject.h"
#include "bench/lru_kernel_program_subject.h"
#include "bench/lru_workload.h"
#include "bench/map_bench_harness.h"

namespace mapsim::bench {

// Before timing, one insert must succeed and its key be found; in the loop, every insert must
// succeed (an LRU insert into a full map only succeeds by evicting).
template <class Subject>
void bench_lru_insert_new(benchmark::State& state, MapConfig config) {
  BenchThread<Subject> thread(state, config);
  Subject* subject = thread.subject();
  if (subject == nullptr) return run_empty_loop(state);
  const int cpu = thread.cpu();
  const int cpus = bench_possible_cpus();
  uint64_t& inserted = subject->inserted_count(cpu);
  alignas(8) unsigned char value[kMaxValueSize] = {};
  fill_value(static_cast<uint32_t>(cpu), value, config.value_size);
  const uint32_t first_key = lru_new_key(config.entries, inserted++, cpu, cpus);
  if (subject->update(first_key, value, cpu) != 0 || subject->lookup(first_key, cpu) == nullptr) {
    thread.fail(state, "insert check failed: a new key must be inserted and then found");
    return run_empty_loop(state);
  }
  uint64_t next = inserted;
  int failures = 0;
  for (auto _ : state) {
    failures += subject->update(lru_new_key(config.entries, next++, cpu, cpus), value, cpu) != 0;
  }
  inserted = next;
  if (failures != 0) thread.fail(state, std::to_string(failures) + " inserts failed");
}

template <class Subject>
void bench_lru_kernel_program(benchmark::State& state, MapConfig config,
                              LruProgramOperation operation) {
  constexpr int kRepeat = 200;
  ThreadCpuPin pin(state.thread_index());
  std::string error;
  Subject* subject = shared_subject<Subject>(config, &error);
  double baseline_ns = -1;
  if (subject != nullptr) {
    // The fixed cost of a run, best of a few, so that noise does not inflate it.
    for (int attempt = 0; attempt < 5 && error.empty(); ++attempt) {
      const double ns = subject->run_ns(LruProgramOperation::kNone, kRepeat, &error);
      baseline_ns = baseline_ns < 0 ? ns : std::min(baseline_ns, ns);
    }
  }
  if (!pin.pinned()) error = "cannot pin the thread to CPU " + std::to_string(state.thread_index());
  if (error.empty()) subject->check(operation, &error);
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
  if (error.empty() && subject->check(operation, &error) != 0) state.SkipWithError(error.c_str());
  state.counters["ops_per_iteration"] = benchmark::Counter(
      double{Subject::kOpsPerRun} * kRepeat, benchmark::Counter::kAvgThreads);
}

}  // namespace mapsim::bench
