// Scenario synthesis for LRU path events (synth/lru/): plans found by Z3, made concrete and
// confirmed by DPOR; outcomes kept apart (found / no plan / timeout / bad request).
#include <gtest/gtest.h>

#include "impl/uapi.h"
#include "synth/lru/plan_concretizer.h"
#include "synth/lru/scenario_reach.h"
#include "synth/lru/scenario_synthesizer.h"

namespace mapsim::synth {
namespace {

SynthRequest request_for(PathEvent target, LruKind lru) {
  SynthRequest request;
  request.target = target;
  request.lru = lru;
  request.max_steps = 3;
  request.timeout_seconds = 120;
  return request;
}

// The scenario reaches the target when explored on its own (not only inside the synthesizer).
void expect_confirmed(const SynthResult& result, PathEvent target) {
  ASSERT_EQ(result.status, SynthStatus::kFound) << result.message;
  const ReachReport reach = explore_for_events(result.spec, target);
  EXPECT_TRUE(reach.reached) << result.plan.describe();
  EXPECT_EQ(reach.executions, result.executions);
  ASSERT_EQ(result.spec.expectations.size(), 1u);
  EXPECT_EQ(result.spec.expectations[0].atoms.at(0).event, path_event_name(target));
}

TEST(SynthLru, SequentialNodeNeedsNoInterrupt) {
  const SynthResult result =
      synthesize_scenario(request_for(PathEvent::kStealPendingUnreferenced, LruKind::kCommon));
  expect_confirmed(result, PathEvent::kStealPendingUnreferenced);
  EXPECT_FALSE(result.plan.irq.present);
  EXPECT_TRUE(result.spec.interrupts.empty());
  EXPECT_EQ(result.spec.map.map_flags & bpf::kFNoCommonLru, 0u);
}

TEST(SynthLru, LockFailureNeedsAnInterruptOnTheSameCpu) {
  const SynthResult result =
      synthesize_scenario(request_for(PathEvent::kPercpuLockFailed, LruKind::kPercpu));
  expect_confirmed(result, PathEvent::kPercpuLockFailed);
  ASSERT_TRUE(result.plan.irq.present);
  ASSERT_EQ(result.spec.interrupts.size(), 1u);
  EXPECT_EQ(result.spec.interrupts[0].cpu, result.plan.ops[result.plan.irq.host].cpu);
  EXPECT_NE(result.spec.map.map_flags & bpf::kFNoCommonLru, 0u);
}

TEST(SynthLru, UnlinkedNodeIsFoundThroughAnInterruptAfterThePop) {
  const SynthResult result =
      synthesize_scenario(request_for(PathEvent::kEvictNotInTable, LruKind::kCommon));
  expect_confirmed(result, PathEvent::kEvictNotInTable);
  EXPECT_TRUE(result.plan.irq.present);
}

TEST(SynthLru, BadRequestsAreRefusedBeforeSolving) {
  SynthRequest request = request_for(PathEvent::kPercpuFreeHit, LruKind::kCommon);
  EXPECT_EQ(synthesize_scenario(request).status, SynthStatus::kBadRequest);
  request = request_for(PathEvent::kStealBegin, LruKind::kPercpu);
  EXPECT_EQ(synthesize_scenario(request).status, SynthStatus::kBadRequest);
  request = request_for(static_cast<PathEvent>(999), LruKind::kCommon);
  EXPECT_EQ(synthesize_scenario(request).status, SynthStatus::kBadRequest);
  request = request_for(PathEvent::kUpdateBegin, LruKind::kCommon);
  request.cpus = 0;
  EXPECT_NE(validate_synth_request(request), "");
}

TEST(SynthLru, RunningOutOfSolverTimeIsATimeoutNotUnreachable) {
  SynthRequest request = request_for(PathEvent::kStealLocalLockFailed, LruKind::kCommon);
  request.timeout_seconds = 1e-6;
  const SynthResult result = synthesize_scenario(request);
  EXPECT_EQ(result.status, SynthStatus::kTimeout) << result.message;
}

TEST(SynthLru, NoPlanIsReportedPerBound) {
  // Stealing, then failing this CPU's own lock, needs a lock cycle between two CPUs that the
  // model does not contain: UNSAT at every bound (kept small here; docs/synth.md states 5).
  SynthRequest request = request_for(PathEvent::kStealLocalLockFailed, LruKind::kCommon);
  request.max_steps = 2;
  const SynthResult result = synthesize_scenario(request);
  EXPECT_EQ(result.status, SynthStatus::kNoPlan) << result.message;
  EXPECT_EQ(result.candidates, 0);
}

TEST(SynthLru, ConcretizerNamesKeysByTheirListPosition) {
  // Two fresh keys on CPU 1, then a delete of the oldest pending key of CPU 1 (max_entries 8:
  // target_free 2, so both stay pending).
  LruPlan plan;
  plan.cpus = 2;
  plan.max_entries = 8;
  plan.ops = {PlanOp{1, PlanOpKind::kUpdate}, PlanOp{1, PlanOpKind::kUpdate},
              PlanOp{0, PlanOpKind::kDelete, KeyClass::kPending, 1, false, true}};
  plan.target_step = 2;
  const ConcretePlan concrete = concretize_plan(plan, PathEvent::kPushPendingToLocalFree);
  ASSERT_EQ(concrete.failure, "");
  ASSERT_EQ(concrete.spec.cpus.size(), 2u);
  const auto& first_insert = concrete.spec.cpus[1].steps.at(0);
  const auto& removal = concrete.spec.cpus[0].steps.at(0);
  EXPECT_EQ(removal.key, first_insert.key);  // the oldest of the two
  EXPECT_TRUE(explore_for_events(concrete.spec, PathEvent::kPushPendingToLocalFree).reached);

  plan.ops[2].key_class = KeyClass::kInactive;  // nothing is INACTIVE yet
  EXPECT_NE(concretize_plan(plan, PathEvent::kPushToGlobalFree).failure, "");
}

}  // namespace
}  // namespace mapsim::synth
