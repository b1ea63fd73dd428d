// The checked-in synthesised scenarios (scenarios/synth/<lru>/<node>.yaml, made by
// scripts/regen-synth.sh): each one parses, is a map of its folder's LRU kind, expects its node,
// its exploration shows that node, and the scenario runner passes it (every check, the
// expectation met); every node of both flowcharts has a scenario or is listed
// in docs/synth.md with the reason it has none. The node and the LRU kind come from the file's
// path, never from its contents.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "impl/uapi.h"
#include "scenarios/run/scenario_run.h"
#include "scenarios/scenario_yaml.h"
#include "synth/lru/scenario_reach.h"
#include "synth/lru/scenario_synthesizer.h"

namespace mapsim::synth {
namespace {

namespace fs = std::filesystem;

const fs::path kSynthFolder = fs::path(MAPSIM_SOURCE_DIR) / "scenarios" / "synth";

std::string read_text(const fs::path& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// docs/synth.md lists each node without a scenario as "- `<node>` (<lru>): <reason>".
bool documented_without_scenario(const std::string& docs, PathEvent event, LruKind lru) {
  const std::string entry = std::string("- `") + path_event_name(event) + "` (" +
                            lru_kind_name(lru) + "):";
  return docs.find(entry) != std::string::npos;
}

void check_file(const fs::path& path, PathEvent event, LruKind lru) {
  SCOPED_TRACE(path.string());
  const scenario::ScenarioParse parse = scenario::load_scenario_file(path.string());
  ASSERT_TRUE(parse.ok()) << parse.errors.front();
  const scenario::ScenarioSpec& spec = parse.spec;
  const bool percpu_lists = (spec.map.map_flags & bpf::kFNoCommonLru) != 0;
  EXPECT_EQ(percpu_lists, lru == LruKind::kPercpu);
  EXPECT_TRUE(spec.map.map_type == bpf::kMapLruHash || spec.map.map_type == bpf::kMapLruPercpuHash);
  bool expects_node = false;
  for (const auto& expectation : spec.expectations) {
    for (const auto& atom : expectation.atoms) {
      expects_node |= expectation.kind == scenario::ExpectationSpec::Kind::kExists &&
                      atom.kind == scenario::AtomSpec::Kind::kPathEvent &&
                      atom.event == path_event_name(event);
    }
  }
  EXPECT_TRUE(expects_node) << "no `exists: path_event " << path_event_name(event) << "`";
  EXPECT_NE(spec.description.find(path_event_name(event)), std::string::npos);
  // The synthesizer's own check (DPOR until the node shows) ...
  const ReachReport reach = explore_for_events(spec, event, spec.explore.executions);
  EXPECT_EQ(reach.error, "");
  EXPECT_TRUE(reach.reached) << "not reached in " << reach.executions << " executions";
  // ... and the scenario runner's (`mapsim run`): every execution judged, the expectation met.
  const scenario::ScenarioResult result = scenario::run_scenario(spec);
  EXPECT_EQ(result.verdict, scenario::Verdict::kPass)
      << scenario::verdict_name(result.verdict) << " " << result.error
      << (result.failures.empty() ? "" : result.failures[0].message);
  ASSERT_EQ(result.expectations.size(), spec.expectations.size());
  for (const auto& expectation : result.expectations) {
    EXPECT_EQ(expectation.status, scenario::ExpectationResult::Status::kMet)
        << expectation.message;
  }
}

TEST(SynthLruScenarios, EveryFileReachesItsNodeAndEveryNodeIsAccountedFor) {
  const std::string docs = read_text(fs::path(MAPSIM_SOURCE_DIR) / "docs" / "synth.md");
  ASSERT_FALSE(docs.empty());
  int nodes = 0;
  int covered = 0;
  int documented = 0;
  for (LruKind lru : {LruKind::kCommon, LruKind::kPercpu}) {
    for (PathEvent event : all_path_events()) {
      if (!event_in_chart(event, lru)) continue;
      ++nodes;
      const fs::path file = kSynthFolder / lru_kind_name(lru) /
                            (std::string(path_event_name(event)) + ".yaml");
      if (fs::exists(file)) {
        ++covered;
        EXPECT_FALSE(documented_without_scenario(docs, event, lru))
            << path_event_name(event) << " has a scenario but docs/synth.md says it has none";
        check_file(file, event, lru);
      } else {
        ++documented;
        EXPECT_TRUE(documented_without_scenario(docs, event, lru))
            << file << " is missing and docs/synth.md does not say why";
      }
    }
  }
  // The coverage figure docs/synth.md states: covered nodes / nodes with a scenario or none
  // proved.
  std::cout << "synthesised scenarios: " << covered << " of " << nodes << " flowchart nodes ("
            << documented << " documented without one)\n";
  EXPECT_EQ(covered + documented, nodes);
}

TEST(SynthLruScenarios, NoStrayFiles) {
  std::set<std::string> expected;
  for (LruKind lru : {LruKind::kCommon, LruKind::kPercpu}) {
    for (PathEvent event : all_path_events()) {
      if (event_in_chart(event, lru)) {
        expected.insert(std::string(lru_kind_name(lru)) + "/" + path_event_name(event) + ".yaml");
      }
    }
  }
  for (const std::string& path : scenario::scenario_files_in(kSynthFolder.string())) {
    const std::string relative = fs::relative(path, kSynthFolder).string();
    EXPECT_TRUE(expected.count(relative) == 1) << relative << " names no flowchart node";
  }
}

}  // namespace
}  // namespace mapsim::synth
