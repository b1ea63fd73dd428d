// ExecutionLog: where a compiled scenario's executions leave what they observed and how they
// were judged, for whoever drives the Explorer (run_scenario's observer, replay_scenario).
//
// The simulator rebuilds the scenario instance for every execution and destroys it when the
// next one starts (or when exploring or replaying ends), so the observations cannot live in the
// instance: they live here, one LoggedExecution per OS thread (several Explorers may run one
// compiled scenario on several threads, e.g. `mapsim run --jobs`), reset by every build and
// valid until the next build on the same thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "scenarios/run/observation.h"

namespace mapsim::scenario {

// Something a check flagged in one execution.
struct Finding {
  enum class Kind : uint8_t {
    kInvariant,        ///< the map's structural invariants failed (never excusable)
    kWalkRepeat,       ///< a walk returned a key twice
    kWalkSkip,         ///< a walk missed a key present during the whole walk
    kLinearizability,  ///< the history has no sequential explanation
    kAlways,           ///< an `always` expectation does not hold
    kNever,            ///< a `never` expectation holds
    kInternal,         ///< a check could not judge (a malformed history): mapsim's own error
  };
  Kind kind = Kind::kInvariant;
  std::string message;
  std::vector<std::string> labels;  ///< the steps it concerns
  int expectation = -1;             ///< kAlways / kNever: which expectation

  bool operator==(const Finding&) const = default;
};
const char* finding_kind_name(Finding::Kind kind);

struct ExecutionJudgement {
  bool judged = false;             ///< the end-of-execution check ran (the execution completed)
  std::vector<bool> satisfied;     ///< per expectation: all its atoms hold
  std::vector<Finding> violations; ///< findings that nothing excuses: the execution fails
  std::vector<Finding> excused;    ///< findings an `expected` expectation covers
  std::vector<int> excusing;       ///< the `expected` expectations that covered them
  /// Why the linearizability checker gave no verdict ("" when it did, or was off).
  std::string linearizability_not_checkable;

  bool operator==(const ExecutionJudgement&) const = default;
};

struct LoggedExecution {
  uint64_t builds = 0;                    ///< instances built on this thread so far
  std::vector<Observation> observations;  ///< by slot (compiled_spec.h)
  ExecutionJudgement judgement;
};

class ExecutionLog {
 public:
  // This thread's record (created on first use).
  LoggedExecution& this_thread();

 private:
  std::mutex mutex_;
  std::map<std::thread::id, std::unique_ptr<LoggedExecution>> by_thread_;
};

}  // namespace mapsim::scenario
