#include "cli/schedule_shrinker.h"

#include <optional>

#include "sim/strategy/guided.h"
#include "sim/strategy/replay.h"

namespace mapsim::cli {
namespace {

using sim::GuidedStrategy;

// Replays a schedule and notes every allocation outcome by context and ordinal.
class OutcomeRecorder final : public sim::Strategy {
 public:
  explicit OutcomeRecorder(const sim::Schedule& schedule) : replay_(schedule) {}
  const char* name() const override { return "outcome-recorder"; }
  bool begin_execution() override { return replay_.begin_execution(); }
  int choose_context(const sim::Snapshot& snapshot) override {
    return replay_.choose_context(snapshot);
  }
  int choose_value(const sim::Snapshot& snapshot, const sim::ValueRequest& request) override {
    const int value = replay_.choose_value(snapshot, request);
    if (value != kAbort) outcomes_[{request.context, request.ordinal}] = value;
    return value;
  }
  bool exhausted() const override { return replay_.exhausted(); }
  uint64_t default_budget() const override { return 1; }
  std::string abort_reason() const override { return replay_.abort_reason(); }
  bool abort_is_failure() const override { return true; }
  std::string describe() const override { return "strategy=outcome-recorder"; }
  const GuidedStrategy::Outcomes& outcomes() const { return outcomes_; }

 private:
  sim::ReplayStrategy replay_;
  GuidedStrategy::Outcomes outcomes_;
};

struct Attempt {
  sim::Schedule schedule;
  std::vector<int> contexts;
  std::vector<size_t> preemptions;

  bool better_than(const Attempt& other) const {
    if (preemptions.size() != other.preemptions.size()) {
      return preemptions.size() < other.preemptions.size();
    }
    return contexts.size() < other.contexts.size();
  }
};

sim::ExplorerOptions single_run(sim::ExplorerOptions options) {
  options.max_executions = 1;
  options.stop_on_failure = true;
  options.failures_kept = 1;
  options.determinism_check_every = 0;
  options.observer = nullptr;
  options.log = nullptr;
  return options;
}

// The failing execution a wish produces, if it fails.
std::optional<Attempt> try_wish(const sim::Scenario& scenario,
                                const sim::ExplorerOptions& options, std::vector<int> wish,
                                const GuidedStrategy::Outcomes& outcomes) {
  sim::Explorer explorer(scenario, single_run(options));
  GuidedStrategy guided(std::move(wish), outcomes);
  const sim::ExploreReport report = explorer.explore(guided);
  if (report.failures.empty()) return std::nullopt;
  Attempt attempt;
  attempt.schedule = report.failures.front().schedule;
  attempt.contexts = GuidedStrategy::contexts_of(attempt.schedule);
  attempt.preemptions = guided.preemption_steps();
  return attempt;
}

// The end of the run of equal contexts that starts at `from`.
size_t run_end(const std::vector<int>& contexts, size_t from) {
  size_t end = from;
  while (end < contexts.size() && contexts[end] == contexts[from]) ++end;
  return end;
}

std::vector<std::vector<int>> candidates_of(const Attempt& best) {
  std::vector<std::vector<int>> wishes;
  const std::vector<int>& t = best.contexts;
  for (size_t p : best.preemptions) {
    if (p == 0 || p > t.size()) continue;
    wishes.emplace_back(t.begin(), t.begin() + static_cast<ptrdiff_t>(p));  // cut
    const int previous = t[p - 1];
    size_t resume = run_end(t, p);
    while (resume < t.size() && t[resume] != previous) ++resume;
    if (resume >= t.size()) continue;
    const size_t resume_end = run_end(t, resume);
    std::vector<int> deferred(t.begin(), t.begin() + static_cast<ptrdiff_t>(p));
    deferred.insert(deferred.end(), t.begin() + static_cast<ptrdiff_t>(resume),
                    t.begin() + static_cast<ptrdiff_t>(resume_end));
    deferred.insert(deferred.end(), t.begin() + static_cast<ptrdiff_t>(p),
                    t.begin() + static_cast<ptrdiff_t>(resume));
    deferred.insert(deferred.end(), t.begin() + static_cast<ptrdiff_t>(resume_end), t.end());
    wishes.push_back(std::move(deferred));
  }
  // swap: two neighbouring stretches of different contexts change places.
  for (size_t first = 0; first < t.size();) {
    const size_t second = run_end(t, first);
    if (second >= t.size()) break;
    const size_t third = run_end(t, second);
    std::vector<int> swapped(t.begin(), t.begin() + static_cast<ptrdiff_t>(first));
    swapped.insert(swapped.end(), t.begin() + static_cast<ptrdiff_t>(second),
                   t.begin() + static_cast<ptrdiff_t>(third));
    swapped.insert(swapped.end(), t.begin() + static_cast<ptrdiff_t>(first),
                   t.begin() + static_cast<ptrdiff_t>(second));
    swapped.insert(swapped.end(), t.begin() + static_cast<ptrdiff_t>(third), t.end());
    wishes.push_back(std::move(swapped));
    first = second;
  }
  return wishes;
}

GuidedStrategy::Outcomes outcomes_of(const sim::Scenario& scenario,
                                     const sim::ExplorerOptions& options,
                                     const sim::Schedule& schedule) {
  OutcomeRecorder recorder(schedule);
  sim::Explorer explorer(scenario, single_run(options));
  explorer.explore(recorder);
  return recorder.outcomes();
}

}  // namespace

int schedule_preemptions(const sim::Scenario& scenario, const sim::ExplorerOptions& options,
                         const sim::Schedule& schedule) {
  sim::ExplorerOptions quiet = single_run(options);
  quiet.stop_on_failure = false;
  sim::Explorer explorer(scenario, quiet);
  GuidedStrategy guided(GuidedStrategy::contexts_of(schedule),
                        outcomes_of(scenario, options, schedule));
  const sim::ExploreReport report = explorer.explore(guided);
  if (!report.error.empty() || report.executions != 1) return -1;
  return guided.preemptions();
}

ScheduleShrink shrink_preemptions(const sim::Scenario& scenario,
                                  const sim::ExplorerOptions& options,
                                  const sim::Schedule& schedule,
                                  const std::function<bool(const sim::Schedule&)>& same_failure,
                                  const ScheduleShrinkOptions& limits) {
  ScheduleShrink shrink;
  const GuidedStrategy::Outcomes outcomes = outcomes_of(scenario, options, schedule);
  std::optional<Attempt> best =
      try_wish(scenario, options, GuidedStrategy::contexts_of(schedule), outcomes);
  shrink.candidates = 1;
  if (!best || !same_failure(best->schedule)) {
    shrink.error = "the trace's schedule does not fail the same way when run again";
    shrink.schedule = schedule;
    return shrink;
  }
  shrink.preemptions_before = static_cast<int>(best->preemptions.size());
  shrink.steps_before = static_cast<uint32_t>(best->contexts.size());
  bool improved = true;
  while (improved) {
    improved = false;
    for (std::vector<int>& wish : candidates_of(*best)) {
      if (shrink.candidates >= limits.max_candidates ||
          std::chrono::steady_clock::now() >= limits.deadline) {
        break;
      }
      ++shrink.candidates;
      std::optional<Attempt> attempt = try_wish(scenario, options, std::move(wish), outcomes);
      if (attempt && attempt->better_than(*best) && same_failure(attempt->schedule)) {
        best = std::move(attempt);
        improved = true;
        break;
      }
    }
  }
  shrink.schedule = best->schedule;
  shrink.preemptions_after = static_cast<int>(best->preemptions.size());
  shrink.steps_after = static_cast<uint32_t>(best->contexts.size());
  return shrink;
}

}  // namespace mapsim::cli
