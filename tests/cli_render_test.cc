// `mapsim run`'s pictures and `mapsim render` (cli/run_pictures.h, cli/render_command.h), run
// as the built executable:
//   * a run writes, for every kept failure, its trace's swimlanes (and for an LRU map the
//     execution's LRU walks), each LRU scenario's path coverage, the whole run's coverage per
//     chart, and index.html listing scenarios, verdicts and every picture; all svg parse and
//     show what they must (the violation note, reached flowchart nodes);
//   * `render TRACE` and `render RUN-DIR` draw the same from the files alone;
//   * bad input (missing, not JSON, a newer format version, a corrupt record, a visible
//     operation or path event this mapsim does not know, a folder that is not a run) is exit 2
//     with the file named;
//   * a failing trace marks its violating step in red, with the failed check beside it;
//   * an enormous trace is drawn up to the cap, with a note saying what was left out;
//   * the run's index.html opens in headless Chromium with every picture loaded and showing its
//     nodes (skipped where Chromium is not installed).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "tests/support/mapsim_command_fixture.h"
#include "tests/viz_support/browser_check.h"
#include "tests/viz_support/svg_document.h"
#include "tests/viz_support/parsed_svg.h"

namespace mapsim::cli {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using viz::testing::svg_at;
using viz::testing::SvgDocument;
using viz::testing::SvgGroup;

std::string data(const std::string& file) { return std::string(MAPSIM_SOURCE_DIR) + "/" + file; }

class RenderCommandTest : public testing::MapsimCommandSuiteFixture {
 protected:
  // One run for every test: a failing hash scenario, a passing one, a failing LRU scenario and
  // a passing LRU scenario.
  static void SetUpTestSuite() {
    MapsimCommandSuiteFixture::SetUpTestSuite();
    run_ = mapsim("run " + data("tests/data/cli/seeded_bug.yaml") + " " +
                  data("tests/data/cli/passing.yaml") + " " +
                  data("tests/data/viz/lru_evicts_key_one.yaml") + " " +
                  data("scenarios/suite/lru_update_evicts_then_fails.yaml") + " --out " +
                  (root_ / "run").string());
  }
  static fs::path run_dir() { return root_ / "run"; }
  static std::vector<fs::path> traces() {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(run_dir() / "traces")) {
      found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    return found;
  }
  static std::set<std::string> picture_files(const fs::path& folder) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder / "pictures")) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }

  static inline CommandResult run_;
};

TEST_F(RenderCommandTest, RunDrawsEveryFailureTheCoverageAndAnIndex) {
  ASSERT_EQ(run_.status, 1) << run_.out << run_.err;
  EXPECT_NE(run_.out.find("reports and pictures in"), std::string::npos) << run_.out;
  const std::string index = read_text(run_dir() / "index.html");
  ASSERT_FALSE(index.empty());
  for (const char* name : {"seeded-bug", "passing", "lru-evicts-key-one",
                           "lru-update-evicts-then-fails"}) {
    EXPECT_NE(index.find(std::string(">") + name + "<"), std::string::npos) << name;
  }
  EXPECT_NE(index.find("verdict fail"), std::string::npos);
  EXPECT_NE(index.find("verdict pass"), std::string::npos);
  ASSERT_FALSE(traces().empty());
  for (const fs::path& trace : traces()) {
    const std::string stem = trace.stem().string();
    const SvgDocument lanes = svg_at(run_dir() / "pictures" / (stem + "-swimlanes.svg"));
    EXPECT_NE(lanes.find("violation"), nullptr) << stem;
    EXPECT_NE(lanes.find("ctx0.op0.invoke"), nullptr) << stem;
    EXPECT_NE(index.find("pictures/" + stem + "-swimlanes.svg"), std::string::npos) << stem;
    EXPECT_NE(index.find("traces/" + trace.filename().string()), std::string::npos) << stem;
    if (stem.rfind("lru-", 0) == 0) {
      const SvgDocument walks = svg_at(run_dir() / "pictures" / (stem + "-lru-walks.svg"));
      ASSERT_NE(walks.find("lru.update.begin"), nullptr);
      EXPECT_TRUE(walks.find("lru.update.begin")->has_class("flow-reached")) << stem;
    }
  }
  for (const char* coverage : {"lru-evicts-key-one-coverage.svg",
                               "lru-update-evicts-then-fails-coverage.svg",
                               "run-coverage-common.svg"}) {
    const SvgDocument svg = svg_at(run_dir() / "pictures" / coverage);
    EXPECT_NE(svg.all_text().find("nodes reached"), std::string::npos) << coverage;
    EXPECT_TRUE(svg.find("lru.update.begin")->has_class("flow-reached")) << coverage;
    EXPECT_NE(index.find(std::string("pictures/") + coverage), std::string::npos) << coverage;
  }
  EXPECT_FALSE(fs::exists(run_dir() / "pictures" / "seeded-bug-coverage.svg"))
      << "no LRU coverage for a hash map";
}

TEST_F(RenderCommandTest, RenderOfATraceDrawsItsSwimlanesAndWalks) {
  const fs::path trace = run_dir() / "traces" / "lru-evicts-key-one-1.json";
  const fs::path out = root_ / "one";
  const CommandResult outcome =
      mapsim("render " + trace.string() + " --out " + out.string() + " --detail");
  ASSERT_EQ(outcome.status, 0) << outcome.out << outcome.err;
  const SvgDocument lanes = svg_at(out / "pictures" / "lru-evicts-key-one-1-swimlanes.svg");
  EXPECT_NE(lanes.find("step.0"), nullptr) << "--detail draws every step";
  EXPECT_FALSE(lanes.groups_with_class("path-event").empty());
  ASSERT_NE(lanes.find("violation"), nullptr);
  EXPECT_NE(lanes.find("violation")->text.find("after the last step"), std::string::npos);
  EXPECT_TRUE(fs::exists(out / "pictures" / "lru-evicts-key-one-1-lru-walks.svg"));
  EXPECT_NE(read_text(out / "index.html").find("lru-evicts-key-one-1-swimlanes.svg"),
            std::string::npos);
}

TEST_F(RenderCommandTest, RenderOfARunFolderDrawsWhatTheRunDrew) {
  const fs::path out = root_ / "again";
  const CommandResult outcome =
      mapsim("render " + run_dir().string() + " --out " + out.string() + " --lru-updates 1");
  ASSERT_EQ(outcome.status, 0) << outcome.out << outcome.err;
  // What the run drew, plus one picture per LRU update of each trace (render only).
  std::set<std::string> updates;
  for (const std::string& name : picture_files(out)) {
    if (name.find("-lru-update-") != std::string::npos) updates.insert(name);
  }
  EXPECT_FALSE(updates.empty());
  std::set<std::string> drawn_by_run = picture_files(run_dir());
  drawn_by_run.insert(updates.begin(), updates.end());
  EXPECT_EQ(picture_files(out), drawn_by_run);
  for (const std::string& name : picture_files(run_dir())) {
    if (name.ends_with(".svg")) {
      EXPECT_EQ(read_text(out / "pictures" / name), read_text(run_dir() / "pictures" / name))
          << name;
    }
  }
}

TEST_F(RenderCommandTest, BadInputIsExitTwoWithTheFileNamed) {
  const fs::path out = root_ / "bad";
  const fs::path garbage = root_ / "garbage.json";
  std::ofstream(garbage) << "not json";
  CommandResult outcome = mapsim("render " + garbage.string() + " --out " + out.string());
  EXPECT_EQ(outcome.status, 2);
  EXPECT_NE(outcome.err.find(garbage.string() + ": not valid JSON"), std::string::npos)
      << outcome.err;
  // A trace of a newer format, and one whose record names a context that does not exist.
  const fs::path original = run_dir() / "traces" / "lru-evicts-key-one-1.json";
  nlohmann::json trace = nlohmann::json::parse(read_text(original));
  nlohmann::json newer = trace;
  newer["format_version"] = 99;
  const fs::path newer_path = root_ / "newer.json";
  std::ofstream(newer_path) << newer.dump();
  outcome = mapsim("render " + newer_path.string() + " --out " + out.string());
  EXPECT_EQ(outcome.status, 2);
  EXPECT_NE(outcome.err.find("'format_version' is 99"), std::string::npos) << outcome.err;
  trace["records"][3]["context"] = 7;
  const fs::path corrupt = root_ / "corrupt.json";
  std::ofstream(corrupt) << trace.dump();
  outcome = mapsim("render " + corrupt.string() + " --out " + out.string());
  EXPECT_EQ(outcome.status, 2);
  EXPECT_NE(outcome.err.find(corrupt.string() + ": record 3: context 7 does not exist"),
            std::string::npos)
      << outcome.err;
  // Names this mapsim does not know: a visible operation, a path event (another version).
  nlohmann::json unknown_op = nlohmann::json::parse(read_text(original));
  ASSERT_EQ(unknown_op["records"][4]["kind"], "step");
  unknown_op["records"][4]["op"] = "atomic_frobnicate";
  const fs::path unknown_op_path = root_ / "unknown-op.json";
  std::ofstream(unknown_op_path) << unknown_op.dump();
  outcome = mapsim("render " + unknown_op_path.string() + " --out " + out.string());
  EXPECT_EQ(outcome.status, 2);
  EXPECT_NE(outcome.err.find(unknown_op_path.string() + ": record 4: op 'atomic_frobnicate' "
                                "is not a visible operation this mapsim knows (a trace written "
                                "by another mapsim version"),
            std::string::npos)
      << outcome.err;
  nlohmann::json unknown_event = nlohmann::json::parse(read_text(original));
  ASSERT_EQ(unknown_event["records"][1]["kind"], "path_event");
  unknown_event["records"][1]["op"] = "lru.update.teleport";
  const fs::path unknown_event_path = root_ / "unknown-event.json";
  std::ofstream(unknown_event_path) << unknown_event.dump();
  outcome = mapsim("render " + unknown_event_path.string() + " --out " + out.string());
  EXPECT_EQ(outcome.status, 2);
  EXPECT_NE(outcome.err.find(unknown_event_path.string() + ": record 1: op "
                                "'lru.update.teleport' is not an LRU path event this mapsim knows"),
            std::string::npos)
      << outcome.err;
  EXPECT_FALSE(fs::exists(out / "pictures" / "unknown-event-swimlanes.svg"));
  outcome = mapsim("render " + (root_ / "missing.json").string() + " --out " + out.string());
  EXPECT_EQ(outcome.status, 2);
  EXPECT_NE(outcome.err.find("missing.json: no such file or folder"), std::string::npos)
      << outcome.err;
  outcome = mapsim("render " + root_.string() + " --out " + out.string());
  EXPECT_EQ(outcome.status, 2);
  EXPECT_NE(outcome.err.find("report.json: cannot be read"), std::string::npos) << outcome.err;
  EXPECT_EQ(mapsim("render " + original.string()).status, 2) << "--out is required";
}

// A failing scenario's trace (a regression trace: a reader copies a value the deleter freed
// without a grace period, found by the simulator at step 15) marks the violating step in red,
// with the failed check beside it.
TEST_F(RenderCommandTest, FailingTraceMarksTheViolatingStep) {
  const std::string trace =
      data("scenarios/regressions/mutant-hash-free-without-grace-period.json");
  const nlohmann::json file = nlohmann::json::parse(read_text(trace));
  ASSERT_EQ(file["failure"]["kind"], "use_after_free");
  const uint32_t violating = file["failure"]["step"].get<uint32_t>() - 1;
  const fs::path out = root_ / "violating";
  const CommandResult outcome = mapsim("render " + trace + " --out " + out.string());
  ASSERT_EQ(outcome.status, 0) << outcome.out << outcome.err;
  const SvgDocument lanes =
      svg_at(out / "pictures" / "mutant-hash-free-without-grace-period-swimlanes.svg");
  const std::vector<const SvgGroup*> red = lanes.groups_with_class("violating-step");
  ASSERT_EQ(red.size(), 1u);
  EXPECT_EQ(red[0]->id, "step." + std::to_string(violating));
  const SvgGroup* note = lanes.find("violation");
  ASSERT_NE(note, nullptr);
  EXPECT_NE(note->text.find("use_after_free"), std::string::npos) << note->text;
  EXPECT_NE(note->text.find("at step " + std::to_string(violating)), std::string::npos);
  EXPECT_FALSE(lanes.groups_with_class("violation-link").empty());
  EXPECT_TRUE(lanes.groups_with_class("blamed-op").empty()) << "a step's failure names no op";
}

// The run's trace with 6,000 more steps (loads by CPU 0 after its third step): drawn with
// --detail up to the swimlanes' cap of 4000 items, with the gap and the title saying what was
// left out.
TEST_F(RenderCommandTest, EnormousTraceIsDrawnUpToTheCapWithANote) {
  const fs::path original = run_dir() / "traces" / "lru-evicts-key-one-1.json";
  nlohmann::json trace = nlohmann::json::parse(read_text(original));
  constexpr uint32_t kExtra = 6000;
  const nlohmann::json load = trace["records"][4];
  ASSERT_EQ(load["op"], "atomic_load");
  const uint32_t first = trace["records"][6]["step"];
  nlohmann::json records = nlohmann::json::array();
  for (size_t i = 0; i < trace["records"].size(); ++i) {
    nlohmann::json record = trace["records"][i];
    if (i == 6) {
      for (uint32_t n = 0; n < kExtra; ++n) {
        nlohmann::json extra = load;
        extra["step"] = first + n;
        extra["text"] = "step " + std::to_string(first + n) + "  cpu0  atomic_load obj#2 = 0";
        records.push_back(extra);
      }
    }
    if (i >= 6) record["step"] = record["step"].get<uint32_t>() + kExtra;
    records.push_back(record);
  }
  const size_t total = records.size();
  trace["records"] = records;
  trace["steps"] = trace["steps"].get<uint32_t>() + kExtra;
  trace["failure"]["step"] = trace["failure"]["step"].get<uint32_t>() + kExtra;
  const fs::path big = root_ / "enormous.json";
  std::ofstream(big) << trace.dump();
  const fs::path out = root_ / "enormous";
  const CommandResult outcome =
      mapsim("render " + big.string() + " --out " + out.string() + " --detail");
  ASSERT_EQ(outcome.status, 0) << outcome.out << outcome.err;
  const SvgDocument lanes = svg_at(out / "pictures" / "enormous-swimlanes.svg");
  const SvgGroup* gap = lanes.find("gap.0");
  ASSERT_NE(gap, nullptr);
  EXPECT_NE(gap->text.find("records left out (steps"), std::string::npos) << gap->text;
  EXPECT_NE(lanes.all_text().find("picture cap: 4000 items drawn of " + std::to_string(total)),
            std::string::npos);
  const size_t drawn = lanes.groups_with_class("step").size() +
                       lanes.groups_with_class("path-event").size() +
                       lanes.groups_with_class("op-invoke").size() +
                       lanes.groups_with_class("op-result").size();
  EXPECT_EQ(drawn, 4000u);
  EXPECT_NE(lanes.find("step.0"), nullptr) << "the start is drawn";
  EXPECT_NE(lanes.find("violation"), nullptr) << "and the end, with the failed check";
}

TEST_F(RenderCommandTest, RunIndexOpensInChromiumWithEveryPictureShowingItsNodes) {
  if (viz::testing::chromium_binary().empty()) {
    ASSERT_FALSE(viz::testing::chromium_required()) << "CI=true, but chromium is not installed "
                                              "(scripts/install-deps.sh installs it)";
    GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh)";
  }
  const viz::testing::BrowserCheck check = viz::testing::check_index_in_chromium(run_dir());
  ASSERT_EQ(check.error, "");
  size_t svgs = 0;
  for (const std::string& name : picture_files(run_dir())) svgs += name.ends_with(".svg");
  EXPECT_EQ(check.pictures.size(), svgs);
  for (const viz::testing::BrowserPicture& picture : check.pictures) {
    EXPECT_TRUE(picture.loaded) << picture.path;
    EXPECT_GT(picture.width, 0) << picture.path;
    EXPECT_EQ(picture.root, "svg") << picture.path << " " << picture.error;
    EXPECT_GT(picture.nodes, 1) << picture.path;
  }
  ASSERT_EQ(check.verdicts.size(), 4u);
  std::multiset<std::string> verdicts;
  for (const auto& verdict : check.verdicts) verdicts.insert(verdict.classes + " " + verdict.text);
  EXPECT_EQ(verdicts.count("verdict pass pass"), 2u);
  EXPECT_EQ(verdicts.count("verdict fail violation") +
                verdicts.count("verdict fail failed_expectation"),
            2u);
}

}  // namespace
}  // namespace mapsim::cli
