// viz/report_index.h in a real browser: a run's output folder (pictures of real simulator runs
// and the index.html listing scenarios, verdicts and pictures) is served over HTTP and opened in
// headless Chromium; a checker page loads the index in a frame and reports, for every picture,
// whether it loaded (non-zero natural size) and which node ids its svg shows. Skips cleanly
// where Chromium is not installed (Debian packages chromium and chromium-driver,
// scripts/install-deps.sh).
#include "viz/report_index.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "sim/explorer.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/random_walk.h"
#include "sim/testing/canaries.h"
#include "sim/testing/map_scenarios.h"
#include "tests/viz_support/static_http_server.h"
#include "viz/lru_fill_curve.h"
#include "viz/lru_flowchart_dot.h"
#include "viz/state_graph.h"
#include "viz/swimlane.h"

namespace mapsim::viz {
namespace {

namespace fs = std::filesystem;

std::string chromium_binary() {
  if (const char* configured = std::getenv("MAPSIM_CHROMIUM")) return configured;
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (::access(candidate, X_OK) == 0) return candidate;
  }
  return "";
}

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

// Loads index.html in a frame; writes what it found, URI-encoded JSON, into #result.
constexpr const char* kCheckerPage = R"(<!DOCTYPE html>
<html><body><pre id="result">pending</pre>
<iframe id="page" src="index.html" style="width:1200px;height:900px"></iframe>
<script>
async function check() {
  const page = document.getElementById('page').contentDocument;
  const pictures = [];
  for (const img of page.querySelectorAll('img.picture')) {
    const entry = {path: img.dataset.picture, loaded: img.complete && img.naturalWidth > 0,
                   width: img.naturalWidth, nodes: 0, ids: []};
    try {
      const text = await (await fetch(img.src)).text();
      const svg = new DOMParser().parseFromString(text, 'image/svg+xml');
      entry.svg = svg.documentElement.nodeName;
      entry.nodes = svg.querySelectorAll('g.node').length;
      entry.ids = Array.from(svg.querySelectorAll('[id]')).map(e => e.id);
    } catch (e) { entry.error = String(e); }
    pictures.push(entry);
  }
  const verdicts = Array.from(page.querySelectorAll('td.verdict')).map(
      td => ({classes: td.className, text: td.textContent}));
  document.getElementById('result').textContent =
      encodeURIComponent(JSON.stringify({pictures, verdicts}));
}
document.getElementById('page').addEventListener('load', check);
</script></body></html>
)";

std::string run_command(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  ::pclose(pipe);
  return output;
}

std::string uri_decoded(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

TEST(ReportBrowserTest, EveryPictureOfTheIndexLoadsAndShowsItsNodes) {
  const std::string chromium = chromium_binary();
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh)";
  TempDir run;
  TempDir profile;
  ASSERT_FALSE(run.path.empty());
  const auto expected = write_run_folder(run.path);
  ASSERT_EQ(write_text_file((run.path / "viz-check.html").string(), kCheckerPage), "");
  testing::StaticHttpServer server(run.path.string());
  ASSERT_EQ(server.error(), "");
  const std::string command =
      "timeout 120 " + chromium +
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
      " --disable-background-networking --disable-component-update --disable-sync"
      " --user-data-dir=" + profile.path.string() +
      " --virtual-time-budget=30000 --dump-dom " + server.url("viz-check.html") + " 2>/dev/null";
  const std::string dom = run_command(command);
  const size_t start = dom.find("<pre id=\"result\">");
  ASSERT_NE(start, std::string::npos) << dom.substr(0, 2000);
  const size_t begin = start + std::string("<pre id=\"result\">").size();
  const std::string encoded = dom.substr(begin, dom.find("</pre>", begin) - begin);
  ASSERT_NE(encoded, "pending") << "the checker did not finish";
  const nlohmann::json result = nlohmann::json::parse(uri_decoded(encoded));
  std::set<std::string> seen;
  for (const nlohmann::json& picture : result["pictures"]) {
    const std::string path = picture["path"];
    seen.insert(path);
    EXPECT_TRUE(picture["loaded"].get<bool>()) << path;
    EXPECT_GT(picture["width"].get<int>(), 0) << path;
    EXPECT_EQ(picture.value("svg", ""), "svg") << path << " " << picture.value("error", "");
    const std::vector<std::string> ids = picture["ids"];
    const std::set<std::string> shown(ids.begin(), ids.end());
    ASSERT_TRUE(expected.contains(path)) << path;
    for (const std::string& id : expected.at(path)) {
      EXPECT_TRUE(shown.contains(id)) << path << " shows no " << id;
    }
    if (picture["path"] != "pictures/fill curve 200.svg") {
      EXPECT_GT(picture["nodes"].get<int>(), 1) << path;
    }
  }
  EXPECT_EQ(seen.size(), expected.size());
  ASSERT_EQ(result["verdicts"].size(), 2u);
  EXPECT_EQ(result["verdicts"][0]["classes"], "verdict pass");
  EXPECT_EQ(result["verdicts"][1]["classes"], "verdict fail");
  EXPECT_EQ(result["verdicts"][1]["text"], "violation");
}

}  // namespace
}  // namespace mapsim::viz
