// Solve time per flowchart node: one benchmark per (LRU kind, path event) runs
// synthesize_scenario() once (the same request as scripts/regen-synth.sh) and reports the time
// spent solving, checking candidates in the simulator, the bound and the candidates tried.
// Key requests are timed by bench/synth_keys_bench.cc.
//
//   build/bench/synth_bench --benchmark_filter='common/lru.steal'   # a subset
#include <benchmark/benchmark.h>

#include <string>

#include "synth/lru/scenario_synthesizer.h"

namespace mapsim::synth {
namespace {

void synthesize_node(benchmark::State& state, PathEvent target, LruKind lru) {
  SynthRequest request;
  request.target = target;
  request.lru = lru;
  request.cpus = 2;
  request.max_steps = 5;
  request.timeout_seconds = 60;
  SynthResult result;
  for (auto _ : state) {
    result = synthesize_scenario(request);
    benchmark::DoNotOptimize(result.candidates);
  }
  state.counters["solve_s"] = result.solve_seconds;
  state.counters["check_s"] = result.check_seconds;
  state.counters["bound"] = result.bound;
  state.counters["candidates"] = result.candidates;
  state.counters["found"] = result.status == SynthStatus::kFound ? 1 : 0;
  state.SetLabel(synth_status_name(result.status));
}

int register_nodes() {
  for (LruKind lru : {LruKind::kCommon, LruKind::kPercpu}) {
    for (PathEvent event : all_path_events()) {
      if (!event_in_chart(event, lru)) continue;
      const std::string name = std::string("synth/") + lru_kind_name(lru) + "/" +
                               path_event_name(event);
      benchmark::RegisterBenchmark(name.c_str(), synthesize_node, event, lru)
          ->Iterations(1)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  }
  return 0;
}

const int kRegistered = register_nodes();

}  // namespace
}  // namespace mapsim::synth
