// synthesize_scenario() (synth/lru/scenario_synthesizer.h).
#include "synth/lru/scenario_synthesizer.h"

#include <z3++.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "synth/lru/plan_concretizer.h"
#include "synth/lru/plan_encoding.h"
#include "synth/lru/scenario_reach.h"

namespace mapsim::synth {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string opening_comment(const SynthRequest& request, const SynthResult& result,
                            bool interrupt) {
  std::ostringstream text;
  const char* name = path_event_name(request.target);
  text << "Reaches " << name << " on the " << lru_kind_name(request.lru)
       << " LRU flowchart (path event " << static_cast<int>(request.target) << ":\n  "
       << path_event_summary(request.target) << "). Synthesised by\n"
       << "  mapsim synth --target " << name << " --lru " << lru_kind_name(request.lru)
       << " --cpus " << request.cpus << "\n"
       << "Z3 bounded model checking of the abstract LRU lists found the plan below at bound "
       << result.bound << "\n"
       << "(" << (interrupt ? "with an interrupt" : "no interrupt") << ", "
       << result.candidates - 1 << " refuted candidate(s) before it); the simulator (DPOR) "
       << "showed the node\nin execution " << result.executions << ".\n"
       << "Plan: " << result.plan.describe();
  std::string comment = text.str();
  while (!comment.empty() && comment.back() == '\n') comment.pop_back();
  return comment;
}

}  // namespace

// Bounds tried without an interrupt before any interrupt is tried.
constexpr int kPlainFirstBound = 3;

static std::vector<IrqPhase> irq_phases(LruKind lru) {
  std::vector<IrqPhase> phases;
  for (int phase = 1; phase <= 9; ++phase) {
    const auto value = static_cast<IrqPhase>(phase);
    const bool common_only = value == IrqPhase::kRefill || value == IrqPhase::kStealVictim;
    if (lru == LruKind::kCommon || !common_only) phases.push_back(value);
  }
  return phases;
}

const char* synth_status_name(SynthStatus status) {
  switch (status) {
    case SynthStatus::kFound: return "found";
    case SynthStatus::kBadRequest: return "bad_request";
    case SynthStatus::kNoPlan: return "no_plan";
    case SynthStatus::kRefuted: return "refuted";
    case SynthStatus::kTimeout: return "timeout";
  }
  return "?";
}

bool event_in_chart(PathEvent event, LruKind lru) {
  const int id = static_cast<int>(event);
  const int group = id / 100;
  const bool common_only = group == 2 || group == 3 || group == 4 || (id >= 700 && id <= 702);
  const bool percpu_only = group == 5 || id == 703;
  return lru == LruKind::kCommon ? !percpu_only : !common_only;
}

std::string validate_synth_request(const SynthRequest& request) {
  if (path_event_name(request.target) == nullptr) return "the target is not a path event";
  if (!event_in_chart(request.target, request.lru)) {
    return std::string(path_event_name(request.target)) + " is not a node of the " +
           lru_kind_name(request.lru) + " LRU flowchart";
  }
  if (request.cpus < 1 || request.cpus > 4) return "--cpus must be 1..4";
  if (request.lru == LruKind::kPercpu && request.cpus > 2) {
    return "--cpus must be 1..2 with --lru percpu (every list at most 4 nodes, 8 in the map)";
  }
  if (request.max_steps < 1 || request.max_steps > 8) return "--max-steps must be 1..8";
  if (!(request.timeout_seconds > 0)) return "--timeout must be positive";
  return "";
}

SynthResult synthesize_scenario(const SynthRequest& request) {
  SynthResult result;
  result.message = validate_synth_request(request);
  if (!result.message.empty()) return result;
  // Plain plans first: without an interrupt up to kPlainFirstBound operations (cheap formulas,
  // and a scenario a reader follows without thinking about nesting); then bound by bound, with
  // an interrupt at each phase (one formula per phase keeps each small) and without.
  std::vector<EncodingOptions> rounds;
  auto add_round = [&](int bound, bool interrupt, IrqPhase phase) {
    EncodingOptions options;
    options.lru = request.lru;
    options.cpus = request.cpus;
    options.steps = bound;
    options.allow_interrupt = interrupt;
    options.irq_phase = phase;
    rounds.push_back(options);
  };
  const int plain_first = std::min(request.max_steps, kPlainFirstBound);
  for (int bound = 1; bound <= plain_first; ++bound) add_round(bound, false, IrqPhase::kAfterPop);
  for (int bound = 1; bound <= request.max_steps; ++bound) {
    if (bound > plain_first) add_round(bound, false, IrqPhase::kAfterPop);
    for (IrqPhase phase : irq_phases(request.lru)) add_round(bound, true, phase);
  }
  for (const EncodingOptions& options : rounds) {
    {
      const int bound = options.steps;
      const bool interrupt = options.allow_interrupt;
      z3::context context;
      PlanEncoding encoding(context, options, request.target);
      z3::solver solver(context, "QF_BV");
      for (const z3::expr& constraint : encoding.constraints()) solver.add(constraint);
      int tried_here = 0;
      while (true) {
        const double left = request.timeout_seconds - result.solve_seconds;
        if (left <= 0) {
          result.status = SynthStatus::kTimeout;
          result.message = "the solver ran out of time (" +
                           std::to_string(request.timeout_seconds) + " s) at bound " +
                           std::to_string(bound) + ": no answer, and no proof there is none";
          return result;
        }
        z3::params params(context);
        params.set("timeout", static_cast<unsigned>(left * 1000) + 1);
        solver.set(params);
        const auto solve_start = std::chrono::steady_clock::now();
        const z3::check_result outcome = solver.check();
        result.solve_seconds += seconds_since(solve_start);
        if (outcome == z3::unsat) break;
        if (outcome == z3::unknown) {
          result.status = SynthStatus::kTimeout;
          result.message = "the solver gave up at bound " + std::to_string(bound) + " (" +
                           solver.reason_unknown() + "): no answer, and no proof there is none";
          return result;
        }
        const LruPlan plan = encoding.decode(solver.get_model());
        ++result.candidates;
        ++tried_here;
        const auto check_start = std::chrono::steady_clock::now();
        ConcretePlan concrete = concretize_plan(plan, request.target);
        std::string verdict = concrete.failure;
        if (verdict.empty()) {
          const ReachReport reach =
              explore_for_events(concrete.spec, request.target, request.max_executions);
          if (reach.reached) {
            result.check_seconds += seconds_since(check_start);
            result.status = SynthStatus::kFound;
            result.plan = plan;
            result.bound = bound;
            result.executions = reach.executions;
            result.spec = std::move(concrete.spec);
            result.spec.name = std::string("synth-") + lru_kind_name(request.lru) + "-" +
                               path_event_name(request.target);
            // The budget it was confirmed in: DPOR is deterministic, so a run of the file
            // explores the same executions in the same order.
            result.spec.explore.executions = request.max_executions;
            result.spec.description = opening_comment(request, result, interrupt);
            result.message = "found at bound " + std::to_string(bound);
            return result;
          }
          verdict = !reach.error.empty()
                        ? reach.error
                        : "not shown in " + std::to_string(reach.executions) + " executions" +
                              (reach.exhausted ? " (all of them)" : "");
        }
        result.check_seconds += seconds_since(check_start);
        std::string line = plan.describe();
        while (!line.empty() && line.back() == '\n') line.pop_back();
        result.refuted.push_back(line + "\n  => " + verdict);
        solver.add(encoding.blocking(plan));
        if (tried_here >= request.max_candidates_per_bound) break;
      }
    }
  }
  if (result.candidates == 0) {
    result.status = SynthStatus::kNoPlan;
    result.message = "UNSAT for every bound up to " + std::to_string(request.max_steps) +
                     " operations (with and without an interrupt): the model has no plan";
  } else {
    result.status = SynthStatus::kRefuted;
    result.message = "the model proposed " + std::to_string(result.candidates) +
                     " plan(s); the simulator confirmed none";
  }
  return result;
}

}  // namespace mapsim::synth
