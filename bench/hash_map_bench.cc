// ns/op of mapsim's hash, per-CPU hash and array maps next to the live kernel and two peers
// (std::unordered_map under a std::mutex, tbb::concurrent_hash_map), on the workload of
// bench/bench_workload.h: 4-byte keys, 8- and 64-byte values, 1K and 64K entries, 1 and 2
// threads. docs/benchmarks.md has the table, the command and the machine.
//
// Rows (name = operation/subject/entries:N/value:B, then Google Benchmark's suffixes):
//   lookup_hit, lookup_miss, update_existing   HASH, program side (bpf_map_*_elem helpers);
//                                              the kernel subject runs real BPF programs
//                                              (bench/kernel_program_subject.h)
//   percpu_lookup                              PERCPU_HASH, program-side lookup
//   array_lookup                               ARRAY, program-side lookup
//   syscall_lookup_hit, syscall_update_existing  HASH through bpf(2)'s commands (value copies);
//                                              the kernel subject is the live kernel
// With threads:2 the Time column is wall time over both threads' operations (the inverse of the
// throughput); one thread's cost per operation is twice that.
#include <benchmark/benchmark.h>

#include <string>
#include <thread>

#include "bench/kernel_subject.h"
#include "bench/map_bench_harness.h"
#include "bench/peer_maps.h"

namespace mapsim::bench {
namespace {

constexpr uint32_t kEntryCounts[] = {1024, 65536};
constexpr int kThreadCounts[] = {1, 2};

std::string row_name(const char* operation, const char* subject, const MapConfig& config) {
  return std::string(operation) + "/" + subject + "/entries:" + std::to_string(config.entries) +
         "/value:" + std::to_string(config.value_size);
}

template <class Function>
void add_row(const char* operation, const char* subject, const MapConfig& config,
             Function function) {
  for (int threads : kThreadCounts) {
    benchmark::RegisterBenchmark(row_name(operation, subject, config).c_str(), function, config)
        ->Threads(threads)
        ->UseRealTime();
  }
}

// The kernel's program-side row: manual time, set by the kernel's own timer.
void add_kernel_program_row(const char* operation, const MapConfig& config,
                            ProgramOperation program_operation) {
  for (int threads : kThreadCounts) {
    benchmark::RegisterBenchmark(row_name(operation, "kernel", config).c_str(),
                                 &bench_kernel_program, config, program_operation)
        ->Threads(threads)
        ->UseManualTime();
  }
}

// One program-side operation on one map: mapsim, the kernel and both peers side by side.
template <size_t Size, bool kPerCpu, class Body>
void add_program_rows(const char* operation, const MapConfig& config, Body body,
                      ProgramOperation program_operation) {
  add_row(operation, "mapsim", config, body.template operator()<MapsimSubject>());
  add_kernel_program_row(operation, config, program_operation);
  add_row(operation, "mutex_unordered_map", config,
          body.template operator()<MutexUnorderedMapPeer<Size, kPerCpu>>());
  add_row(operation, "tbb_concurrent_hash_map", config,
          body.template operator()<TbbHashMapPeer<Size, kPerCpu>>());
}

template <size_t Size>
void add_rows_for_value_size(uint32_t entries) {
  const MapConfig hash{MapKind::kHash, entries, Size};
  const MapConfig percpu_hash{MapKind::kPercpuHash, entries, Size};
  const MapConfig array{MapKind::kArray, entries, Size};
  auto hit = []<class S>() { return &bench_lookup_hit<S>; };
  auto miss = []<class S>() { return &bench_lookup_miss<S>; };
  auto update = []<class S>() { return &bench_update_existing<S>; };
  using enum ProgramOperation;
  add_program_rows<Size, false>("lookup_hit", hash, hit, kLookupHit);
  add_program_rows<Size, false>("lookup_miss", hash, miss, kLookupMiss);
  add_program_rows<Size, false>("update_existing", hash, update, kUpdate);
  add_program_rows<Size, true>("percpu_lookup", percpu_hash, hit, kLookupHit);
  add_program_rows<Size, false>("array_lookup", array, hit, kLookupHit);
  add_row("syscall_lookup_hit", "mapsim", hash, &bench_syscall_lookup<MapsimSubject>);
  add_row("syscall_lookup_hit", "kernel", hash, &bench_syscall_lookup<KernelSubject>);
  add_row("syscall_update_existing", "mapsim", hash, &bench_syscall_update<MapsimSubject>);
  add_row("syscall_update_existing", "kernel", hash, &bench_syscall_update<KernelSubject>);
}

[[maybe_unused]] const bool registered = [] {
  // glibc makes locks non-atomic while a process has never had a second thread, which would
  // flatter the mutex peer in single-thread rows depending on which rows ran before. A map
  // shared with BPF programs lives in a multi-threaded world: start there, for every row.
  std::thread([] {}).join();
  for (uint32_t entries : kEntryCounts) {
    add_rows_for_value_size<8>(entries);
    add_rows_for_value_size<64>(entries);
  }
  return true;
}();

}  // namespace
}  // namespace mapsim::bench
