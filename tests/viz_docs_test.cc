// The pictures of docs/viz.md (docs/img/*.svg) are what the code draws today: each one is
// parsed and must show the nodes the document talks about. `MAPSIM_UPDATE_DOCS=1` redraws them
// (the command docs/viz.md gives).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "sim/explorer.h"
#include "sim/strategy/bounded_dfs.h"
#include "sim/testing/canaries.h"
#include "tests/viz_support/parsed_svg.h"
#include "tests/viz_support/svg_document.h"
#include "viz/lru_fill_curve.h"
#include "viz/lru_flowchart_dot.h"
#include "viz/state_graph.h"
#include "viz/swimlane.h"

namespace mapsim::viz {
namespace {

const std::string kImages = std::string(MAPSIM_SOURCE_DIR) + "/docs/img";

bool updating() { return std::getenv("MAPSIM_UPDATE_DOCS") != nullptr; }

// Writes the picture when updating; then parses the committed svg.
testing::SvgDocument committed(const std::string& stem, const Picture& picture) {
  EXPECT_TRUE(picture.ok()) << picture.error;
  if (updating()) {
    Picture svg_only = picture;
    svg_only.dot.clear();  // the docs keep the svg only
    EXPECT_EQ(write_picture(svg_only, kImages, stem), "");
  }
  SCOPED_TRACE("a committed picture: redraw with MAPSIM_UPDATE_DOCS=1");
  return testing::svg_at(kImages + "/" + stem + ".svg");
}

TEST(VizDocsTest, FlowchartPicture) {
  const testing::SvgDocument svg =
      committed("lru-flowchart-common", draw_lru_flowchart(LruListKind::kCommon));
  for (const std::string& id : LruFlowchart::get(LruListKind::kCommon).node_ids()) {
    EXPECT_NE(svg.find(id), nullptr) << id;
  }
}

TEST(VizDocsTest, PathPicture) {
  // docs/lru-path-events.md: an update of an existing key that fails with EEXIST after evicting.
  std::vector<PathEvent> events;
  for (int id : {100, 300, 302, 303, 600, 304, 201, 203, 104, 109, 700}) {
    events.push_back(static_cast<PathEvent>(id));
  }
  const LruPath path = split_lru_paths(events, true)[0];
  const testing::SvgDocument svg = committed(
      "lru-path-eexist",
      draw_lru_path(LruListKind::kCommon, path,
                    "BPF_NOEXIST update of a present key: evicts, then fails with -EEXIST"));
  for (const std::string& id : path.node_ids()) {
    ASSERT_NE(svg.find(id), nullptr) << id;
    EXPECT_TRUE(svg.find(id)->has_class("flow-path")) << id;
  }
}

TEST(VizDocsTest, FillCurvePicture) {
  LruFillConfig config;
  config.max_entries = 1000;
  config.possible_cpus = 2;
  config.inserting_cpus = 1;
  const testing::SvgDocument svg =
      committed("lru-fill-1000-2cpus", draw_lru_fill_curve(measure_lru_fill_curve(config)));
  ASSERT_NE(svg.element("summary"), nullptr);
  EXPECT_NE(svg.element("summary")->text.find("976 keys retained"), std::string::npos);
}

TEST(VizDocsTest, SwimlaneAndStatePictures) {
  SwimlaneTrace failing;
  StateGraphRecorder states("canary bucket: the first 2000 interleavings (bounded DFS)");
  sim::ExplorerOptions options;
  options.stop_on_failure = false;
  options.max_executions = 2000;  // of 46296: enough for the picture, cheap under ASan
  options.observer = [&](const sim::ExecutionRecord& record) {
    states.observe(record);
    if (failing.records.empty() && record.result->failure) {
      failing = swimlane_trace_from_sim(*record.trace, *record.instance, *record.outcome,
                                        record.result, "canary bucket: the first failure");
    }
  };
  sim::Explorer explorer(sim::testing::broken_bucket_scenario(), options);
  sim::BoundedDfsOptions dfs_options;
  dfs_options.first_bound = sim::BoundedDfsOptions::kUnbounded;
  sim::BoundedDfsStrategy dfs(dfs_options);
  explorer.explore(dfs);
  ASSERT_FALSE(failing.records.empty());
  const testing::SvgDocument lanes = committed("swimlanes-canary", draw_swimlanes(failing));
  EXPECT_NE(lanes.find("violation"), nullptr);
  EXPECT_NE(lanes.find("ctx0.op0.invoke"), nullptr);
  StateGraphOptions drawing;
  drawing.state_cap = 200;
  const testing::SvgDocument graph =
      committed("states-canary", draw_state_graph(states.input(), drawing));
  EXPECT_NE(graph.find("state.0"), nullptr);
  EXPECT_FALSE(graph.groups_with_class("failed").empty());
}

}  // namespace
}  // namespace mapsim::viz
