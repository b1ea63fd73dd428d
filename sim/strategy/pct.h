// PCT: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, "A
// Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010, section 3).
//
// Each execution gives the n contexts random distinct priorities d, d+1, ..., d+n-1 and picks
// d-1 change points uniformly among the first k steps; it always runs the enabled context of
// highest priority, and at the i-th change point drops the running context's priority to i
// (below every initial priority). A bug of depth d (d ordering constraints) is then found with
// probability at least 1/(n k^(d-1)) per execution. k is estimated as the longest execution
// seen so far (at least `initial_step_estimate`).
// Nested programs are contexts like any other: their priority decides when they fire.
// Allocation failures are injected with a fixed probability, as in the random walk.
#pragma once

#include <array>
#include <string>

#include "sim/random.h"
#include "sim/result.h"
#include "sim/strategy/strategy.h"
#include "sim/vector_clock.h"

namespace mapsim::sim {

struct PctOptions {
  static constexpr int kMaxDepth = 32;

  uint64_t seed = 0;
  int depth = 3;                                ///< bug depth d, in [1, kMaxDepth]
  uint32_t initial_step_estimate = 64;          ///< k before any execution ran (steps, >= 1)
  double allocation_failure_probability = 0.0;  ///< per allocation, in [0, 1]
  uint64_t budget = 10'000;                     ///< default number of executions
  uint64_t first_execution = 0;  ///< index of the first execution (a part of a split run)

  std::string validate() const;
};

class PctStrategy final : public Strategy {
 public:
  // REQUIRES: options.validate() is empty (use make()).
  explicit PctStrategy(const PctOptions& options);
  static Result<PctStrategy> make(const PctOptions& options);

  const char* name() const override { return "pct"; }
  bool begin_execution() override;
  int choose_context(const Snapshot& snapshot) override;
  int choose_value(const Snapshot& snapshot, const ValueRequest& request) override;
  void end_execution(const ExecutionSummary& summary) override;
  bool exhausted() const override { return false; }
  uint64_t default_budget() const override { return options_.budget; }
  uint64_t seed() const override { return options_.seed; }
  std::string describe() const override;

 private:
  void assign_priorities(int contexts);

  PctOptions options_;
  Random random_;
  uint64_t execution_ = 0;
  uint32_t step_estimate_;
  bool priorities_assigned_ = false;
  std::array<int, kMaxContexts> priority_{};
  std::array<uint32_t, PctOptions::kMaxDepth> change_points_{};  // steps, sorted
  int change_point_count_ = 0;
  int next_change_point_ = 0;
};

}  // namespace mapsim::sim
