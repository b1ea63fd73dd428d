// Solve time per key request of `mapsim keys` (synth/colliding_keys.h; issue 8): one
// iteration is one whole request, from encoding to the concretely checked keys, with a
// different seed and bucket every iteration so that the time is an average over problems
// rather than one problem's luck. docs/keys.md has the table and the command.
//
// Rows: request/key_size:K/count:N/n_buckets:B.
// - key sizes 4 and 8 use the forward encoding (the solver searches for low hash bits: the cost
//   roughly doubles with each bucket bit), 16 the backward one (any bucket count is cheap);
// - the large_buckets rows show the backward encoding on the largest maps the kernel makes.
#include <benchmark/benchmark.h>

#include <string>

#include "synth/colliding_keys.h"

namespace mapsim::synth {
namespace {

void solve_requests(benchmark::State& state, uint32_t key_size, uint32_t count,
                    uint32_t n_buckets) {
  uint32_t problem = 0;
  std::string encoding;
  for (auto _ : state) {
    KeyRequest request;
    request.key_size = key_size;
    request.count = count;
    request.n_buckets = n_buckets;
    request.seed = problem * 2654435761u;
    request.bucket = (problem * 40503u) & (n_buckets - 1);
    request.timeout_ms = 600000;
    ++problem;
    const KeySearchResult result = find_colliding_keys(request);
    if (result.status != KeySearchStatus::kFound) {
      state.SkipWithError(result.message.c_str());
      break;
    }
    encoding = result.encoding.substr(0, result.encoding.find(' '));
  }
  state.SetLabel(encoding);
  state.counters["keys_per_second"] = benchmark::Counter(
      static_cast<double>(count) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

void register_request(uint32_t key_size, uint32_t count, uint32_t n_buckets) {
  const std::string name = "request/key_size:" + std::to_string(key_size) +
                           "/count:" + std::to_string(count) +
                           "/n_buckets:" + std::to_string(n_buckets);
  benchmark::RegisterBenchmark(name.c_str(), solve_requests, key_size, count, n_buckets)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

const bool registered = [] {
  for (uint32_t n_buckets : {16u, 1024u}) {
    for (uint32_t key_size : {4u, 8u, 16u}) {
      for (uint32_t count : {1u, 4u, 16u}) register_request(key_size, count, n_buckets);
    }
  }
  for (uint32_t n_buckets : {1u << 16, 1u << 27}) {
    for (uint32_t count : {1u, 16u}) register_request(16, count, n_buckets);
  }
  return true;
}();

}  // namespace
}  // namespace mapsim::synth
