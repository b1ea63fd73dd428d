// What `mapsim render` draws for a trace beyond its swimlanes' steps (cli/failure_blame.h,
// cli/trace_pictures.h), run as the built executable on real traces:
//   * a failed end-of-execution check marks in red (class "blamed-op") exactly the operations
//     it names: a `never` expectation's step atom, the walk a walk check judged, the
//     operations of the smallest non-linearizable part; the note says which check failed
//     (docs/img/swimlanes-linearizability.svg is the last of these, checked the same way);
//   * (a step's failure keeps its single red step and marks no operation: cli_render_test);
//   * one flowchart per LRU update of the execution, named by CPU, operation and label, with
//     exactly the path events that update emitted (read from the trace file) highlighted, at
//     most 16 of them with a note saying how many were left out.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "tests/support/mapsim_command_fixture.h"
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

std::set<std::string> ids_of(const std::vector<const SvgGroup*>& groups) {
  std::set<std::string> ids;
  for (const SvgGroup* group : groups) ids.insert(group->id);
  return ids;
}

std::set<std::string> boxes_of(const std::string& operation) {
  return {operation + ".invoke", operation + ".result"};
}

class RenderBlameTest : public testing::MapsimCommandSuiteFixture {
 protected:
  // Runs `scenario` into a fresh folder; its kept traces, sorted.
  static std::vector<fs::path> failing_traces(const std::string& scenario,
                                              const std::string& name) {
    const fs::path out = root_ / name;
    const CommandResult run = mapsim("run " + data(scenario) + " --out " + out.string());
    EXPECT_EQ(run.status, 1) << run.out << run.err;
    std::vector<fs::path> found;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(out / "traces", error)) {
      found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    return found;
  }
  // `mapsim render TRACE` into a fresh folder; the swimlanes drawn.
  static SvgDocument render(const fs::path& trace, const std::string& name,
                            CommandResult* outcome) {
    const fs::path out = root_ / name;
    *outcome = mapsim("render " + trace.string() + " --out " + out.string());
    EXPECT_EQ(outcome->status, 0) << outcome->out << outcome->err;
    return svg_at(out / "pictures" / (trace.stem().string() + "-swimlanes.svg"));
  }
};

TEST_F(RenderBlameTest, NeverExpectationMarksTheOperationItsAtomNames) {
  const std::vector<fs::path> traces =
      failing_traces("tests/data/viz/lru_many_updates_never.yaml", "never-run");
  ASSERT_EQ(traces.size(), 1u);
  CommandResult outcome;
  const SvgDocument lanes = render(traces[0], "never", &outcome);
  EXPECT_EQ(ids_of(lanes.groups_with_class("blamed-op")), boxes_of("ctx0.op3"))
      << "u3, CPU 0's fourth operation, and nothing else";
  EXPECT_TRUE(lanes.groups_with_class("violating-step").empty());
  const SvgGroup* note = lanes.find("violation");
  ASSERT_NE(note, nullptr);
  EXPECT_NE(note->text.find("after the last step"), std::string::npos) << note->text;
  EXPECT_NE(note->text.find("failed check: never; 1 operation in red"), std::string::npos)
      << note->text;
  EXPECT_NE(note->text.find("expectation 0"), std::string::npos) << note->text;
}

TEST_F(RenderBlameTest, WalkCheckMarksTheWalk) {
  const std::vector<fs::path> traces =
      failing_traces("tests/data/viz/walk_skip_unexpected.yaml", "walk-run");
  ASSERT_FALSE(traces.empty());
  for (size_t i = 0; i < traces.size() && i < 3; ++i) {
    const nlohmann::json file = nlohmann::json::parse(read_text(traces[i]));
    ASSERT_EQ(file["failure"]["kind"].get<std::string>().rfind("walk_", 0), 0u) << traces[i];
    CommandResult outcome;
    const SvgDocument lanes = render(traces[i], "walk" + std::to_string(i), &outcome);
    EXPECT_EQ(ids_of(lanes.groups_with_class("blamed-op")), boxes_of("ctx0.op1"))
        << traces[i] << ": the walk `scan`, not the lookup before it nor the replace";
    ASSERT_NE(lanes.find("violation"), nullptr);
    EXPECT_NE(lanes.find("violation")->text.find("walk scan"), std::string::npos);
  }
}

TEST_F(RenderBlameTest, LinearizabilityMarksTheSmallestNonLinearizablePart) {
  const fs::path trace = data("scenarios/regressions/mutant-hash-capacity-before-existence.json");
  const nlohmann::json file = nlohmann::json::parse(read_text(trace));
  ASSERT_EQ(file["failure"]["kind"], "linearizability");
  ASSERT_NE(file["failure"]["message"].get<std::string>().find("('replace', line"),
            std::string::npos);
  CommandResult outcome;
  const SvgDocument lanes = render(trace, "linearizability", &outcome);
  EXPECT_EQ(ids_of(lanes.groups_with_class("blamed-op")), boxes_of("ctx0.op2"))
      << "`replace`, CPU 0's third operation, is the smallest part";
  EXPECT_TRUE(lanes.find("ctx0.op2.result")->has_class("op-error"));
  EXPECT_NE(lanes.find("violation")->text.find("smallest non-linearizable part"),
            std::string::npos);
  // docs/viz.md shows this picture; MAPSIM_UPDATE_DOCS=1 redraws it.
  const fs::path committed = data("docs/img/swimlanes-linearizability.svg");
  if (std::getenv("MAPSIM_UPDATE_DOCS") != nullptr) {
    fs::copy_file(root_ / "linearizability" / "pictures" /
                      "mutant-hash-capacity-before-existence-swimlanes.svg",
                  committed, fs::copy_options::overwrite_existing);
  }
  EXPECT_EQ(ids_of(svg_at(committed).groups_with_class("blamed-op")), boxes_of("ctx0.op2"))
      << committed;
}

// The events of each update operation in a trace file: (context, operation) -> event names, and
// what the operation returned.
struct TracedUpdate {
  std::vector<std::string> events;
  int64_t rc = 0;
  int cpu = 0;
};

std::map<std::pair<int, uint64_t>, TracedUpdate> updates_in(const nlohmann::json& file) {
  std::map<std::pair<int, uint64_t>, TracedUpdate> updates;
  std::map<int, uint64_t> running;
  for (const nlohmann::json& record : file["records"]) {
    const int context = record["context"].get<int>();
    const std::string kind = record["kind"].get<std::string>();
    if (kind == "begin") running[context] = record["value"].get<uint64_t>();
    if (kind == "path_event") {
      TracedUpdate& update = updates[{context, running.at(context)}];
      update.events.push_back(record["op"].get<std::string>());
      update.cpu = record["cpu"].get<int>();
    }
    if (kind == "end" && updates.contains({context, running.at(context)})) {
      updates[{context, running.at(context)}].rc = record["value"].get<int64_t>();
    }
  }
  std::erase_if(updates, [](const auto& entry) {
    return entry.second.events.front() != "lru.update.begin";
  });
  return updates;
}

// Every update picture highlights the entry, exactly the events that update emitted (in
// order, as numbered transitions) and the outcome its result implies.
void expect_update_pictures(const fs::path& trace, const fs::path& out, size_t drawn_expected) {
  const nlohmann::json file = nlohmann::json::parse(read_text(trace));
  const std::map<std::pair<int, uint64_t>, TracedUpdate> updates = updates_in(file);
  std::map<int, int> context_of_cpu;
  for (const nlohmann::json& results : file["results"]) {
    if (!results["nested"].get<bool>()) {
      context_of_cpu[results["cpu"].get<int>()] = results["context"].get<int>();
    }
  }
  const std::map<int64_t, std::string> outcome_of = {
      {0, "lru.out.success"}, {-17, "lru.out.eexist"}, {-2, "lru.out.enoent"},
      {-12, "lru.out.enomem"}};
  const std::regex name(trace.stem().string() +
                        R"(-lru-update-cpu(\d+)-op(\d+)-([A-Za-z0-9_]+)-([a-z_]+)\.svg)");
  size_t drawn = 0;
  for (const auto& entry : fs::directory_iterator(out / "pictures")) {
    const std::string file_name = entry.path().filename().string();
    std::smatch match;
    if (!std::regex_match(file_name, match, name)) continue;
    ++drawn;
    const int context = context_of_cpu.at(std::stoi(match[1]));
    const auto update = updates.find({context, std::stoull(match[2])});
    ASSERT_NE(update, updates.end()) << file_name << " names an operation that updated nothing";
    const std::string label = file["results"][context]["operations"][std::stoi(match[2])]["name"]
                                  .get<std::string>();
    EXPECT_EQ(label.substr(0, label.find(' ')), match[3].str()) << file_name;
    std::vector<std::string> walk = {"lru.op.update"};
    walk.insert(walk.end(), update->second.events.begin(), update->second.events.end());
    walk.push_back(outcome_of.at(update->second.rc));
    EXPECT_EQ(walk.back(), "lru.out." + match[4].str()) << file_name;
    std::set<std::string> nodes(walk.begin(), walk.end());
    std::set<std::string> edges;
    for (size_t i = 1; i < walk.size(); ++i) edges.insert(walk[i - 1] + "--" + walk[i]);
    const SvgDocument svg = svg_at(entry.path());
    std::set<std::string> highlighted_nodes, highlighted_edges;
    for (const SvgGroup* group : svg.groups_with_class("flow-path")) {
      (group->has_class("node") ? highlighted_nodes : highlighted_edges).insert(group->id);
    }
    EXPECT_EQ(highlighted_nodes, nodes) << file_name;
    EXPECT_EQ(highlighted_edges, edges) << file_name;
    EXPECT_FALSE(svg.groups_with_class("flow-faded").empty()) << file_name;
    EXPECT_NE(read_text(out / "index.html").find("pictures/" + file_name), std::string::npos)
        << file_name << " is listed on index.html";
  }
  EXPECT_EQ(drawn, drawn_expected);
}

TEST_F(RenderBlameTest, EachLruUpdateIsDrawnWithExactlyItsPathHighlighted) {
  const fs::path trace = data("scenarios/regressions/lru-update-evicts-then-eexist.json");
  CommandResult outcome;
  render(trace, "updates", &outcome);
  const size_t updates = updates_in(nlohmann::json::parse(read_text(trace))).size();
  ASSERT_EQ(updates, 2u) << "a BPF_NOEXIST update (EEXIST) and a BPF_EXIST one (ENOENT)";
  expect_update_pictures(trace, root_ / "updates", updates);
  EXPECT_EQ(outcome.out.find("LRU update paths (cap"), std::string::npos) << outcome.out;
}

TEST_F(RenderBlameTest, UpdatePicturesStopAtTheCapWithANote) {
  const std::vector<fs::path> traces =
      failing_traces("tests/data/viz/lru_many_updates_never.yaml", "cap-run");
  ASSERT_EQ(traces.size(), 1u);
  ASSERT_EQ(updates_in(nlohmann::json::parse(read_text(traces[0]))).size(), 19u);
  CommandResult outcome;
  render(traces[0], "cap", &outcome);
  expect_update_pictures(traces[0], root_ / "cap", 16);
  EXPECT_NE(outcome.out.find("drew the first 16 of 19 LRU update paths (cap 16, --lru-updates)"),
            std::string::npos)
      << outcome.out;
  EXPECT_NE(read_text(root_ / "cap" / "index.html").find("drew the first 16 of 19"),
            std::string::npos);
}

TEST_F(RenderBlameTest, LruUpdatesOptionSetsTheCapAndZeroDrawsNone) {
  const fs::path trace = data("scenarios/regressions/lru-update-evicts-then-eexist.json");
  const fs::path one = root_ / "one-update";
  CommandResult outcome =
      mapsim("render " + trace.string() + " --out " + one.string() + " --lru-updates 1");
  ASSERT_EQ(outcome.status, 0) << outcome.out << outcome.err;
  expect_update_pictures(trace, one, 1);
  EXPECT_NE(outcome.out.find("drew the first 1 of 2 LRU update paths"), std::string::npos)
      << outcome.out;
  const fs::path none = root_ / "no-update";
  outcome = mapsim("render " + trace.string() + " --out " + none.string() + " --lru-updates 0");
  ASSERT_EQ(outcome.status, 0) << outcome.out << outcome.err;
  expect_update_pictures(trace, none, 0);
  EXPECT_TRUE(fs::exists(none / "pictures" / (trace.stem().string() + "-lru-walks.svg")));
}

}  // namespace
}  // namespace mapsim::cli
