// viz/lru_path.h and the path / coverage pictures of viz/lru_flowchart_dot.h: walks split out
// of event sequences and simulator traces, one update's walk highlighted on the chart, a run's
// counts drawn as coverage. Every svg is parsed and checked for the ids and classes it must
// carry.
#include "viz/lru_path.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "impl/uapi.h"
#include "sim/explorer.h"
#include "sim/strategy/random_walk.h"
#include "tests/viz_support/lru_scenarios.h"
#include "tests/viz_support/parsed_svg.h"
#include "tests/viz_support/svg_document.h"
#include "viz/lru_flowchart_dot.h"

namespace mapsim::viz {
namespace {

using E = PathEvent;
using testing::svg_of;
using testing::SvgDocument;

std::vector<PathEvent> events(std::initializer_list<int> ids) {
  std::vector<PathEvent> list;
  for (int id : ids) list.push_back(static_cast<PathEvent>(id));
  return list;
}

TEST(LruPathTest, UpdateWalkGetsEntryAndTheOutcomeItsEventsImply) {
  // docs/lru-path-events.md: an update that evicts and then fails with EEXIST.
  const std::vector<LruPath> paths =
      split_lru_paths(events({100, 300, 302, 303, 600, 304, 201, 203, 104, 109, 700}), true);
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(paths[0].entry, kEntryUpdate);
  EXPECT_EQ(paths[0].outcome, kOutExists);
  const std::vector<std::string> ids = paths[0].node_ids();
  EXPECT_EQ(ids.front(), "lru.op.update");
  EXPECT_EQ(ids[1], "lru.update.begin");
  EXPECT_EQ(ids.back(), "lru.out.eexist");
  EXPECT_EQ(ids.size(), 13u);
  EXPECT_EQ(lru_outcome_result(paths[0].outcome), bpf::kEEXIST);
}

TEST(LruPathTest, BatchesSplitIntoOneWalkPerElement) {
  const std::vector<LruPath> updates =
      split_lru_paths(events({100, 200, 203, 106, 111, 100, 200, 203, 104, 109, 700}), true);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].outcome, kOutSuccess);
  EXPECT_EQ(updates[1].outcome, kOutExists);
  const std::vector<LruPath> deletes = split_lru_paths(events({700, 701, 702, 702, 704}), true);
  ASSERT_EQ(deletes.size(), 4u);
  EXPECT_EQ(deletes[1].events.size(), 2u) << "701 and the global push it leads to";
  for (const LruPath& path : deletes) EXPECT_EQ(path.outcome, kOutDeleted);
  const std::vector<LruPath> lookups = split_lru_paths(events({800, 800}), true);
  ASSERT_EQ(lookups.size(), 2u);
  EXPECT_EQ(lookups[1].outcome, kOutFound);
}

TEST(LruPathTest, WalkCutShortHasNoOutcome) {
  const std::vector<LruPath> paths = split_lru_paths(events({100, 200, 203, 106}), false);
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_TRUE(paths[0].outcome.empty());
  EXPECT_EQ(paths[0].node_ids().back(), "lru.update.insert_new");
  EXPECT_EQ(lru_outcome_result(kOutBucketLockError), std::nullopt);
}

TEST(LruPathTest, TraceWalksCarryContextOperationAndResult) {
  testing::LruScenario scenario{sim::testing::lru_two_cpus(), false};
  const testing::LruRunCollection run = testing::collect_lru_paths(scenario, 20, 7);
  ASSERT_FALSE(run.paths.empty());
  std::set<int> contexts;
  for (const TracedLruPath& traced : run.paths) {
    contexts.insert(traced.context);
    EXPECT_TRUE(traced.finished);
    EXPECT_EQ(traced.cpu, traced.context) << "one program per CPU: context i runs on CPU i";
    if (traced.path.entry == kEntryUpdate) {
      EXPECT_EQ(traced.operation, 0u) << "each CPU updates first";
      EXPECT_EQ(lru_outcome_result(traced.path.outcome), traced.result);
    }
  }
  EXPECT_EQ(contexts, (std::set<int>{0, 1}));
  EXPECT_EQ(run.counts.paths, run.paths.size());
  EXPECT_EQ(run.counts.nodes.at(std::string(kEntryUpdate)), 2 * run.executions);
}

// The walk's nodes and transitions are highlighted, everything else is faded.
void expect_highlighted(const SvgDocument& svg, LruListKind kind, const LruPath& path) {
  const LruFlowchart& chart = LruFlowchart::get(kind);
  const std::vector<std::string> ids = path.node_ids();
  const std::set<std::string> on_path(ids.begin(), ids.end());
  for (const std::string& id : chart.node_ids()) {
    const testing::SvgGroup* group = svg.find(id);
    ASSERT_NE(group, nullptr) << id;
    EXPECT_TRUE(group->has_class(on_path.contains(id) ? "flow-path" : "flow-faded")) << id;
  }
  std::set<std::pair<std::string, std::string>> taken;
  for (size_t i = 1; i < ids.size(); ++i) {
    taken.insert({ids[i - 1], ids[i]});
    const testing::SvgGroup* group = svg.find(ids[i - 1] + "--" + ids[i]);
    ASSERT_NE(group, nullptr) << ids[i - 1] << " -> " << ids[i];
    EXPECT_TRUE(group->has_class("flow-path"));
    EXPECT_NE(group->text.find(std::to_string(i)), std::string::npos)
        << "transition " << i << " is numbered: " << group->text;
  }
  EXPECT_EQ(svg.groups_with_class("flow-path").size(), on_path.size() + taken.size());
  EXPECT_TRUE(svg.groups_with_class("flow-unexpected").empty());
}

TEST(LruPathPictureTest, OneUpdatesWalkIsHighlightedAndTheRestFaded) {
  const LruPath path =
      split_lru_paths(events({100, 300, 302, 303, 600, 304, 201, 203, 104, 109, 700}), true)[0];
  const Picture picture = draw_lru_path(LruListKind::kCommon, path, "update key=7 -> -EEXIST");
  const SvgDocument svg = svg_of(picture);
  expect_highlighted(svg, LruListKind::kCommon, path);
  EXPECT_NE(svg.all_text().find("update key=7 -> -EEXIST"), std::string::npos);
}

TEST(LruPathPictureTest, SimulatedWalksOfBothListKindsAreHighlighted) {
  for (LruListKind kind : {LruListKind::kCommon, LruListKind::kPercpu}) {
    testing::LruScenario scenario{sim::testing::lru_three_cpus(kind == LruListKind::kPercpu)};
    const testing::LruRunCollection run = testing::collect_lru_paths(scenario, 5, 3);
    // The longest update walk of the run: it evicts.
    const TracedLruPath* longest = nullptr;
    for (const TracedLruPath& traced : run.paths) {
      if (longest == nullptr || traced.path.events.size() > longest->path.events.size()) {
        longest = &traced;
      }
    }
    ASSERT_NE(longest, nullptr);
    expect_highlighted(svg_of(draw_lru_path(kind, longest->path, "longest")), kind,
                       longest->path);
  }
}

TEST(LruPathPictureTest, WalkOutsideTheChartIsDrawnAsUnexpected) {
  // A per-CPU-LRU walk drawn on the common chart.
  const LruPath path = split_lru_paths(events({100, 501, 502, 505, 106, 111}), true)[0];
  const SvgDocument svg = svg_of(draw_lru_path(LruListKind::kCommon, path, "mismatch"));
  const testing::SvgGroup* node = svg.find("lru.percpu.free_hit");
  ASSERT_NE(node, nullptr);
  EXPECT_TRUE(node->has_class("flow-unexpected"));
  const testing::SvgGroup* edge = svg.find("lru.update.begin--lru.percpu.rotate_inactive");
  ASSERT_NE(edge, nullptr);
  EXPECT_TRUE(edge->has_class("flow-unexpected"));
  EXPECT_NE(svg.all_text().find("not in the chart"), std::string::npos);
}

TEST(LruCoveragePictureTest, RunCountsBecomeWidthsLabelsAndACoverageFigure) {
  testing::LruScenario scenario{sim::testing::lru_three_cpus(false)};
  const testing::LruRunCollection run = testing::collect_lru_paths(scenario, 40, 11);
  const LruCoverage coverage = lru_coverage(LruListKind::kCommon, run.counts);
  const LruFlowchart& chart = LruFlowchart::get(LruListKind::kCommon);
  EXPECT_EQ(coverage.nodes_total, chart.node_ids().size());
  EXPECT_EQ(coverage.edges_total, chart.edge_ids().size());
  EXPECT_GT(coverage.nodes_reached, 10u);
  EXPECT_LT(coverage.nodes_reached, coverage.nodes_total);
  EXPECT_TRUE(coverage.unexpected_edges.empty());
  const SvgDocument svg = svg_of(draw_lru_coverage(LruListKind::kCommon, run.counts, "run"));
  size_t reached = 0;
  for (const std::string& id : chart.node_ids()) {
    const testing::SvgGroup* group = svg.find(id);
    ASSERT_NE(group, nullptr) << id;
    const auto count = run.counts.nodes.find(id);
    if (count != run.counts.nodes.end()) {
      ++reached;
      EXPECT_TRUE(group->has_class("flow-reached")) << id;
      EXPECT_NE(group->text.find("x " + std::to_string(count->second)), std::string::npos);
    } else {
      EXPECT_TRUE(group->has_class("flow-unreached")) << id;
    }
  }
  EXPECT_EQ(reached, coverage.nodes_reached);
  for (const auto& [edge, count] : run.counts.edges) {
    const testing::SvgGroup* group = svg.find(edge.first + "--" + edge.second);
    ASSERT_NE(group, nullptr);
    EXPECT_TRUE(group->has_class("flow-taken"));
    EXPECT_NE(group->text.find("x " + std::to_string(count)), std::string::npos);
  }
  EXPECT_NE(svg.all_text().find("nodes reached " + std::to_string(coverage.nodes_reached) +
                                " / " + std::to_string(coverage.nodes_total)),
            std::string::npos)
      << svg.all_text();
}

TEST(LruCoveragePictureTest, CountsGivenDirectlyAreDrawnAndUnknownTransitionsFlagged) {
  // What a scenario runner hands over: node -> n, (from, to) -> n.
  LruPathCounts counts;
  counts.nodes = {{"lru.op.update", 5}, {"lru.update.begin", 5}, {"lru.pop.local_free_hit", 5}};
  counts.edges = {{{"lru.op.update", "lru.update.begin"}, 5},
                  {{"lru.update.begin", "lru.pop.local_free_hit"}, 5},
                  {{"lru.pop.local_free_hit", "lru.update.success"}, 2}};
  const LruCoverage coverage = lru_coverage(LruListKind::kCommon, counts);
  EXPECT_EQ(coverage.nodes_reached, 3u);
  ASSERT_EQ(coverage.unexpected_edges.size(), 1u);
  EXPECT_NE(coverage.summary().find("NOT IN THE CHART"), std::string::npos);
  const SvgDocument svg = svg_of(draw_lru_coverage(LruListKind::kCommon, counts, ""));
  const testing::SvgGroup* unexpected = svg.find("lru.pop.local_free_hit--lru.update.success");
  ASSERT_NE(unexpected, nullptr);
  EXPECT_TRUE(unexpected->has_class("flow-unexpected"));
  EXPECT_TRUE(svg.find("lru.update.begin")->has_class("flow-reached"));
  EXPECT_TRUE(svg.find("lru.steal.begin")->has_class("flow-unreached"));
}

// Counts by event id, kept the way a scenario runner keeps them (consecutive events of a
// context within one operation), agree with the walk counts on every event node and on every
// event-to-event transition; entry and outcome nodes are left out of the coverage figures.
TEST(LruCoveragePictureTest, CountsByEventIdAgreeWithWalkCounts) {
  LruPathCounts walks;
  std::map<uint16_t, uint64_t> events;
  std::map<std::pair<uint16_t, uint16_t>, uint64_t> transitions;
  sim::ExplorerOptions options;
  options.observer = [&](const sim::ExecutionRecord& record) {
    walks.add_trace(*record.trace);
    std::map<int, int> last;  // context -> previous event in the current operation, or -1
    for (const sim::TraceRecord& r : record.trace->records()) {
      if (r.kind == sim::TraceKind::kOperationBegin || r.kind == sim::TraceKind::kOperationEnd) {
        last[r.context] = -1;
      } else if (r.kind == sim::TraceKind::kPathEvent) {
        const auto event = static_cast<uint16_t>(r.op.object);
        ++events[event];
        const auto previous = last.find(r.context);
        if (previous != last.end() && previous->second >= 0) {
          ++transitions[{static_cast<uint16_t>(previous->second), event}];
        }
        last[r.context] = event;
      }
    }
  };
  sim::Explorer explorer(sim::testing::map_scenario(sim::testing::lru_three_cpus()), options);
  sim::RandomWalkOptions random;
  random.budget = 40;
  sim::RandomWalkStrategy strategy(random);
  explorer.explore(strategy);
  const LruPathCounts by_event = lru_path_counts_from_events(events, transitions);
  EXPECT_FALSE(by_event.terminals_counted);
  const LruFlowchart& chart = LruFlowchart::get(LruListKind::kCommon);
  for (const auto& [id, count] : walks.nodes) {
    if (id.rfind("lru.op.", 0) == 0 || id.rfind("lru.out.", 0) == 0) continue;
    EXPECT_EQ(by_event.nodes.at(id), count) << id;
  }
  for (const auto& [edge, count] : walks.edges) {
    const auto step = [&chart](const std::string& id) {
      return chart.graph()[*chart.vertex(id)].kind == FlowNodeKind::kStep;
    };
    if (!step(edge.first) || !step(edge.second)) continue;
    EXPECT_EQ(by_event.edges.at(edge), count) << edge.first << " -> " << edge.second;
  }
  const LruCoverage full = lru_coverage(LruListKind::kCommon, walks);
  const LruCoverage partial = lru_coverage(LruListKind::kCommon, by_event);
  EXPECT_TRUE(partial.unexpected_edges.empty());
  EXPECT_EQ(partial.nodes_total, 48u - 8u) << "the common chart's events";
  size_t events_reached = 0;
  for (const auto& [id, count] : walks.nodes) events_reached += id.rfind("lru.op.", 0) != 0 &&
                                                                id.rfind("lru.out.", 0) != 0;
  EXPECT_EQ(partial.nodes_reached, events_reached);
  EXPECT_LT(partial.nodes_reached, full.nodes_reached) << "entries and outcomes left out";
  const SvgDocument svg = svg_of(draw_lru_coverage(LruListKind::kCommon, by_event, "events"));
  EXPECT_TRUE(svg.find("lru.op.update")->has_class("flow-plain"));
  EXPECT_TRUE(svg.find("lru.update.begin")->has_class("flow-reached"));
  EXPECT_TRUE(svg.find("lru.op.update--lru.update.begin")->has_class("flow-plain"));
}

TEST(LruCoveragePictureTest, CountsByEventIdDropPairsAcrossWalks) {
  const std::map<uint16_t, uint64_t> events = {{100, 2}, {200, 2}, {203, 2}, {106, 2},
                                               {111, 2}, {800, 1}, {700, 2}, {702, 1}};
  const std::map<std::pair<uint16_t, uint16_t>, uint64_t> transitions = {
      {{111, 100}, 1},  // a batch's next update
      {{800, 100}, 1},  // a lookup, then an update, in one scenario step
      {{700, 702}, 1},  // a batch delete's next element
      {{700, 111}, 1},  // an update's push, then its success: the same walk
      {{200, 203}, 2}};
  const LruPathCounts counts = lru_path_counts_from_events(events, transitions);
  EXPECT_EQ(counts.edges.size(), 2u);
  EXPECT_TRUE(counts.edges.contains({"lru.push.pending_to_local_free", "lru.update.success"}));
  EXPECT_EQ(counts.edges.at({"lru.pop.local_free_hit", "lru.pop.node_made_pending"}), 2u);
  const LruPathCounts unknown = lru_path_counts_from_events({{999, 1}}, {});
  EXPECT_TRUE(unknown.nodes.contains("lru.unknown.999"));
  EXPECT_EQ(lru_coverage(LruListKind::kCommon, unknown).unexpected_nodes.size(), 1u);
}

}  // namespace
}  // namespace mapsim::viz
