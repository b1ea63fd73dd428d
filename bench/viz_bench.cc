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
//   BM_LruCoverage:                  the common-LRU flowchart with a run's coverage drawn on it.
//   BM_StateGraph:                   the state graph of an exhaustive DPOR exploration of
//                                    "hash 2 cpus x 3 ops" (~900 states): drawn up to the default
//                                    state cap (400) with limited layout effort; counters states,
//                                    states_drawn.
// Counters: records (trace records), steps, svg_kb (size of the svg produced). Times are wall
// times: the render runs in a child process, which CPU time would not count.
#include <benchmark/benchmark.h>

#include <string>

#include "impl/uapi.h"
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

// 4 CPUs, `operations_per_cpu` updates (and every fourth a program lookup) of keys of their
// own on a 32-entry common-LRU map: ~30 steps per operation.
sim::testing::MapScenarioConfig big_lru_config(int operations_per_cpu) {
  sim::testing::MapScenarioConfig config;
  config.name = "lru 4 cpus x " + std::to_string(operations_per_cpu);
  config.possible_cpus = 4;
  config.attr.map_type = bpf::kMapLruHash;
  config.attr.key_size = 4;
  config.attr.value_size = 8;
  config.attr.max_entries = 32;
  config.attr.map_flags = bpf::kFZeroSeed;
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
  const int operations_per_cpu = steps / (4 * 34) + 1;
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
  for (auto _ : state) {
    const Picture picture = draw_swimlanes(trace, options);
    if (!picture.ok()) state.SkipWithError(picture.error.c_str());
    svg_bytes = picture.svg.size();
  }
  state.counters["records"] = static_cast<double>(trace.records.size());
  state.counters["steps"] = trace.records.empty() ? 0 : trace.records.back().step + 1.0;
  state.counters["svg_kb"] = static_cast<double>(svg_bytes) / 1024;
}

void BM_SwimlaneTrace(benchmark::State& state) { draw(state, false); }
void BM_SwimlaneTraceDetail(benchmark::State& state) { draw(state, true); }

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
  for (auto _ : state) {
    const Picture picture = draw_lru_coverage(LruListKind::kCommon, counts, "benchmark");
    if (!picture.ok()) state.SkipWithError(picture.error.c_str());
  }
}

void BM_StateGraph(benchmark::State& state) {
  StateGraphRecorder recorder("hash 2 cpus x 3 ops (DPOR)");
  sim::ExplorerOptions options;
  options.observer = [&recorder](const sim::ExecutionRecord& record) { recorder.observe(record); };
  sim::Explorer explorer(sim::testing::map_scenario(sim::testing::hash_two_cpus()), options);
  sim::DporStrategy dpor(sim::DporOptions{});
  explorer.explore(dpor);
  const StateGraphOptions drawing;
  for (auto _ : state) {
    const Picture picture = draw_state_graph(recorder.input(), drawing);
    if (!picture.ok()) state.SkipWithError(picture.error.c_str());
  }
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
BENCHMARK(BM_LruCoverage)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StateGraph)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace mapsim::viz
