// ScenarioSpec: a scenario file (docs/scenario-format.md) as data.
//
// Three layers share this type and nothing else:
//   scenarios/scenario_yaml.h     YAML text <-> ScenarioSpec (parse with file:line:column errors;
//                                 emit, so that `mapsim minimize` can write a smaller scenario and
//                                 trace files can carry the scenario they ran);
//   scenarios/scenario_compile.h  ScenarioSpec -> sim::Scenario (maps on SimPlatform, per-CPU
//                                 programs, interrupts, step and end checks) and the judgement of
//                                 a whole exploration against the spec's expectations;
//   cli/                          `mapsim run / replay / minimize` drive the two.
//
// The spec is plain values: copyable, comparable (== includes positions; strip_positions() in
// scenarios/scenario_yaml.h compares content only) and complete. Everything a run depends on is in
// it (seeds included), so a spec plus a schedule reproduces an execution bit for bit. Positions
// (SourcePos) point back into the file for error messages about what the run found, e.g. "cpu 1
// op 2 (line 17)"; a spec built in C++ has zero positions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "impl/map_attr.h"
#include "scenarios/hex.h"
#include "scenarios/op_backend.h"

namespace mapsim::scenario {

struct SourcePos {
  int line = 0;    ///< 1-based; 0 when the spec was not read from a file
  int column = 0;  ///< 1-based

  bool operator==(const SourcePos&) const = default;
};

// One operation of a per-CPU program, an interrupt, or the setup.
enum class StepKind : uint8_t {
  kUpdate,             ///< bpf_map_update_elem (syscall or program, by `via`)
  kLookup,             ///< lookup (a program lookup sets the LRU reference bit)
  kDelete,
  kLookupAndDelete,    ///< syscall only
  kGetNextKey,         ///< syscall; key nullopt = first key
  kWalk,               ///< userspace: get_next_key from NULL until ENOENT, looking up each key
  // Userspace batched walks: BPF_MAP_LOOKUP_BATCH (or LOOKUP_AND_DELETE_BATCH) from a NULL
  // token, each call passing `batch_size` as its count and the token the previous call wrote,
  // until a call answers ENOENT (the end of the map) or another error.
  kBatchWalk,
  kBatchWalkAndDelete,
  // Program sequence of the seed document: look the key up; if found, atomically add `value`
  // (as a u64) to the first 8 bytes of the value through the returned pointer; otherwise insert
  // `value` with BPF_NOEXIST (and, if that fails with EEXIST because another CPU won the race,
  // the result is that EEXIST: programs do not retry).
  kLookupAddElseInsert,
  // Program: look the key up and keep the pointer; the atomic add through it happens as the
  // program's next step (`kAddThroughPointer`), so a concurrent delete and reuse of the
  // preallocated element can land in between.
  kLookupKeepPointer,
  kAddThroughPointer,  ///< atomic add `value` through the pointer the previous kLookupKeepPointer kept
};

struct StepSpec {
  SourcePos pos;
  StepKind kind = StepKind::kUpdate;
  Via via = Via::kSyscall;
  std::optional<Bytes> key;  ///< nullopt: a NULL key (get_next_key's first key; key_size 0 maps)
  // update: the value written (whole per-CPU buffer for syscall per-CPU updates, value_size
  // bytes through a program); lookup on a BLOOM_FILTER: the item tested (syscall layout);
  // kLookupAddElseInsert: the value_size bytes inserted, whose first 8 bytes (a u64) are also
  // the addend; kAddThroughPointer: the 8-byte u64 addend; empty otherwise.
  Bytes value;
  uint64_t flags = 0;
  /// Batch walks: the count every call passes (the most elements one call returns); 0 (the
  /// default) stands for the map's max_entries. 0 for every other kind.
  uint32_t batch_size = 0;
  // Unique in the scenario. The parser fills the default "cpu<N>.<index>" (CPU N's program),
  // "irq<I>.<index>" (interrupt I in declaration order) or "setup.<index>", indexes from 0;
  // fill_default_labels() (scenarios/scenario_yaml.h) does the same for a spec built in C++.
  std::string label;
  bool operator==(const StepSpec&) const = default;
};

// The userspace loops whose keys the walk check judges (scenarios/run/walk_check.h).
constexpr bool step_kind_is_batch_walk(StepKind kind) {
  return kind == StepKind::kBatchWalk || kind == StepKind::kBatchWalkAndDelete;
}
constexpr bool step_kind_is_walk(StepKind kind) {
  return kind == StepKind::kWalk || step_kind_is_batch_walk(kind);
}
// True for the kinds that only a BPF program performs (they act through a value pointer).
constexpr bool step_kind_is_program_sequence(StepKind kind) {
  return kind == StepKind::kLookupAddElseInsert || kind == StepKind::kLookupKeepPointer ||
         kind == StepKind::kAddThroughPointer;
}
// True for the kinds that only userspace performs (bpf(2) commands without a helper).
constexpr bool step_kind_is_syscall_only(StepKind kind) {
  return kind == StepKind::kLookupAndDelete || kind == StepKind::kGetNextKey ||
         step_kind_is_walk(kind);
}
// False for a value outside the enum (a damaged or hand-built spec).
constexpr bool step_kind_is_known(StepKind kind) {
  return kind <= StepKind::kAddThroughPointer;
}
// "update", "lookup_and_delete", "lookup_add_else_insert", ... as scenario files spell them
// (scenarios/yaml/op_rules.cc reads them); "unknown" outside the enum.
constexpr const char* step_kind_name(StepKind kind) {
  switch (kind) {
    case StepKind::kUpdate: return "update";
    case StepKind::kLookup: return "lookup";
    case StepKind::kDelete: return "delete";
    case StepKind::kLookupAndDelete: return "lookup_and_delete";
    case StepKind::kGetNextKey: return "get_next_key";
    case StepKind::kWalk: return "walk";
    case StepKind::kBatchWalk: return "batch_walk";
    case StepKind::kBatchWalkAndDelete: return "batch_walk_and_delete";
    case StepKind::kLookupAddElseInsert: return "lookup_add_else_insert";
    case StepKind::kLookupKeepPointer: return "lookup_keep_pointer";
    case StepKind::kAddThroughPointer: return "add_through_pointer";
  }
  return "unknown";
}

struct InterruptSpec {
  SourcePos pos;
  int cpu = 0;                   ///< the CPU whose running program it interrupts
  std::vector<StepSpec> steps;   ///< program operations (via prog), run back to back
  bool operator==(const InterruptSpec&) const = default;
};

struct CpuProgramSpec {
  SourcePos pos;
  int cpu = 0;
  std::vector<StepSpec> steps;
  bool operator==(const CpuProgramSpec&) const = default;
};

// What the simulator is allowed to vary besides the interleaving.
struct FaultSpec {
  uint32_t allocation_failures = 0;  ///< per execution: allocations the explorer may fail (ENOMEM)
  bool operator==(const FaultSpec&) const = default;
};

struct ExploreSpec {
  std::string strategy = "dpor";  ///< random | pct | bounded | dpor
  uint64_t executions = 0;        ///< 0: the strategy's default budget
  uint32_t max_steps = 100'000;   ///< per execution (livelock bound)
  double time_seconds = 0;        ///< 0: no time budget
  uint64_t seed = 1;              ///< strategy seed (random, pct)
  int pct_depth = 3;
  int preemption_bound = 2;       ///< bounded: the largest preemption count explored
  /// Fiber stack of each simulated context, in KiB (sim::ExplorerOptions::stack_bytes);
  /// 0: the build's default (256 KiB, 1 MiB under AddressSanitizer). The stack size never
  /// changes an execution (stack objects are named from the top of their stack), only whether
  /// a deep one overflows (which kills the process with a message naming the size).
  uint32_t stack_kib = 0;
  static constexpr uint32_t kMinStackKib = 16;     ///< sim::StackPool::kMinimumStackBytes
  static constexpr uint32_t kMaxStackKib = 65536;  ///< 64 MiB per context: far more than enough
  bool operator==(const ExploreSpec&) const = default;
};

// A predicate over one execution: all atoms must hold.
struct AtomSpec {
  SourcePos pos;
  enum class Kind : uint8_t {
    kResult,      ///< step `label` returned `rc` (0 or a negative errno)
    kValue,       ///< step `label` read `value` (lookup, lookup_and_delete,
                  ///< lookup_keep_pointer; walks' lookups are not covered)
    kWalkRepeats, ///< walk `label` (a walk or batch walk) returned some key twice (== `flag`)
    kWalkSkips,   ///< walk `label` missed a key present during the whole walk (== `flag`)
    kFinalPresent,///< after the execution, `key` is present (== `flag`); on a BLOOM_FILTER
                  ///< (no keys, `key` empty) a lookup of the item `value` says "possibly present"
    kFinalValue,  ///< after the execution, `key` holds `value`
    kFinalCount,  ///< after the execution, the map holds `count` keys
    kPathEvent,   ///< some step's LRU update path (only step `label`'s when `label` is set)
                  ///< showed event `event` (docs/lru-path-events.md)
  };
  Kind kind = Kind::kResult;
  std::string label;
  int64_t rc = 0;
  Bytes key;
  Bytes value;
  bool flag = true;
  uint64_t count = 0;
  std::string event;
  bool operator==(const AtomSpec&) const = default;
};

struct ExpectationSpec {
  SourcePos pos;
  enum class Kind : uint8_t {
    kAlways,    ///< every explored execution satisfies `atoms` (else: a violation)
    kNever,     ///< no explored execution satisfies `atoms`
    kExists,    ///< at least one explored execution satisfies `atoms` (else: failed expectation)
    kExpected,  ///< executions satisfying `atoms` show documented kernel behaviour: a check that
                ///< flags them reports "expected", not a violation
  };
  Kind kind = Kind::kExists;
  std::string description;  ///< shown in reports
  std::vector<AtomSpec> atoms;
  bool operator==(const ExpectationSpec&) const = default;
};

// Which checks judge each execution. All on by default; a scenario turns one off only with a
// reason (kept in `why_off` and shown in reports).
struct ChecksSpec {
  bool invariants = true;       ///< implementation's structural invariants after every step
  bool linearizability = true;  ///< the history against the reference model
  bool races = true;            ///< plain-memory data races
  bool walks = true;            ///< walks visit each key at most once and miss none
  std::string why_off;
  bool operator==(const ChecksSpec&) const = default;
};

struct ScenarioSpec {
  std::string file;         ///< where it was read from ("" when built in C++)
  std::string name;         ///< default: the file's stem
  std::string description;  ///< the file's opening comment / `description:`
  int possible_cpus = 2;
  uint64_t map_seed = 0;    ///< get_random_u32() seed (hash seeds without BPF_F_ZERO_SEED)
  MapAttr map;
  std::map<uint32_t, std::string> devices;  ///< ifindex -> name, for DEVMAP / DEVMAP_HASH values
  std::vector<StepSpec> setup;         ///< run before exploring, on CPU 0, not interleaved
  std::vector<CpuProgramSpec> cpus;    ///< at most one program per CPU
  std::vector<InterruptSpec> interrupts;
  FaultSpec faults;
  ExploreSpec explore;
  ChecksSpec checks;
  std::vector<ExpectationSpec> expectations;
  // A canary: the name of a mutant (impl/mutant.h) planted in the map code for the whole run.
  // The scenario then passes only when some check or expectation catches the planted bug, so
  // the suite proves its checks still bite. "" for an ordinary scenario.
  std::string canary;
  bool operator==(const ScenarioSpec&) const = default;
};

}  // namespace mapsim::scenario
