// Random walk: at every choice, a uniformly random enabled context (the "naive random"
// scheduler of the PCT paper's evaluation; cheap, and good at shallow bugs).
//
// Execution k uses the seed hash(seed, k), so any single execution can be reproduced from the
// seed alone as well as from its schedule. Allocation failures are injected with
// `allocation_failure_probability` per allocation (within the execution's failure budget).
// The space is reported exhausted only when an execution had no real choice at all.
#pragma once

#include <string>

#include "sim/random.h"
#include "sim/result.h"
#include "sim/strategy/strategy.h"

namespace mapsim::sim {

struct RandomWalkOptions {
  uint64_t seed = 0;
  double allocation_failure_probability = 0.0;  ///< per allocation, in [0, 1]
  uint64_t budget = 10'000;                     ///< default number of executions
  uint64_t first_execution = 0;  ///< index of the first execution (a part of a split run)

  std::string validate() const;  // "" when valid, else what is wrong
};

class RandomWalkStrategy final : public Strategy {
 public:
  // REQUIRES: options.validate() is empty (use make()).
  explicit RandomWalkStrategy(const RandomWalkOptions& options);
  static Result<RandomWalkStrategy> make(const RandomWalkOptions& options);

  const char* name() const override { return "random"; }
  bool begin_execution() override;
  int choose_context(const Snapshot& snapshot) override;
  int choose_value(const Snapshot& snapshot, const ValueRequest& request) override;
  void end_execution(const ExecutionSummary& summary) override;
  bool exhausted() const override { return exhausted_; }
  uint64_t default_budget() const override { return options_.budget; }
  uint64_t seed() const override { return options_.seed; }
  std::string describe() const override;

 private:
  RandomWalkOptions options_;
  Random random_;
  uint64_t execution_ = 0;
  bool had_choice_ = false;
  bool exhausted_ = false;
};

}  // namespace mapsim::sim
