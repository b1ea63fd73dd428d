// viz/report_index.h in a real browser: a run's output folder (pictures of real simulator runs
// and the index.html listing scenarios, verdicts and pictures) is served over HTTP and opened in
// headless Chromium; a checker page loads the index in a frame and reports, for every picture,
// whether it loaded (non-zero natural size) and which node ids its svg shows
// (tests/viz_support/browser_check.h). Skips cleanly where Chromium is not installed (Debian
// packages chromium and chromium-driver, scripts/install-deps.sh).
#include "viz/report_index.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "sim/explorer.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/random_walk.h"
#include "sim/testing/canaries.h"
#include "sim/testing/map_scenarios.h"
#include "tests/viz_support/browser_check.h"
#include "viz/lru_fill_curve.h"
#include "viz/lru_flowchart_dot.h"
#include "viz/state_graph.h"
#include "viz/swimlane.h"

namespace mapsim::viz {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "mapsim-viz-XXXXXX").string();
    path = ::mkdtemp(pattern.data()) != nullptr ? fs::path(pattern) : fs::path();
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path.empty()) fs::remove_all(path, ignored);
  }
};

ReportPicture save(const Picture& picture, const fs::path& root, const std::string& stem,
                   const std::string& caption) {
  EXPECT_TRUE(picture.ok()) << stem << ": " << picture.error;
  EXPECT_EQ(write_picture(picture, (root / "pictures").string(), stem), "");
  return ReportPicture{caption, "pictures/" + stem + ".svg",
                       picture.dot.empty() ? "" : "pictures/" + stem + ".dot"};
}

// A run's folder: an LRU scenario that passes (its coverage), the canary that fails (swimlanes
// of its first failure and its state graph), and a fill curve. Returns picture -> ids it shows.
std::map<std::string, std::vector<std::string>> write_run_folder(const fs::path& root) {
  std::map<std::string, std::vector<std::string>> expected;
  ReportIndex index;
  index.title = "mapsim run: browser check";
  index.summary = "2 scenarios, 1 failing";
  LruPathCounts counts;
  sim::ExplorerOptions lru_options;
  lru_options.observer = [&counts](const sim::ExecutionRecord& r) { counts.add_trace(*r.trace); };
  sim::Explorer lru(sim::testing::map_scenario(sim::testing::lru_three_cpus()), lru_options);
  sim::RandomWalkOptions random;
  random.budget = 30;
  sim::RandomWalkStrategy walk(random);
  lru.explore(walk);
  index.run_pictures.push_back(save(draw_lru_coverage(LruListKind::kCommon, counts, "coverage"),
                                    root, "coverage-common", "LRU coverage (common LRU)"));
  expected["pictures/coverage-common.svg"] = {"lru.update.begin", "lru.out.success"};
  index.scenarios.push_back(ReportScenario{"lru 3 cpus", "", "ok", true, "30 executions", {}, {}});

  SwimlaneTrace failing;
  StateGraphRecorder states("canary bucket (DPOR)");
  sim::ExplorerOptions canary_options;
  canary_options.stop_on_failure = false;
  canary_options.observer = [&](const sim::ExecutionRecord& record) {
    states.observe(record);
    if (failing.records.empty() && record.result->failure) {
      failing = swimlane_trace_from_sim(*record.trace, *record.instance, *record.outcome,
                                        record.result, "canary bucket: failure 1");
    }
  };
  sim::Explorer canary(sim::testing::broken_bucket_scenario(), canary_options);
  sim::DporStrategy dpor(sim::DporOptions{});
  canary.explore(dpor);
  ReportScenario bad{"canary bucket", "", "violation", false, "16 executions", {}, {}};
  bad.pictures.push_back(save(draw_swimlanes(failing), root, "canary-failure-1",
                              "swimlanes of failure 1"));
  bad.pictures.push_back(save(draw_state_graph(states.input()), root, "canary-states",
                              "state graph"));
  expected["pictures/canary-failure-1.svg"] = {"violation", "ctx0.op0.invoke", "lane.cpu1"};
  expected["pictures/canary-states.svg"] = {"state.0", "state.1"};
  index.scenarios.push_back(bad);

  LruFillConfig fill;
  fill.max_entries = 200;
  fill.inserting_cpus = 1;
  index.run_pictures.push_back(save(draw_lru_fill_curve(measure_lru_fill_curve(fill)), root,
                                    "fill curve 200", "LRU fill curve"));  // a space in the name
  expected["pictures/fill curve 200.svg"] = {"actual", "ideal", "premature"};
  EXPECT_EQ(write_report_index(index, root.string()), "");
  return expected;
}

TEST(ReportBrowserTest, EveryPictureOfTheIndexLoadsAndShowsItsNodes) {
  if (testing::chromium_binary().empty()) {
    ASSERT_FALSE(testing::chromium_required()) << "CI=true, but chromium is not installed "
                                              "(scripts/install-deps.sh installs it)";
    GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh)";
  }
  TempDir run;
  ASSERT_FALSE(run.path.empty());
  const auto expected = write_run_folder(run.path);
  const testing::BrowserCheck check = testing::check_index_in_chromium(run.path.string());
  ASSERT_EQ(check.error, "");
  std::set<std::string> seen;
  for (const testing::BrowserPicture& picture : check.pictures) {
    seen.insert(picture.path);
    EXPECT_TRUE(picture.loaded) << picture.path;
    EXPECT_GT(picture.width, 0) << picture.path;
    EXPECT_EQ(picture.root, "svg") << picture.path << " " << picture.error;
    const std::set<std::string> shown(picture.ids.begin(), picture.ids.end());
    ASSERT_TRUE(expected.contains(picture.path)) << picture.path;
    for (const std::string& id : expected.at(picture.path)) {
      EXPECT_TRUE(shown.contains(id)) << picture.path << " shows no " << id;
    }
    if (picture.path != "pictures/fill curve 200.svg") {
      EXPECT_GT(picture.nodes, 1) << picture.path;
    }
  }
  EXPECT_EQ(seen.size(), expected.size());
  ASSERT_EQ(check.verdicts.size(), 2u);
  EXPECT_EQ(check.verdicts[0].classes, "verdict pass");
  EXPECT_EQ(check.verdicts[1].classes, "verdict fail");
  EXPECT_EQ(check.verdicts[1].text, "violation");
}

}  // namespace
}  // namespace mapsim::viz
