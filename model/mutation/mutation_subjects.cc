// The bundled mutation subjects: small scenarios, each checking one kernel behaviour, each
// explored with the cheapest strategy that covers it (sequential scenarios have one execution;
// two-CPU hash races are explored exhaustively by DPOR; the three-CPU LRU steal race, too big
// for exhaustion, by a seeded random walk). Every one is judged by checked_map_scenario()'s
// bug-agnostic checks (structure, walk, sequential model on serial executions).
#include <vector>

#include "impl/jhash.h"
#include "impl/uapi.h"
#include "model/mutation/checked_map_scenario.h"
#include "model/mutation/mutation_score.h"

namespace mapsim::mutation {
namespace {

using Kind = MapOperation::Kind;
using Program = std::vector<MapOperation>;

MapOperation update(uint32_t key, uint64_t flags = bpf::kAny) {
  return {Kind::kUpdate, key, flags};
}
MapOperation prog_lookup(uint32_t key) { return {Kind::kProgramLookup, key, 0}; }
MapOperation lookup(uint32_t key) { return {Kind::kLookup, key, 0}; }
MapOperation remove(uint32_t key) { return {Kind::kDelete, key, 0}; }
MapOperation next_key(uint32_t key) { return {Kind::kGetNextKey, key, 0}; }

MapScenarioConfig map_config(const char* name, int cpus, uint32_t type, uint32_t max_entries,
                             uint32_t extra_flags = 0) {
  MapScenarioConfig config;
  config.name = name;
  config.possible_cpus = cpus;
  config.attr.map_type = type;
  config.attr.key_size = 4;
  config.attr.value_size = 8;
  config.attr.max_entries = max_entries;
  config.attr.map_flags = bpf::kFZeroSeed | extra_flags;
  return config;
}

uint32_t bucket_of(uint32_t key, uint32_t n_buckets) {
  return htab_key_hash(&key, sizeof key, 0) & (n_buckets - 1);
}

// The first key after `key` whose bucket is (same) or is not (!same) the bucket of `key`.
uint32_t key_near(uint32_t key, uint32_t n_buckets, bool same) {
  for (uint32_t other = key + 1;; ++other) {
    if ((bucket_of(other, n_buckets) == bucket_of(key, n_buckets)) == same) return other;
  }
}

uint32_t count_operations(const MapScenarioConfig& config) {
  size_t count = config.setup.size();
  for (const Program& program : config.cpus) count += program.size();
  for (const auto& [cpu, program] : config.nested) count += program.size();
  return static_cast<uint32_t>(count);
}

MutationSubject subject(const MapScenarioConfig& config, const char* checks,
                        StrategyKind strategy, uint64_t budget = 0) {
  MutationSubject made;
  made.name = config.name;
  made.checks = checks;
  made.scenario = checked_map_scenario(config);
  made.strategy = strategy;
  made.budget = budget;
  made.operations = count_operations(config);
  return made;
}

// ---- sequential: one CPU's program, one execution ----

MutationSubject lru_flush_and_reference() {
  MapScenarioConfig config = map_config("lru-flush-and-reference", 2, bpf::kMapLruHash, 4);
  config.cpus = {{update(1), update(2), update(3), update(4), prog_lookup(1), prog_lookup(2),
                  prog_lookup(3), prog_lookup(4), update(5), update(6), update(7)}};
  return subject(config,
                 "a refill flushes LOCAL_PENDING first (referenced nodes to ACTIVE, ref cleared); "
                 "rotation gives referenced nodes one more round; eviction takes the oldest",
                 StrategyKind::kDpor);
}

MutationSubject lru_syscall_lookup() {
  MapScenarioConfig config = map_config("lru-syscall-lookup-no-ref", 2, bpf::kMapLruHash, 4);
  config.cpus = {{update(1), update(2), update(3), update(4), lookup(1), update(5)}};
  return subject(config, "a syscall lookup does not protect a key from eviction",
                 StrategyKind::kDpor);
}

MutationSubject lru_failed_update_evicts() {
  MapScenarioConfig config = map_config("lru-failed-update-evicts", 2, bpf::kMapLruHash, 4);
  config.cpus = {{update(1), update(2), update(3), update(4), update(1, bpf::kNoExist),
                  update(3, bpf::kNoExist)}};
  return subject(config,
                 "an LRU update pops a node (evicting the oldest key) before checking existence",
                 StrategyKind::kDpor);
}

MutationSubject lru_percpu_shrink() {
  MapScenarioConfig config =
      map_config("lru-percpu-shrink-keeps-referenced", 2, bpf::kMapLruHash, 16, bpf::kFNoCommonLru);
  Program program;
  for (uint32_t key = 1; key <= 8; ++key) program.push_back(update(key));
  for (uint32_t key = 1; key <= 8; ++key) program.push_back(prog_lookup(key));
  program.push_back(update(9));
  program.push_back(update(10));
  config.cpus = {program};
  return subject(config,
                 "per-CPU LRU: shrink moves referenced INACTIVE nodes to ACTIVE, else forces one "
                 "eviction",
                 StrategyKind::kDpor);
}

MutationSubject lru_move_in_clears_reference() {
  MapScenarioConfig config = map_config("lru-move-in-clears-reference", 2, bpf::kMapLruHash, 4);
  config.cpus = {{update(1), update(2), update(3), update(4), prog_lookup(4), prog_lookup(1),
                  prog_lookup(2), update(5), update(6), update(7)}};
  return subject(config,
                 "a referenced pending node enters ACTIVE with its reference bit cleared, so the "
                 "next ACTIVE rotation demotes it",
                 StrategyKind::kDpor);
}

MutationSubject lru_percpu_rotation_cursor() {
  MapScenarioConfig config =
      map_config("lru-percpu-rotation-cursor", 2, bpf::kMapLruHash, 16, bpf::kFNoCommonLru);
  Program program;
  for (uint32_t key = 1; key <= 8; ++key) program.push_back(update(key));
  for (uint32_t key = 1; key <= 4; ++key) program.push_back(prog_lookup(key));
  program.push_back(update(9));
  config.cpus = {program};
  return subject(config,
                 "per-CPU LRU: a rotation stops after 4 nodes and remembers where; the cursor "
                 "follows nodes that leave INACTIVE",
                 StrategyKind::kDpor);
}

MutationSubject hash_full_existing_key() {
  MapScenarioConfig config = map_config("hash-full-existing-key", 2, bpf::kMapHash, 2);
  config.cpus = {{update(1), update(2), update(1, bpf::kNoExist), update(1), update(3)}};
  return subject(config, "a full HASH map: existence (EEXIST, replace) is decided before E2BIG",
                 StrategyKind::kDpor);
}

MutationSubject hash_chain_order() {
  MapScenarioConfig config = map_config("hash-chain-order", 2, bpf::kMapHash, 4);
  const uint32_t first = 1;
  const uint32_t second = key_near(first, 4, true);
  config.cpus = {{update(first), update(second), next_key(second)}};
  return subject(config, "a new key goes to the head of its bucket's chain (iteration order)",
                 StrategyKind::kDpor);
}

// ---- concurrent ----

MutationSubject hash_delete_vs_insert() {
  MapScenarioConfig config = map_config("hash-delete-vs-insert", 2, bpf::kMapHash, 4);
  const uint32_t first = 1;
  const uint32_t second = key_near(first, 4, true);
  config.setup = {update(first)};
  config.cpus = {{remove(first)}, {update(second)}};
  return subject(config, "delete and insert in one bucket serialise on the bucket lock",
                 StrategyKind::kDpor);
}

MutationSubject hash_replace_same_bucket() {
  MapScenarioConfig config = map_config("hash-replace-same-bucket", 2, bpf::kMapHash, 4);
  const uint32_t first = 1;
  const uint32_t second = key_near(first, 4, true);
  config.setup = {update(first), update(second)};
  config.cpus = {{update(first)}, {update(second)}};
  return subject(config, "two replacing updates in one bucket serialise on the bucket lock",
                 StrategyKind::kDpor);
}

MutationSubject hash_replace_two_buckets() {
  MapScenarioConfig config = map_config("hash-replace-two-buckets", 2, bpf::kMapHash, 4);
  const uint32_t first = 1;
  const uint32_t second = key_near(first, 4, false);
  config.setup = {update(first), update(second)};
  config.cpus = {{update(first)}, {update(second)}};
  return subject(config,
                 "replacing updates on two CPUs each swap with their own CPU's extra element",
                 StrategyKind::kDpor);
}

MutationSubject hash_no_prealloc_reader() {
  MapScenarioConfig config =
      map_config("hash-no-prealloc-reader", 2, bpf::kMapHash, 4, bpf::kFNoPrealloc);
  config.setup = {update(1)};
  config.cpus = {{lookup(1)}, {remove(1)}};
  return subject(config,
                 "a deleted NO_PREALLOC element stays readable until the readers' RCU sections end",
                 StrategyKind::kDpor);
}

MutationSubject lru_delete_pending_elsewhere() {
  MapScenarioConfig config = map_config("lru-delete-pending-elsewhere", 2, bpf::kMapLruHash, 2);
  config.setup = {update(100)};
  config.cpus = {{update(1), update(2)}, {remove(1)}};
  return subject(config,
                 "a key pending on CPU 0 deleted from CPU 1 frees its node to CPU 0's LOCAL_FREE",
                 StrategyKind::kDpor);
}

MutationSubject lru_steal_race() {
  MapScenarioConfig config = map_config("lru-steal-race", 3, bpf::kMapLruHash, 2);
  config.setup = {update(100)};
  config.cpus = {{update(3)}, {update(1)}, {update(2)}};
  return subject(config,
                 "a CPU stealing another CPU's pending node holds that CPU's local lock",
                 StrategyKind::kRandom, 2000);
}

}  // namespace

std::vector<MutationSubject> bundled_mutation_subjects() {
  std::vector<MutationSubject> subjects;
  subjects.push_back(lru_flush_and_reference());
  subjects.push_back(lru_syscall_lookup());
  subjects.push_back(lru_failed_update_evicts());
  subjects.push_back(lru_percpu_shrink());
  subjects.push_back(lru_move_in_clears_reference());
  subjects.push_back(lru_percpu_rotation_cursor());
  subjects.push_back(hash_full_existing_key());
  subjects.push_back(hash_chain_order());
  subjects.push_back(hash_delete_vs_insert());
  subjects.push_back(hash_replace_same_bucket());
  subjects.push_back(hash_replace_two_buckets());
  subjects.push_back(hash_no_prealloc_reader());
  subjects.push_back(lru_delete_pending_elsewhere());
  subjects.push_back(lru_steal_race());
  return subjects;
}

}  // namespace mapsim::mutation
