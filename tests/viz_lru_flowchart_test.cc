// viz/lru_flowchart.h: the LRU update-path charts against the code.
//   * golden node and edge sets (tests/data/viz/lru_flowchart_*.golden; a deliberate change of
//     the chart regenerates them with MAPSIM_UPDATE_GOLDEN=1);
//   * every path event the implementation declares (scanned from impl/lru_path_event.h) or
//     emits (scanned from impl/) is a node of the chart of its list kind;
//   * every transition the simulator observes in many random executions of LRU scenarios
//     (evictions, steals, EEXIST/ENOENT, nested programs, ENOMEM; both list kinds, both map
//     types; 120 random executions per scenario, DPOR to the end for the small ones with
//     interrupts) is an edge of the chart, and each walk's outcome node agrees with what the
//     operation returned;
//   * the rendered svg has every node and edge under its id.
#include "viz/lru_flowchart.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "impl/uapi.h"
#include "tests/viz_support/lru_scenarios.h"
#include "tests/viz_support/svg_document.h"
#include "viz/lru_flowchart_dot.h"

namespace mapsim::viz {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string golden_text(const LruFlowchart& chart) {
  std::string text;
  for (const std::string& id : chart.node_ids()) text += "node " + id + "\n";
  for (const auto& [from, to] : chart.edge_ids()) text += "edge " + from + " -> " + to + "\n";
  return text;
}

void expect_golden(LruListKind kind) {
  const std::string path = std::string(MAPSIM_SOURCE_DIR) + "/tests/data/viz/lru_flowchart_" +
                           lru_list_kind_name(kind) + ".golden";
  const std::string actual = golden_text(LruFlowchart::get(kind));
  if (std::getenv("MAPSIM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << actual;
  }
  const std::string expected = read_file(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing";
  EXPECT_EQ(actual, expected) << "the chart changed: if on purpose, rerun with "
                                 "MAPSIM_UPDATE_GOLDEN=1 and review the diff of "
                              << path;
}

TEST(LruFlowchartTest, CommonChartMatchesGoldenNodeAndEdgeSets) {
  expect_golden(LruListKind::kCommon);
}

TEST(LruFlowchartTest, PercpuChartMatchesGoldenNodeAndEdgeSets) {
  expect_golden(LruListKind::kPercpu);
}

// Which chart an event belongs to, by where the code emitting it lives: the common pop,
// refill, steal and common push are only in lru_pool_inl.h's common_* functions; the per-CPU
// pop and push only in percpu_*; everything else runs for both.
bool expected_in(LruListKind kind, int value) {
  const int group = value / 100;
  const bool common_only = group == 2 || group == 3 || group == 4 || value == 700 ||
                           value == 701 || value == 702;
  const bool percpu_only = group == 5 || value == 703;
  return kind == LruListKind::kCommon ? !percpu_only : !common_only;
}

std::string identifier_at(const std::string& text, size_t position) {
  size_t end = position;
  while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                               text[end] == '_')) {
    ++end;
  }
  return text.substr(position, end - position);
}

// The enumerators of impl/lru_path_event.h: lines "  kName = 123,  ...".
std::map<std::string, int> declared_enumerators() {
  std::istringstream header(read_file(std::string(MAPSIM_SOURCE_DIR) + "/impl/lru_path_event.h"));
  std::map<std::string, int> values;
  for (std::string line; std::getline(header, line);) {
    const size_t start = line.find_first_not_of(' ');
    if (start == std::string::npos || line[start] != 'k') continue;
    const std::string name = identifier_at(line, start);
    const size_t equals = line.find(" = ", start);
    if (equals != start + name.size()) continue;
    values[name] = std::stoi(line.substr(equals + 3));
  }
  return values;
}

TEST(LruFlowchartTest, EveryDeclaredPathEventIsANode) {
  const std::map<std::string, int> declared = declared_enumerators();
  for (const auto& [name, value] : declared) {
    const PathEvent event = static_cast<PathEvent>(value);
    ASSERT_NE(path_event_name(event), nullptr) << name << " has no name";
    for (LruListKind kind : {LruListKind::kCommon, LruListKind::kPercpu}) {
      EXPECT_EQ(LruFlowchart::get(kind).has_node(flow_node_id(event)), expected_in(kind, value))
          << name << " in the " << lru_list_kind_name(kind) << " chart";
    }
  }
  EXPECT_EQ(declared.size(), all_path_events().size());
  EXPECT_EQ(declared.size(), 48u);
}

TEST(LruFlowchartTest, EveryEmittedPathEventIsANode) {
  // Emission sites: platform_.path_event(PathEvent::kX ...) and the event arguments handed to
  // helpers that emit them (lru_list_rotate_locked, lru_list_shrink_locked).
  const std::map<std::string, int> declared = declared_enumerators();
  std::set<std::string> emitted;
  for (const char* file : {"lru_hash_map_impl.h", "lru_hash_map_ops_inl.h", "lru_pool_inl.h",
                           "lru_pool.h", "lru_list.h", "lru_local_list.h"}) {
    const std::string text =
        read_file(std::string(MAPSIM_SOURCE_DIR) + "/impl/internal/" + file);
    ASSERT_FALSE(text.empty()) << file;
    const std::string prefix = "PathEvent::";
    for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
      emitted.insert(identifier_at(text, at + prefix.size()));
    }
  }
  EXPECT_EQ(emitted.size(), 48u) << "every event is emitted somewhere";
  for (const std::string& name : emitted) {
    ASSERT_TRUE(declared.contains(name)) << name << " is not an enumerator";
    const PathEvent event = static_cast<PathEvent>(declared.at(name));
    const bool in_common = LruFlowchart::get(LruListKind::kCommon).has_node(flow_node_id(event));
    const bool in_percpu = LruFlowchart::get(LruListKind::kPercpu).has_node(flow_node_id(event));
    EXPECT_TRUE(in_common || in_percpu) << name;
  }
}

// The result an operation returned agrees with the outcome node its walk ends in.
void expect_outcome_matches(const TracedLruPath& traced, const std::string& scenario) {
  if (!traced.finished || traced.paths_in_operation != 1) return;
  ASSERT_FALSE(traced.path.outcome.empty()) << scenario;
  const std::optional<int64_t> expected = lru_outcome_result(traced.path.outcome);
  if (expected.has_value()) {
    EXPECT_EQ(traced.result, *expected) << scenario << ": " << traced.path.outcome;
  } else {
    EXPECT_TRUE(traced.result == -35 || traced.result == -110)
        << scenario << ": bucket lock outcome returned " << traced.result;
  }
}

void expect_observed_walks_are_in_chart(LruListKind kind, LruPathCounts* total) {
  const LruFlowchart& chart = LruFlowchart::get(kind);
  uint64_t seed = 1;
  for (const testing::LruScenario& scenario : testing::lru_path_scenarios(kind)) {
    const sim::testing::MapScenarioConfig& config = scenario.config;
    // Random scenarios: 120 executions each; exhaustive ones run to the end (< 400).
    const uint64_t executions = scenario.exhaustive ? 400 : 120;
    const testing::LruRunCollection run = testing::collect_lru_paths(scenario, executions, seed++);
    EXPECT_EQ(run.failing_executions, 0u) << config.name;
    EXPECT_TRUE(run.exhausted || !scenario.exhaustive) << config.name;
    for (const TracedLruPath& traced : run.paths) {
      const std::vector<std::string> ids = traced.path.node_ids();
      ASSERT_FALSE(traced.path.entry.empty()) << config.name;
      for (size_t i = 0; i < ids.size(); ++i) {
        ASSERT_TRUE(chart.has_node(ids[i])) << config.name << ": " << ids[i];
        if (i > 0) {
          ASSERT_TRUE(chart.has_edge(ids[i - 1], ids[i]))
              << config.name << ": " << ids[i - 1] << " -> " << ids[i] << " is not an edge";
        }
      }
      expect_outcome_matches(traced, config.name);
    }
    total->add(run.counts);
  }
}

// The runs reach the branches the chart is about; otherwise the check above proves little.
void expect_reached(const LruPathCounts& counts, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    EXPECT_GT(counts.nodes.count(id) ? counts.nodes.at(id) : 0, 0u) << id << " never reached";
  }
}

TEST(LruFlowchartTest, EveryTransitionObservedInCommonLruRunsIsAnEdge) {
  LruPathCounts counts;
  expect_observed_walks_are_in_chart(LruListKind::kCommon, &counts);
  expect_reached(counts, {"lru.pop.local_free_hit", "lru.refill.move_from_global_free",
                          "lru.refill.shrink_inactive", "lru.evict.unlinked", "lru.steal.begin",
                          "lru.update.eexist", "lru.update.enoent", "lru.update.no_node",
                          "lru.update.bucket_lock_failed", "lru.update.percpu_exist_skips_pop",
                          "lru.update.replace_existing", "lru.update.percpu_in_place",
                          "lru.push.pending_to_local_free", "lru.push.to_global_free",
                          "lru.lookup.set_ref", "lru.steal.nothing", "lru.evict.bucket_lock_failed",
                          std::string(kOutBucketLockError)});
  std::cout << lru_coverage(LruListKind::kCommon, counts).summary() << "\n";
}

TEST(LruFlowchartTest, EveryTransitionObservedInPercpuLruRunsIsAnEdge) {
  LruPathCounts counts;
  expect_observed_walks_are_in_chart(LruListKind::kPercpu, &counts);
  expect_reached(counts, {"lru.percpu.rotate_inactive", "lru.percpu.free_hit",
                          "lru.percpu.shrink_inactive", "lru.evict.unlinked",
                          "lru.update.eexist", "lru.update.enoent", "lru.update.no_node",
                          "lru.update.bucket_lock_failed", "lru.push.percpu_to_free",
                          "lru.update.percpu_in_place", "lru.lookup.set_ref"});
  std::cout << lru_coverage(LruListKind::kPercpu, counts).summary() << "\n";
}

void expect_svg_shows_chart(LruListKind kind) {
  const Picture picture = draw_lru_flowchart(kind);
  ASSERT_TRUE(picture.ok()) << picture.error;
  std::string error;
  const auto svg = testing::SvgDocument::parse(picture.svg, &error);
  ASSERT_TRUE(svg.has_value()) << error;
  const LruFlowchart& chart = LruFlowchart::get(kind);
  for (const std::string& id : chart.node_ids()) {
    const testing::SvgGroup* group = svg->find(id);
    ASSERT_NE(group, nullptr) << id;
    EXPECT_TRUE(group->has_class("node")) << id;
    EXPECT_TRUE(group->has_class("flow-plain")) << id;
  }
  for (const auto& [from, to] : chart.edge_ids()) {
    const testing::SvgGroup* group = svg->find(from + "--" + to);
    ASSERT_NE(group, nullptr) << from << " -> " << to;
    EXPECT_TRUE(group->has_class("edge"));
  }
  EXPECT_EQ(svg->groups_with_class("node").size(),
            chart.node_ids().size() + svg->groups_with_class("legend").size());
  EXPECT_NE(svg->all_text().find("bucket lock"), std::string::npos) << "the legend";
  EXPECT_NE(svg->all_text().find("returns -EEXIST"), std::string::npos);
}

TEST(LruFlowchartTest, SvgShowsEveryNodeAndEdgeOfBothCharts) {
  expect_svg_shows_chart(LruListKind::kCommon);
  expect_svg_shows_chart(LruListKind::kPercpu);
}

}  // namespace
}  // namespace mapsim::viz
