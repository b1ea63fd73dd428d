// Picture costs (Google Benchmark; never timed tests).
//
//   BM_SwimlaneTrace/<steps>:        swimlanes of one execution of an LRU scenario with about
//                                    <steps> steps (4 CPUs updating and looking up keys of a
//                                    common-LRU map, evicting and handing locks to each other):
//                                    dot text + Graphviz render, no visible operations drawn.
//                                    Target: 10,000 steps in < 1 s.
//   BM_SwimlaneTraceDetail/<steps>:  the same with every visible operation drawn (`detail`); the
//                                    default record cap (4000 items) applies, and the picture
//                                    says what was left out.
//   BM_RenderTraceFile/<steps>:      what `mapsim render TRACE` does for one trace file of such an
//                                    execution, minus writing the files: parse the JSON, check
//                                    it, adapt it, draw its swimlanes and its LRU walks on the
//                                    common-LRU flowchart. Target: 10,000 steps in < 1 s.
//   BM_LruCoverage:                  the common-LRU flowchart with a run's coverage drawn on it.
//   BM_LruUpdatePicture:             one update's path highlighted on the common-LRU flowchart,
//                                    as `mapsim render` draws up to --lru-updates of them.
//   BM_StateGraph:                   the state graph of an exhaustive DPOR exploration of
//                                    "hash 2 cpus x 3 ops" (~900 states): drawn up to the default
//                                    state cap (400) with limited layout effort; counters states,
//                                    states_drawn.
// Counters: records (trace records), steps, svg_kb (size of the svg produced), renderer_cpu_ms
// (CPU time of the Graphviz child processes per picture, which the CPU column does not count).
// Times are wall times: the render runs in a child process, which CPU time would not count. On
// a loaded machine the wall time grows with the load; the CPU column plus renderer_cpu_ms is
// the work itself.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "cli/trace_pictures.h"
#include "impl/uapi.h"
#include "scenarios/trace/trace_file.h"
#include "sim/capture.h"
#include "sim/explorer.h"
#include "sim/strategy/dpor.h"
#include "sim/strategy/random_walk.h"
#include "sim/testing/map_scenarios.h"
#include "viz/lru_flowchart_dot.h"
#include "viz/lru_path.h"
#include "viz/state_graph.h"
#include "viz/swimlane.h"

namespace mapsim::viz {
namespace {

using sim::testing::MapOperation;

// CPU time (user + system) of the waited-for child processes so far, in milliseconds.
double children_cpu_ms() {
  rusage usage{};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  auto ms = [](const timeval& time) { return time.tv_sec * 1e3 + time.tv_usec / 1e3; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

// Measures the Graphviz children's CPU time over a benchmark's loop.
class RendererCpu {
 public:
  RendererCpu() : start_(children_cpu_ms()) {}
  void report(benchmark::State& state) const {
    const auto iterations = std::max<int64_t>(state.iterations(), 1);
    state.counters["renderer_cpu_ms"] =
        (children_cpu_ms() - start_) / static_cast<double>(iterations);
  }

 private:
  double start_;
};

// 4 CPUs, `operations_per_cpu` updates (and every fourth a program lookup) of keys of their
// own on a 32-entry common-LRU map: about 33 steps per operation, so `steps` asks for a few
// more operations than it needs (the execution has at least `steps` steps).
sim::testing::MapScenarioConfig big_lru_config(int operations_per_cpu) {
  sim::testing::MapScenarioConfig config = sim::testing::small_map_config(
      "lru 4 cpus x " + std::to_string(operations_per_cpu), bpf::kMapLruHash, 32, 0, 4);
  config.cpus.resize(4);
  for (int cpu = 0; cpu < 4; ++cpu) {
    for (int i = 0; i < operations_per_cpu; ++i) {
      const uint32_t key = static_cast<uint32_t>(cpu * 1000 + i % 40);
      const auto kind = i % 4 == 3 ? MapOperation::Kind::kProgramLookup
                                   : MapOperation::Kind::kUpdate;
      config.cpus[cpu].push_back(MapOperation{kind, key, 0});
    }
  }
  return config;
}

// One random execution of the scenario with about `steps` steps, as swimlanes.
SwimlaneTrace trace_with_steps(int steps) {
  const int operations_per_cpu = steps / (4 * 32) + 1;
  SwimlaneTrace captured;
  sim::ExplorerOptions options;
  options.max_executions = 1;
  options.observer = [&captured](const sim::ExecutionRecord& record) {
    captured = swimlane_trace_from_sim(*record.trace, *record.instance, *record.outcome,
                                       record.result, "benchmark");
  };
  sim::Explorer explorer(sim::testing::map_scenario(big_lru_config(operations_per_cpu)),
                         options);
  sim::RandomWalkOptions random;
  random.seed = 1;
  random.budget = 1;
  sim::RandomWalkStrategy strategy(random);
  explorer.explore(strategy);
  return captured;
}

void draw(benchmark::State& state, bool detail) {
  const SwimlaneTrace trace = trace_with_steps(static_cast<int>(state.range(0)));
  SwimlaneOptions options;
  options.detail = detail;
  size_t svg_bytes = 0;
  const RendererCpu renderer;
  for (auto _ : state) {
    const Picture picture = draw_swimlanes(trace, options);
    if (!picture.ok()) state.SkipWithError(picture.error.c_str());
    svg_bytes = picture.svg.size();
  }
  renderer.report(state);
  state.counters["records"] = static_cast<double>(trace.records.size());
  state.counters["steps"] = trace.records.empty() ? 0 : trace.records.back().step + 1.0;
  state.counters["svg_kb"] = static_cast<double>(svg_bytes) / 1024;
}

void BM_SwimlaneTrace(benchmark::State& state) { draw(state, false); }
void BM_SwimlaneTraceDetail(benchmark::State& state) { draw(state, true); }

// The trace file (as `mapsim run` writes them) of one random execution with about `steps`
// steps.
std::string trace_file_with_steps(int steps) {
  const sim::Scenario scenario =
      sim::testing::map_scenario(big_lru_config(steps / (4 * 32) + 1));
  sim::Schedule schedule;
  sim::ExplorerOptions options;
  options.max_executions = 1;
  options.observer = [&schedule](const sim::ExecutionRecord& record) {
    schedule = *record.schedule;
  };
  sim::Explorer explorer(scenario, options);
  sim::RandomWalkOptions random;
  random.seed = 1;
  random.budget = 1;
  sim::RandomWalkStrategy strategy(random);
  explorer.explore(strategy);
  const sim::CapturedExecution captured = sim::capture_execution(scenario, schedule);
  if (!captured.ok()) return "";
  scenario::TraceFile file;
  file.scenario_name = scenario.name;
  file.strategy = "random";
  scenario::fill_from_capture(captured, &file);
  return scenario::trace_file_json(file);
}

void BM_RenderTraceFile(benchmark::State& state) {
  const std::string text = trace_file_with_steps(static_cast<int>(state.range(0)));
  if (text.empty()) {
    state.SkipWithError("the execution could not be captured");
    return;
  }
  size_t records = 0;
  uint32_t steps = 0;
  size_t svg_bytes = 0;
  const RendererCpu renderer;
  for (auto _ : state) {
    sim::Result<scenario::TraceFile> file = scenario::parse_trace_file(text, "benchmark.json");
    if (!file.ok()) {
      state.SkipWithError(file.error().c_str());
      return;
    }
    if (std::string problem = cli::trace_file_drawing_problem(file.value()); !problem.empty()) {
      state.SkipWithError(problem.c_str());
      return;
    }
    const Picture lanes =
        draw_swimlanes(cli::trace_file_swimlanes(file.value(), "benchmark"), SwimlaneOptions{});
    const Picture walks = draw_lru_coverage(
        LruListKind::kCommon, cli::trace_file_lru_walks(file.value()), "benchmark walks");
    if (!lanes.ok() || !walks.ok()) state.SkipWithError((lanes.error + walks.error).c_str());
    records = file.value().records.size();
    steps = file.value().steps;
    svg_bytes = lanes.svg.size() + walks.svg.size();
  }
  renderer.report(state);
  state.counters["records"] = static_cast<double>(records);
  state.counters["steps"] = steps;
  state.counters["svg_kb"] = static_cast<double>(svg_bytes) / 1024;
  state.counters["json_kb"] = static_cast<double>(text.size()) / 1024;
}

void BM_LruCoverage(benchmark::State& state) {
  LruPathCounts counts;
  sim::ExplorerOptions options;
  options.observer = [&counts](const sim::ExecutionRecord& record) {
    counts.add_trace(*record.trace);
  };
  sim::Explorer explorer(sim::testing::map_scenario(sim::testing::lru_three_cpus()), options);
  sim::RandomWalkOptions random;
  random.budget = 200;
  sim::RandomWalkStrategy strategy(random);
  explorer.explore(strategy);
  const RendererCpu renderer;
  for (auto _ : state) {
    const Picture picture = draw_lru_coverage(LruListKind::kCommon, counts, "benchmark");
    if (!picture.ok()) state.SkipWithError(picture.error.c_str());
  }
  renderer.report(state);
}

// One picture of `mapsim render`'s per-update series: the first LRU update of the 1000-step
// trace file, its path highlighted on the common-LRU flowchart (the cost --lru-updates caps).
void BM_LruUpdatePicture(benchmark::State& state) {
  sim::Result<scenario::TraceFile> file =
      scenario::parse_trace_file(trace_file_with_steps(1000), "benchmark.json");
  if (!file.ok()) {
    state.SkipWithError(file.error().c_str());
    return;
  }
  const std::vector<cli::LruUpdateWalk> updates = cli::trace_file_lru_updates(file.value());
  if (updates.empty()) {
    state.SkipWithError("the execution has no LRU update");
    return;
  }
  const RendererCpu renderer;
  for (auto _ : state) {
    const Picture picture =
        draw_lru_path(LruListKind::kCommon, updates.front().walk.path, "benchmark update");
    if (!picture.ok()) state.SkipWithError(picture.error.c_str());
  }
  renderer.report(state);
  state.counters["updates_in_trace"] = static_cast<double>(updates.size());
}

void BM_StateGraph(benchmark::State& state) {
  StateGraphRecorder recorder("hash 2 cpus x 3 ops (DPOR)");
  sim::ExplorerOptions options;
  options.observer = [&recorder](const sim::ExecutionRecord& record) { recorder.observe(record); };
  sim::Explorer explorer(sim::testing::map_scenario(sim::testing::hash_two_cpus()), options);
  sim::DporStrategy dpor(sim::DporOptions{});
  explorer.explore(dpor);
  const StateGraphOptions drawing;
  const RendererCpu renderer;
  for (auto _ : state) {
    const Picture picture = draw_state_graph(recorder.input(), drawing);
    if (!picture.ok()) state.SkipWithError(picture.error.c_str());
  }
  renderer.report(state);
  const BuiltStateGraph built = build_state_graph(recorder.input(), drawing);
  state.counters["states"] = static_cast<double>(built.states_total);
  state.counters["states_drawn"] = static_cast<double>(boost::num_vertices(built.graph));
}

// Graphviz renders in a child process (viz/graphviz_render.h): only wall time counts it.
BENCHMARK(BM_SwimlaneTrace)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SwimlaneTraceDetail)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_RenderTraceFile)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_LruCoverage)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LruUpdatePicture)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StateGraph)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace mapsim::viz
