// Check time of the linearizability checker (model/linearizability/linearizability_check.h)
// for histories of 100, 1,000 and 10,000 operations; docs/linearizability.md has the table and
// the command.
//
// Histories come from random_linearizable_history() (random_history.h): a sequential run of
// the reference model on 2 or 4 contexts (one per CPU), each op's interval widened at random
// around its point, so up to `contexts` ops overlap; all are linearizable, so a row is the
// time of a full search that succeeds. The history is built once per row, outside the timing.
//
// Rows:
//   hash_per_key/ops:N/cpus:C     HASH, 4-byte keys, 8-byte values, 1024 entries, 64 keys:
//                                 keys are independent, one search per key
//   hash_whole/ops:N/cpus:C       the same histories checked as one partition
//   lru_whole/ops:N/cpus:C        LRU_HASH, 64 entries, 96 keys (inserts evict): the whole
//                                 history, with the LRU specification's maybe-evicted keys
//   hash_violation/ops:N/cpus:C   HASH per key with one lookup result changed: the search
//                                 fails and the failure is shrunk to its smallest part
// Counters: configurations explored per check, and ops checked per second.
#include <benchmark/benchmark.h>

#include <string>

#include "model/linearizability/linearizability_check.h"
#include "model/linearizability/random_history.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::linearizability {
namespace {

enum class Row { kHashPerKey, kHashWhole, kLruWhole, kHashViolation };

History history_for(Row row, uint32_t ops, int cpus) {
  RandomHistoryOptions options;
  const bool lru = row == Row::kLruWhole;
  options.map.map_type = lru ? reference::kTypeLruHash : reference::kTypeHash;
  options.map.key_size = 4;
  options.map.value_size = 8;
  options.map.max_entries = lru ? 64 : 1024;
  options.possible_cpus = cpus;
  options.contexts = cpus;
  options.ops = ops;
  options.key_count = lru ? 96 : 64;
  History history = random_linearizable_history(ops * 31 + static_cast<uint64_t>(cpus), options);
  if (row == Row::kHashViolation) {
    // The last successful lookup reads a value nobody wrote.
    for (auto op = history.ops.rbegin(); op != history.ops.rend(); ++op) {
      if (op->step.kind == scenario::StepKind::kLookup && op->rc == 0) {
        op->value[0] ^= 0x80;
        break;
      }
    }
  }
  return history;
}

void check_history(benchmark::State& state, Row row) {
  const uint32_t ops = static_cast<uint32_t>(state.range(0));
  const int cpus = static_cast<int>(state.range(1));
  const History history = history_for(row, ops, cpus);
  LinearizabilityOptions options;
  options.partition_per_key = row != Row::kHashWhole;
  options.max_states = 50'000'000;
  const auto expected = row == Row::kHashViolation ? LinearizabilityVerdict::Kind::kNotLinearizable
                                                   : LinearizabilityVerdict::Kind::kLinearizable;
  uint64_t states = 0;
  for (auto _ : state) {
    const LinearizabilityVerdict verdict = check_linearizable(history, options);
    if (verdict.kind != expected) {
      state.SkipWithError(format_verdict(verdict).c_str());
      break;
    }
    states = verdict.stats.states + verdict.stats.shrink_states;
    benchmark::DoNotOptimize(verdict);
  }
  state.counters["configurations"] = static_cast<double>(states);
  state.counters["ops_per_second"] = benchmark::Counter(
      static_cast<double>(ops) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

void register_row(const char* name, Row row) {
  benchmark::RegisterBenchmark(name, check_history, row)
      ->ArgsProduct({{100, 1000, 10000}, {2, 4}})
      ->ArgNames({"ops", "cpus"})
      ->Unit(benchmark::kMillisecond);
}

const bool registered = [] {
  register_row("hash_per_key", Row::kHashPerKey);
  register_row("hash_whole", Row::kHashWhole);
  register_row("lru_whole", Row::kLruWhole);
  register_row("hash_violation", Row::kHashViolation);
  return true;
}();

}  // namespace
}  // namespace mapsim::linearizability
