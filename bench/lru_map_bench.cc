// ns/op of mapsim's LRU maps next to the live kernel's, on the workload of
// bench/bench_workload.h and bench/lru_workload.h: 4-byte keys, 8-byte values, 1K and 64K
// entries, 1 and 2 threads (each bound to its own CPU slot; the kernel rows pinned to that CPU),
// LRU_HASH and LRU_PERCPU_HASH, common LRU and per-CPU lists (BPF_F_NO_COMMON_LRU); and the
// cost of creating a 1M-entry LRU_HASH map with 512 possible CPUs. docs/lru-benchmarks.md has
// the table, the command and the machine.
//
// Rows (name = operation/subject/map/lru lists/entries:N/value:B, then Google Benchmark's
// suffixes), subject mapsim (program-side Map calls) or kernel (BPF programs through
// BPF_PROG_TEST_RUN, bench/lru_kernel_program_subject.h):
//   lookup_hit   bpf_map_lookup_elem of a present key (sets the reference bit)
//   insert_new   bpf_map_update_elem(BPF_ANY) of a key the full map does not hold: evicts
//   create       (mapsim only) create_map of 1M entries on RealPlatform(512); manual time in
//                ms, memory counters (bench/lru_create_body.h). Registered first, so that
//                peak_rss is theirs.
// With threads:2 the Time column is wall time over both threads' operations; the summary
// printed at the end (bench/lru_summary_reporter.h) gives one thread's cost per operation.
#include <benchmark/benchmark.h>

#include <string>
#include <thread>

#include "bench/lru_bench_bodies.h"
#include "bench/lru_create_body.h"
#include "bench/lru_kernel_program_subject.h"
#include "bench/lru_mapsim_subject.h"
#include "bench/lru_summary_reporter.h"
#include "bench/map_bench_harness.h"
#include "impl/uapi.h"

namespace mapsim::bench {
namespace {

constexpr uint32_t kEntryCounts[] = {1024, 65536};
constexpr int kThreadCounts[] = {1, 2};
constexpr uint32_t kValueSize = 8;

const char* map_name(MapKind kind) {
  return kind == MapKind::kPercpuHash ? "lru_percpu_hash" : "lru_hash";
}

const char* lru_name(uint32_t map_flags) {
  return lru_uses_percpu_lists(map_flags) ? "percpu_lru" : "common_lru";
}

std::string row_name(const char* operation, const char* subject, const MapConfig& config,
                     uint32_t map_flags) {
  return std::string(operation) + "/" + subject + "/" + map_name(config.kind) + "/" +
         lru_name(map_flags) + "/entries:" + std::to_string(config.entries) +
         "/value:" + std::to_string(config.value_size);
}

// One operation on one map, mapsim and the kernel side by side, 1 and 2 threads.
template <uint32_t kMapFlags, LruRole kRole, class MapsimBody>
void add_rows(const char* operation, const MapConfig& config, MapsimBody mapsim_body,
              LruProgramOperation program_operation) {
  using ProgramSubject = LruKernelProgramSubject<kMapFlags, kRole>;
  for (int threads : kThreadCounts) {
    benchmark::RegisterBenchmark(row_name(operation, "mapsim", config, kMapFlags).c_str(),
                                 mapsim_body, config)
        ->Threads(threads)
        ->UseRealTime();
  }
  for (int threads : kThreadCounts) {
    benchmark::RegisterBenchmark(row_name(operation, "kernel", config, kMapFlags).c_str(),
                                 &bench_lru_kernel_program<ProgramSubject>, config,
                                 program_operation)
        ->Threads(threads)
        ->UseManualTime();
  }
}

template <uint32_t kMapFlags>
void add_rows_for_lru(MapKind kind, uint32_t entries) {
  const MapConfig config{kind, entries, kValueSize};
  using LookupSubject = MapsimLruSubject<kMapFlags, LruRole::kLookup>;
  using InsertSubject = MapsimLruSubject<kMapFlags, LruRole::kInsert>;
  add_rows<kMapFlags, LruRole::kLookup>("lookup_hit", config, &bench_lookup_hit<LookupSubject>,
                                        LruProgramOperation::kLookupHit);
  add_rows<kMapFlags, LruRole::kInsert>("insert_new", config,
                                        &bench_lru_insert_new<InsertSubject>,
                                        LruProgramOperation::kInsertNew);
}

void add_create_row(uint32_t map_flags) {
  const std::string name = std::string("create/mapsim/lru_hash/") + lru_name(map_flags) +
                           "/entries:" + std::to_string(kLargeMapEntries) +
                           "/cpus:" + std::to_string(kLargeMapPossibleCpus);
  benchmark::RegisterBenchmark(name.c_str(), &bench_lru_create_large, map_flags)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

[[maybe_unused]] const bool registered = [] {
  // As in hash_map_bench: start multi-threaded, so that glibc's locks are atomic in every row.
  std::thread([] {}).join();
  add_create_row(0);
  add_create_row(bpf::kFNoCommonLru);
  for (MapKind kind : {MapKind::kHash, MapKind::kPercpuHash}) {
    for (uint32_t entries : kEntryCounts) {
      add_rows_for_lru<0>(kind, entries);
      add_rows_for_lru<bpf::kFNoCommonLru>(kind, entries);
    }
  }
  return true;
}();

}  // namespace
}  // namespace mapsim::bench

// Google Benchmark's main, with the summary reporter as the display reporter (--benchmark_out
// still writes the file reporter's JSON).
int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  mapsim::bench::LruSummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
