// viz/swimlane.h: swimlanes of real simulator executions, parsed back from the svg.
//   * every operation's invocation and result is a box in its CPU's lane; lock hand-offs are
//     drawn as computed from the trace;
//   * `detail` draws every visible operation under its step id;
//   * a failing execution's violating step is red and the failed check is stated beside it;
//     an end-check failure is stated after the last step;
//   * an interrupt is drawn inside its CPU's lane, on its own frame;
//   * a trace above the cap is drawn up to it, with a note saying what was left out; the
//     violating step is drawn wherever it lies;
//   * inconsistent input is an error naming the record; a hand-built trace (what a trace-file
//     reader produces) draws the same way.
#include "viz/swimlane.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "impl/map.h"
#include "impl/uapi.h"
#include "sim/capture.h"
#include "sim/explorer.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/random_walk.h"
#include "sim/testing/canaries.h"
#include "sim/testing/map_scenarios.h"
#include "tests/viz_support/parsed_svg.h"
#include "tests/viz_support/svg_document.h"
#include "viz/swimlane_layout.h"

namespace mapsim::viz {
namespace {

using testing::SvgDocument;
using testing::SvgGroup;

struct Captured {
  SwimlaneTrace swimlanes;
  sim::Trace trace;
  sim::ExecutionResult result;
  bool found = false;
};

// The first execution of `scenario` (random walk, `seed`) that `wanted` accepts.
Captured capture(const sim::Scenario& scenario, uint64_t seed,
                 bool (*wanted)(const sim::ExecutionRecord&), uint64_t executions = 200) {
  Captured captured;
  sim::ExplorerOptions options;
  options.stop_on_failure = false;
  options.max_executions = executions;
  options.observer = [&](const sim::ExecutionRecord& record) {
    if (captured.found || !wanted(record)) return;
    captured.swimlanes = swimlane_trace_from_sim(*record.trace, *record.instance, *record.outcome,
                                                 record.result, scenario.name);
    captured.trace = *record.trace;
    captured.result = *record.result;
    captured.found = true;
  };
  sim::Explorer explorer(scenario, options);
  sim::RandomWalkOptions random;
  random.seed = seed;
  random.budget = executions;
  sim::RandomWalkStrategy strategy(random);
  explorer.explore(strategy);
  return captured;
}

bool any(const sim::ExecutionRecord&) { return true; }
bool failing(const sim::ExecutionRecord& record) { return bool(record.result->failure); }

SvgDocument render(const SwimlaneTrace& trace, const SwimlaneOptions& options) {
  return testing::svg_of(draw_swimlanes(trace, options));
}

bool inside(const SvgGroup& inner, const SvgGroup& outer) {
  return inner.has_bounds && outer.has_bounds && inner.left >= outer.left &&
         inner.right <= outer.right;
}

TEST(SwimlaneTest, EveryOperationIsABoxInItsCpusLaneAndHandoffsAreDrawn) {
  const Captured run =
      capture(sim::testing::map_scenario(sim::testing::lru_three_cpus()), 5, &any);
  ASSERT_TRUE(run.found);
  const SvgDocument svg = render(run.swimlanes, SwimlaneOptions{});
  size_t operations = 0;
  for (const sim::TraceRecord& record : run.trace.records()) {
    if (record.kind != sim::TraceKind::kOperationBegin) continue;
    ++operations;
    const std::string op = "ctx" + std::to_string(record.context) + ".op" +
                           std::to_string(record.value);
    const SvgGroup* invoke = svg.find(op + ".invoke");
    const SvgGroup* result = svg.find(op + ".result");
    ASSERT_NE(invoke, nullptr) << op;
    ASSERT_NE(result, nullptr) << op;
    EXPECT_TRUE(invoke->has_class("op-invoke"));
    EXPECT_TRUE(result->has_class("op-result"));
    const SvgGroup* lane = svg.find("lane.cpu" + std::to_string(record.cpu));
    ASSERT_NE(lane, nullptr);
    EXPECT_TRUE(inside(*invoke, *lane)) << op << " lies in the lane of CPU " << record.cpu;
  }
  EXPECT_EQ(operations, 9u);
  EXPECT_EQ(svg.groups_with_class("op-invoke").size(), operations);
  EXPECT_NE(svg.find("ctx0.op0.invoke")->text.find("update key=1"), std::string::npos);
  const internal::SwimlaneLayout layout =
      internal::layout_swimlanes(run.swimlanes, SwimlaneOptions{});
  size_t handoffs = 0;
  for (const internal::SwimlaneRelation& relation : layout.relations) {
    handoffs += relation.kind == internal::SwimlaneRelation::Kind::kHandoff ? 1 : 0;
    EXPECT_NE(run.swimlanes.records[relation.from].context,
              run.swimlanes.records[relation.to].context);
  }
  EXPECT_GT(handoffs, 0u) << "three CPUs share the global LRU lock";
  EXPECT_EQ(svg.groups_with_class("handoff").size(), handoffs);
  EXPECT_FALSE(svg.groups_with_class("reads-from").empty());
  EXPECT_TRUE(svg.groups_with_class("step").size() > 0) << "relation ends are drawn as dots";
  EXPECT_EQ(svg.find("violation"), nullptr);
}

TEST(SwimlaneTest, DetailDrawsEveryVisibleOperationAndPathEvent) {
  const Captured run = capture(sim::testing::map_scenario(sim::testing::lru_two_cpus()), 3, &any);
  ASSERT_TRUE(run.found);
  SwimlaneOptions options;
  options.detail = true;
  const SvgDocument svg = render(run.swimlanes, options);
  size_t steps = 0;
  size_t events = 0;
  for (const sim::TraceRecord& record : run.trace.records()) {
    if (record.kind == sim::TraceKind::kStep) {
      ++steps;
      const SvgGroup* step = svg.find("step." + std::to_string(record.step));
      ASSERT_NE(step, nullptr) << record.step;
      EXPECT_TRUE(step->has_class("step"));
      EXPECT_NE(step->text.find(sim::visible_op_kind_name(record.op.kind)), std::string::npos);
    }
    events += record.kind == sim::TraceKind::kPathEvent ? 1 : 0;
  }
  EXPECT_EQ(svg.groups_with_class("step").size(), steps);
  EXPECT_EQ(svg.groups_with_class("path-event").size(), events);
  EXPECT_NE(svg.all_text().find("lru.update.begin"), std::string::npos);
}

// LRU map whose after-every-step check fails as soon as key 2 can be looked up.
sim::Scenario key_two_forbidden() {
  sim::Scenario scenario = sim::testing::map_scenario(sim::testing::lru_two_cpus());
  scenario.name = "key 2 forbidden";
  auto build = scenario.build;
  scenario.build = [build](SimPlatform& platform) {
    sim::ScenarioInstance instance = build(platform);
    auto map = std::static_pointer_cast<std::unique_ptr<Map>>(instance.state);
    instance.check_step = [map]() -> std::string {
      const uint32_t key = 2;
      uint64_t value = 0;
      return (*map)->lookup_elem(&key, &value) == 0 ? "key 2 is in the map" : "";
    };
    return instance;
  };
  return scenario;
}

TEST(SwimlaneTest, ViolatingStepIsRedAndTheFailedCheckIsStatedBesideIt) {
  const Captured run = capture(key_two_forbidden(), 1, &failing);
  ASSERT_TRUE(run.found);
  ASSERT_EQ(run.result.failure.kind, sim::FailureKind::kStepCheck);
  const uint32_t violating = run.result.failure.step - 1;
  for (bool detail : {false, true}) {
    SwimlaneOptions options;
    options.detail = detail;
    const SvgDocument svg = render(run.swimlanes, options);
    const std::vector<const SvgGroup*> red = svg.groups_with_class("violating-step");
    ASSERT_EQ(red.size(), 1u);
    EXPECT_EQ(red[0]->id, "step." + std::to_string(violating));
    const SvgGroup* note = svg.find("violation");
    ASSERT_NE(note, nullptr);
    EXPECT_NE(note->text.find("key 2 is in the map"), std::string::npos) << note->text;
    EXPECT_NE(note->text.find("at step " + std::to_string(violating)), std::string::npos);
    EXPECT_FALSE(svg.groups_with_class("violation-link").empty());
  }
}

TEST(SwimlaneTest, EndCheckFailureIsStatedAfterTheLastStep) {
  const Captured run = capture(sim::testing::broken_bucket_scenario(), 2, &failing);
  ASSERT_TRUE(run.found);
  ASSERT_EQ(run.result.failure.kind, sim::FailureKind::kCheck);
  const SvgDocument svg = render(run.swimlanes, SwimlaneOptions{});
  const SvgGroup* note = svg.find("violation");
  ASSERT_NE(note, nullptr);
  EXPECT_NE(note->text.find(run.result.failure.message.substr(0, 20)), std::string::npos);
  EXPECT_NE(note->text.find("after the last step"), std::string::npos);
  EXPECT_TRUE(svg.groups_with_class("violating-step").empty());
}

bool same_records(const SwimlaneTrace& a, const SwimlaneTrace& b) {
  if (a.records.size() != b.records.size() || a.contexts.size() != b.contexts.size()) return false;
  for (size_t i = 0; i < a.records.size(); ++i) {
    const SwimlaneRecord& x = a.records[i];
    const SwimlaneRecord& y = b.records[i];
    if (x.kind != y.kind || x.context != y.context || x.step != y.step || x.text != y.text ||
        x.value != y.value || x.access != y.access || x.object != y.object) {
      return false;
    }
  }
  return true;
}

TEST(SwimlaneTest, CapturedExecutionGivesTheSameSwimlanes) {
  const sim::Scenario scenario = key_two_forbidden();
  sim::Explorer explorer(scenario);
  sim::RandomWalkOptions random;
  random.seed = 1;
  sim::RandomWalkStrategy strategy(random);
  const sim::ExploreReport report = explorer.explore(strategy);
  ASSERT_FALSE(report.failures.empty());
  const sim::CapturedExecution captured =
      sim::capture_execution(scenario, report.failures[0].schedule);
  ASSERT_TRUE(captured.ok()) << captured.error << captured.divergence;
  const SwimlaneTrace from_capture = swimlane_trace_from_capture(captured, "captured");
  const Captured observed = capture(scenario, 1, &failing);
  ASSERT_TRUE(observed.found);
  EXPECT_TRUE(same_records(from_capture, observed.swimlanes));
  ASSERT_TRUE(from_capture.violation.has_value());
  EXPECT_EQ(from_capture.violation->message, "key 2 is in the map");
  EXPECT_EQ(from_capture.violation->step, observed.swimlanes.violation->step);
  EXPECT_EQ(from_capture.records.front().text, observed.swimlanes.records.front().text);
}

TEST(SwimlaneTest, InterruptIsDrawnInsideItsCpusLane) {
  sim::testing::MapScenarioConfig config = sim::testing::lru_two_cpus();
  config.nested = {{0, {{sim::testing::MapOperation::Kind::kProgramUpdate, 9}}}};
  // A run where the program interrupts CPU 0 after its first operation began.
  const Captured run = capture(sim::testing::map_scenario(config), 4, [](const auto& record) {
    const sim::Trace& trace = *record.trace;
    bool cpu0_started = false;
    for (const sim::TraceRecord& r : trace.records()) {
      if (r.kind == sim::TraceKind::kOperationBegin && r.context == 0) cpu0_started = true;
      if (r.kind == sim::TraceKind::kOperationBegin && r.context == 2) return cpu0_started;
    }
    return false;
  });
  ASSERT_TRUE(run.found);
  const SvgDocument svg = render(run.swimlanes, SwimlaneOptions{});
  const SvgGroup* frame = svg.find("irq.ctx2");
  const SvgGroup* lane = svg.find("lane.cpu0");
  const SvgGroup* nested = svg.find("ctx2.op0.invoke");
  const SvgGroup* interrupted = svg.find("ctx0.op0.invoke");
  ASSERT_TRUE(frame && lane && nested && interrupted);
  EXPECT_TRUE(frame->has_class("irq-frame"));
  EXPECT_TRUE(inside(*nested, *frame));
  EXPECT_TRUE(inside(*frame, *lane));
  EXPECT_GT(nested->left, interrupted->left) << "the interrupt is indented";
  EXPECT_NE(frame->text.find("irq@cpu0"), std::string::npos);
}

TEST(SwimlaneTest, TraceAboveTheCapIsDrawnUpToItWithANote) {
  const Captured run =
      capture(sim::testing::map_scenario(sim::testing::lru_three_cpus()), 5, &any);
  SwimlaneOptions options;
  options.detail = true;
  options.record_cap = 60;
  const SvgDocument svg = render(run.swimlanes, options);
  const internal::SwimlaneLayout layout = internal::layout_swimlanes(run.swimlanes, options);
  ASSERT_GT(layout.left_out_records, 0u);
  EXPECT_EQ(layout.items.size(), 61u) << "60 items and the gap";
  ASSERT_EQ(layout.gaps.size(), 1u);
  EXPECT_EQ(layout.gaps[0].records, layout.left_out_records);
  const SvgGroup* gap = svg.find("gap.0");
  ASSERT_NE(gap, nullptr);
  EXPECT_NE(gap->text.find(std::to_string(layout.left_out_records) + " records left out"),
            std::string::npos)
      << gap->text;
  EXPECT_NE(svg.all_text().find("picture cap: 60 items drawn of " +
                                std::to_string(layout.candidate_items)),
            std::string::npos);
  EXPECT_LE(svg.groups_with_class("step").size() + svg.groups_with_class("path-event").size() +
                svg.groups_with_class("op-invoke").size() +
                svg.groups_with_class("op-result").size(),
            60u);
}

SwimlaneRecord record(SwimlaneRecord::Kind kind, int context, uint32_t step, const char* text,
                      int64_t value = 0) {
  SwimlaneRecord out;
  out.kind = kind;
  out.context = context;
  out.step = step;
  out.text = text;
  out.value = value;
  return out;
}

// A long execution (2 CPUs, 3000 steps) that fails at step `violating`.
SwimlaneTrace long_failing_trace(uint32_t violating) {
  SwimlaneTrace trace;
  trace.title = "long";
  trace.contexts = {{0, false, "cpu0"}, {1, false, "cpu1"}};
  trace.records.push_back(record(SwimlaneRecord::Kind::kInvoke, 0, 0, "update key=1"));
  trace.records.push_back(record(SwimlaneRecord::Kind::kInvoke, 1, 0, "update key=2"));
  for (uint32_t step = 0; step < 3000; ++step) {
    trace.records.push_back(record(SwimlaneRecord::Kind::kStep, int(step % 2), step, "load"));
  }
  trace.records.push_back(record(SwimlaneRecord::Kind::kResult, 0, 3000, ""));
  trace.records.push_back(record(SwimlaneRecord::Kind::kResult, 1, 3000, ""));
  trace.violation = SwimlaneViolation{"step check", "key 2 is in the map", violating, {}, ""};
  return trace;
}

TEST(SwimlaneTest, CapKeepsTheViolatingStepWhereverItIs) {
  SwimlaneOptions options;
  options.detail = true;
  options.record_cap = 80;
  // In the middle: the first and last items, a window around the violating step, two gaps.
  const SwimlaneTrace middle = long_failing_trace(1500);
  const internal::SwimlaneLayout layout = internal::layout_swimlanes(middle, options);
  ASSERT_EQ(layout.gaps.size(), 2u);
  EXPECT_LE(layout.items.size(), 82u) << "80 items and two gaps";
  EXPECT_LT(layout.gaps[0].last_step, 1500u);
  EXPECT_GT(layout.gaps[1].first_step, 1500u);
  EXPECT_EQ(layout.left_out_records, layout.gaps[0].records + layout.gaps[1].records);
  EXPECT_EQ(layout.left_out_records + layout.items.size() - 2, middle.records.size());
  const SvgDocument svg = render(middle, options);
  const std::vector<const SvgGroup*> red = svg.groups_with_class("violating-step");
  ASSERT_EQ(red.size(), 1u);
  EXPECT_EQ(red[0]->id, "step.1500");
  EXPECT_FALSE(svg.groups_with_class("violation-link").empty());
  for (const char* id : {"gap.0", "gap.1", "ctx0.op0.invoke", "ctx1.op0.result"}) {
    EXPECT_NE(svg.find(id), nullptr) << id;
  }
  const std::string& text = svg.all_text();
  EXPECT_NE(text.find("picture cap: 80 items drawn of 3004; " +
                      std::to_string(layout.left_out_records) + " records left out:"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("records " + std::to_string(layout.gaps[1].first_record) + " to " +
                      std::to_string(layout.gaps[1].last_record)),
            std::string::npos);
  // Near the end: one gap, as for any trace.
  const internal::SwimlaneLayout late =
      internal::layout_swimlanes(long_failing_trace(2990), options);
  EXPECT_EQ(late.gaps.size(), 1u);
  EXPECT_EQ(late.items.size(), 81u);
  ASSERT_TRUE(late.violating_record.has_value());
  EXPECT_NE(late.item_of_record[*late.violating_record], internal::kNoItem);
}

TEST(SwimlaneTest, InconsistentTraceIsAnErrorNamingTheRecord) {
  SwimlaneTrace trace;
  trace.contexts = {{0, false, "cpu0"}};
  trace.records = {record(SwimlaneRecord::Kind::kInvoke, 0, 0, "update"),
                   record(SwimlaneRecord::Kind::kStep, 3, 1, "spin_lock obj#1")};
  Picture picture = draw_swimlanes(trace);
  EXPECT_FALSE(picture.ok());
  EXPECT_EQ(picture.error, "swimlanes: record 1: context 3 does not exist (1 contexts)");
  trace.records[1].context = 0;
  trace.records[0].step = 5;
  picture = draw_swimlanes(trace);
  EXPECT_EQ(picture.error,
            "swimlanes: record 1: step 1 after step 5 (steps must not go backwards)");
}

TEST(SwimlaneTest, HandBuiltTraceDrawsHandoffsFromItsAccesses) {
  // What a trace-file reader would produce: two CPUs passing one lock.
  using K = SwimlaneRecord::Kind;
  SwimlaneTrace trace;
  trace.title = "hand-built";
  trace.contexts = {{0, false, "cpu0"}, {1, false, "cpu1"}};
  auto step = [](int context, uint32_t number, SwimlaneAccess access, const char* text) {
    SwimlaneRecord out = record(K::kStep, context, number, text);
    out.object = 42;
    out.access = access;
    out.object_name = "obj#1";
    return out;
  };
  trace.records = {record(K::kInvoke, 0, 0, "delete key=1"),
                   record(K::kInvoke, 1, 0, "update key=1"),
                   step(0, 0, SwimlaneAccess::kAcquire, "bucket_lock obj#1"),
                   step(0, 1, SwimlaneAccess::kWrite, "atomic_store obj#1"),
                   step(0, 2, SwimlaneAccess::kRelease, "bucket_unlock obj#1"),
                   record(K::kResult, 0, 3, ""),
                   step(1, 3, SwimlaneAccess::kAcquire, "bucket_lock obj#1"),
                   step(1, 4, SwimlaneAccess::kRead, "atomic_load obj#1"),
                   record(K::kResult, 1, 5, "", -17)};
  const SvgDocument svg = render(trace, SwimlaneOptions{});
  EXPECT_EQ(svg.groups_with_class("handoff").size(), 1u);
  EXPECT_EQ(svg.groups_with_class("reads-from").size(), 1u);
  const SvgGroup* error = svg.find("ctx1.op0.result");
  ASSERT_NE(error, nullptr);
  EXPECT_TRUE(error->has_class("op-error"));
  EXPECT_NE(error->text.find("-17 EEXIST"), std::string::npos);
}

}  // namespace
}  // namespace mapsim::viz
