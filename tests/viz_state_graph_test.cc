// viz/state_graph.h: states named by the Mazurkiewicz trace of their prefix, merged across
// executions, drawn with their transitions, caps stated in the picture.
//   * two CPUs storing to cells of their own: every order is equivalent, so the 6 interleavings
//     of 2 + 2 stores make a 3 x 3 grid of states (9 states, 12 transitions, 1 final state);
//   * the same stores to one shared cell: every order differs (19 distinct prefixes, 6 finals);
//   * the canary's failing executions end in red states, with the failure as their tooltip;
//   * state and execution caps cut the picture and say so in its title; a render stopped at its
//     time cap is drawn again with fewer states, the title saying so.
#include "viz/state_graph.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <vector>

#include "sim/explorer.h"
#include "sim/sim_platform.h"
#include "sim/strategy/bounded_dfs.h"
#include "sim/strategy/dpor.h"
#include "sim/testing/canaries.h"
#include "tests/viz_support/parsed_svg.h"
#include "tests/viz_support/svg_document.h"

namespace mapsim::viz {
namespace {

using testing::SvgDocument;

// Two CPUs, two stores each, to their own cell or to one shared cell.
sim::Scenario stores(bool shared_cell) {
  sim::Scenario scenario;
  scenario.name = shared_cell ? "stores shared" : "stores own";
  scenario.possible_cpus = 2;
  scenario.build = [shared_cell](SimPlatform&) {
    auto cells = std::make_shared<std::vector<SimPlatform::Racy<int>>>(2);
    sim::ScenarioInstance instance;
    instance.cpus.resize(2);
    for (int cpu = 0; cpu < 2; ++cpu) {
      const int cell = shared_cell ? 0 : cpu;
      instance.cpus[cpu].push_back(sim::Operation{"stores", [cells, cell, cpu] {
        (*cells)[cell].store(cpu * 10 + 1);
        (*cells)[cell].store(cpu * 10 + 2);
        return int64_t{0};
      }});
    }
    instance.state = cells;
    return instance;
  };
  return scenario;
}

StateGraphInput explore_all(const sim::Scenario& scenario, size_t execution_cap = 2000) {
  StateGraphRecorder recorder(scenario.name, execution_cap);
  sim::ExplorerOptions options;
  options.stop_on_failure = false;
  options.observer = [&recorder](const sim::ExecutionRecord& record) { recorder.observe(record); };
  sim::Explorer explorer(scenario, options);
  sim::BoundedDfsOptions dfs_options;
  dfs_options.first_bound = sim::BoundedDfsOptions::kUnbounded;
  sim::BoundedDfsStrategy dfs(dfs_options);
  const sim::ExploreReport report = explorer.explore(dfs);
  EXPECT_TRUE(report.exhausted);
  return recorder.input();
}

SvgDocument render(const StateGraphInput& input, const StateGraphOptions& options = {}) {
  return testing::svg_of(draw_state_graph(input, options));
}

TEST(StateGraphTest, EquivalentInterleavingsReachTheSameStates) {
  const StateGraphInput input = explore_all(stores(false));
  ASSERT_EQ(input.executions.size(), 6u) << "C(4, 2) interleavings";
  std::set<uint64_t> finals;
  for (const StateGraphExecution& execution : input.executions) {
    ASSERT_EQ(execution.steps.size(), 4u);
    finals.insert(execution.steps.back().state_after);
  }
  EXPECT_EQ(finals.size(), 1u);
  const BuiltStateGraph built = build_state_graph(input, {});
  EXPECT_EQ(built.states_total, 9u);
  EXPECT_EQ(built.transitions_total, 12u);
  EXPECT_EQ(built.states_left_out, 0u);
  const SvgDocument svg = render(input);
  EXPECT_EQ(svg.groups_with_class("state").size(), 9u);
  EXPECT_EQ(svg.groups_with_class("transition").size(), 12u);
  EXPECT_EQ(svg.groups_with_class("final").size(), 1u);
  ASSERT_NE(svg.find("state.0"), nullptr);
  EXPECT_TRUE(svg.find("state.0")->has_class("initial"));
  EXPECT_NE(svg.all_text().find("cpu1 s0"), std::string::npos) << "edges name CPU and step";
  EXPECT_NE(svg.all_text().find("9 states, 12 transitions from 6 executions"), std::string::npos);
}

TEST(StateGraphTest, DependentStepsKeepEveryOrderApart) {
  const StateGraphInput input = explore_all(stores(true));
  ASSERT_EQ(input.executions.size(), 6u);
  const BuiltStateGraph built = build_state_graph(input, {});
  EXPECT_EQ(built.states_total, 19u) << "1 + 2 + 4 + 6 + 6 distinct prefixes";
  EXPECT_EQ(built.transitions_total, 18u) << "a tree";
  EXPECT_EQ(render(input).groups_with_class("final").size(), 6u);
}

TEST(StateGraphTest, FailingExecutionsEndInRedStates) {
  StateGraphRecorder recorder("canary");
  sim::ExplorerOptions options;
  options.stop_on_failure = false;
  options.observer = [&recorder](const sim::ExecutionRecord& record) { recorder.observe(record); };
  sim::Explorer explorer(sim::testing::broken_bucket_scenario(), options);
  sim::DporStrategy dpor(sim::DporOptions{});
  const sim::ExploreReport report = explorer.explore(dpor);
  ASSERT_GT(report.failing_executions, 0u);
  const SvgDocument svg = render(recorder.input());
  const std::vector<const testing::SvgGroup*> failed = svg.groups_with_class("failed");
  EXPECT_FALSE(failed.empty());
  EXPECT_LE(failed.size(), report.failing_executions);
  for (const testing::SvgGroup* state : failed) EXPECT_TRUE(state->has_class("final"));
  EXPECT_NE(svg.all_text().find(std::to_string(report.executions) + " executions"),
            std::string::npos);
}

TEST(StateGraphTest, CapsCutThePictureAndSaySo) {
  const StateGraphInput input = explore_all(stores(true), /*execution_cap=*/4);
  EXPECT_EQ(input.executions.size(), 4u);
  EXPECT_EQ(input.executions_seen, 6u);
  StateGraphOptions options;
  options.state_cap = 5;
  options.layout_effort_states = 3;
  const BuiltStateGraph built = build_state_graph(input, options);
  EXPECT_EQ(boost::num_vertices(built.graph), 5u);
  EXPECT_EQ(built.states_left_out, built.states_total - 5);
  EXPECT_GT(built.transitions_left_out, 0u);
  const SvgDocument svg = render(input, options);
  EXPECT_EQ(svg.groups_with_class("state").size(), 5u);
  const std::string& text = svg.all_text();
  EXPECT_NE(text.find("execution cap: the first 4 of 6 executions recorded"), std::string::npos);
  EXPECT_NE(text.find("state cap 5: " + std::to_string(built.states_left_out) + " states and " +
                      std::to_string(built.transitions_left_out) + " transitions left out"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("layout effort limited"), std::string::npos);
}

TEST(StateGraphTest, RenderTimeCapRetriesWithFewerStatesAndSaysSo) {
  const StateGraphInput input = explore_all(stores(true));
  StateGraphOptions options;
  options.render_seconds = 1e-9;  // every attempt is stopped
  options.states_after_timeout_min = 4;
  const Picture picture = draw_state_graph(input, options);
  EXPECT_TRUE(picture.timed_out);
  EXPECT_FALSE(picture.ok());
  EXPECT_NE(picture.error.find("time limit of 1e-09 s"), std::string::npos) << picture.error;
  // 19 states, then a quarter of them: the smallest attempt's dot text is kept, with the note.
  EXPECT_NE(picture.dot.find("render time cap 1e-09 s: the layout of 19 states took longer; "
                             "drawn again with at most 4 states"),
            std::string::npos)
      << picture.dot;
  EXPECT_NE(picture.dot.find("state cap 4: 15 states"), std::string::npos);
  // With time to spare, nothing is retried and no note is written.
  options.render_seconds = 60;
  const Picture drawn = draw_state_graph(input, options);
  ASSERT_TRUE(drawn.ok()) << drawn.error;
  EXPECT_EQ(drawn.dot.find("render time cap"), std::string::npos);
}

TEST(StateGraphTest, EmptyInputDrawsAnEmptyGraph) {
  const SvgDocument svg = render(StateGraphInput{"nothing", {}, 0});
  EXPECT_TRUE(svg.groups_with_class("state").empty());
}

}  // namespace
}  // namespace mapsim::viz
