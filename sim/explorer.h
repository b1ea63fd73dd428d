// Explorer: runs executions of one scenario under a strategy and judges them (loom's
// model::Builder::check; TigerBeetle's VOPR loop).
//
//   Explorer explorer(scenario, options);
//   DporStrategy dpor(DporOptions{});
//   ExploreReport report = explorer.explore(dpor);
//   if (!report.failures.empty()) print(report.failures[0].reproduce);
//
// Every execution is checked (step check, end check, deadlock, livelock, data races, use after
// free, MAPSIM_ASSERTs inside the simulation); a failure comes back with its schedule (compact
// and JSON), the tail of its trace and the way to reproduce it. Replaying a schedule
// (replay()) reruns exactly that execution and says whether it diverged.
//
// Determinism self-check: every `determinism_check_every`-th execution is replayed right away
// from its own schedule and must produce the same trace hash.
//
// Memory: one execution's worth (arena, stacks, trace, the strategy's own stack), whatever the
// number of executions; only the first `failures_kept` failures are kept in full.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/arena.h"
#include "sim/execution.h"
#include "sim/fiber.h"
#include "sim/scenario.h"
#include "sim/schedule.h"
#include "sim/sim_platform.h"
#include "sim/strategy/strategy.h"

namespace mapsim::sim {

// What an observer sees after each (new) execution.
struct ExecutionRecord {
  uint64_t index = 0;  ///< counted from 0
  const ExecutionResult* result = nullptr;
  const Trace* trace = nullptr;
  const Schedule* schedule = nullptr;
  const Outcome* outcome = nullptr;
  const ScenarioInstance* instance = nullptr;  ///< names the operations in the trace
};

struct ExplorerOptions {
#if defined(__SANITIZE_ADDRESS__)
  static constexpr size_t kDefaultStackBytes = size_t{1} << 20;  // ASan frames are large
#else
  static constexpr size_t kDefaultStackBytes = size_t{256} << 10;
#endif
  uint64_t max_executions = 0;        ///< 0: the strategy's default budget
  bool stop_on_failure = true;
  uint32_t determinism_check_every = 0;  ///< replay every n-th execution (0: never)
  size_t stack_bytes = kDefaultStackBytes;  ///< per context fiber stack
  uint64_t memory_budget_bytes = SimPlatform::kDefaultMemoryBudgetBytes;  ///< arena per execution
  size_t failures_kept = 8;           ///< failures reported in full
  size_t trace_tail = 400;            ///< trace records in a failure report
  ExecutionOptions execution;
  std::function<void(const ExecutionRecord&)> observer;  ///< after every new execution
  // Progress lines: the SEED=... header before running, each kept failure's reproduction.
  std::function<void(const std::string&)> log;
};

struct FailureReport {
  FailureKind kind = FailureKind::kNone;
  std::string message;
  uint64_t execution = 0;  ///< index of the failing execution
  uint32_t step = 0;
  Schedule schedule;
  std::string trace;      ///< the last trace_tail records, one per line
  std::string reproduce;  ///< how to rerun exactly this execution
};

struct ExploreReport {
  std::string header;            ///< "SEED=... strategy=..." (printed before running, G10)
  std::string strategy;          ///< the strategy's describe() after the run
  uint64_t executions = 0;       ///< distinct executions run and judged
  uint64_t repeats = 0;          ///< re-traversals not counted above (iterative deepening)
  uint64_t aborted = 0;          ///< executions the strategy cut short (DPOR sleep-set blocks)
  uint64_t steps = 0;            ///< steps over all executions
  bool exhausted = false;        ///< the strategy covered its whole space
  bool budget_reached = false;
  uint64_t failing_executions = 0;
  std::vector<FailureReport> failures;
  uint64_t determinism_checks = 0;
  std::string error;             ///< the scenario could not run at all (bad scenario)

  bool ok() const { return error.empty() && failing_executions == 0; }
};

struct ReplayReport {
  std::string error;       ///< the schedule does not belong to this scenario, or is corrupt
  ExecutionResult result;  ///< what the replayed execution did
  bool diverged = false;   ///< the execution did not follow the schedule exactly
  std::string divergence;  ///< how
  std::string trace;       ///< the whole trace

  bool ok() const { return error.empty() && !diverged; }
};

class Explorer {
 public:
  explicit Explorer(Scenario scenario, ExplorerOptions options = {});
  ~Explorer();
  Explorer(const Explorer&) = delete;
  Explorer& operator=(const Explorer&) = delete;

  const Scenario& scenario() const { return scenario_; }
  // The scenario's structural fingerprint (builds one instance).
  uint64_t fingerprint();
  // Each context's fiber stack as mapped: options.stack_bytes, at least
  // StackPool::kMinimumStackBytes, rounded up to whole pages.
  size_t stack_bytes() const { return stacks_.stack_bytes(); }

  ExploreReport explore(Strategy& strategy);
  // Reruns the execution `schedule` records. Refuses (error) a schedule of another scenario.
  ReplayReport replay(const Schedule& schedule);
  // Parses `text` (compact or JSON) and replays it; parse errors come back in error.
  ReplayReport replay(std::string_view text);

 private:
  void judge(Strategy& strategy, const ExecutionResult& result, ExploreReport* report);
  bool check_determinism(const ExecutionResult& result, ExploreReport* report);
  FailureReport failure_report(const Failure& failure, uint64_t execution,
                               const Schedule& schedule) const;
  std::string header(const Strategy& strategy, uint64_t budget) const;

  Scenario scenario_;
  ExplorerOptions options_;
  StackPool stacks_;
  Arena arena_;
  SimPlatform platform_;
  std::unique_ptr<Execution> execution_;
  Schedule schedule_;
  uint64_t fingerprint_ = 0;
  bool has_fingerprint_ = false;
};

}  // namespace mapsim::sim
