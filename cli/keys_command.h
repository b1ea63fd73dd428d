// `mapsim keys`: distinct keys that land in one bucket of a hash map, found by Z3 and checked by
// hashing (synth/colliding_keys.h; docs/keys.md).
//
//   mapsim keys --key-size 4 --max-entries 16 --bucket 3 --count 4
//   mapsim keys --key-size 8 --n-buckets 1024 --collide-with 0100000000000000 --count 2
//   mapsim keys --key-size 16 --n-buckets 64 --collide-with <32 hex digits> --full-hash
//
// The map: --key-size, and either --n-buckets or --max-entries (with --type, default hash, and
// --no-common-lru [--possible-cpus N] for LRU maps whose max_entries the kernel rounds to a
// multiple of the CPUs), --seed (the map's hashrnd; default 0 = BPF_F_ZERO_SEED). The target:
// --bucket B, or --collide-with KEY (the same bucket; --full-hash: the same 32-bit hash).
// --template fixes bytes ("0a0b" keeps a prefix, "xx" marks a free byte); --timeout SECONDS
// bounds the solving (default 10); --cache DIR reuses and stores answers.
//
// Output: one key per line as little-endian hex (the op scripts' convention) with its hash and
// bucket, a summary on standard error; --json prints one JSON object instead.
// Exit status (cli/exit_status.h): 0 keys found; 2 bad request, or an impossible one (fewer
// keys exist than asked); 3 the solver timed out or gave up (never reported as impossible).
#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace mapsim::cli {

struct KeysOptions {
  uint32_t key_size = 0;
  uint32_t n_buckets = 0;          ///< 0: not given
  uint32_t max_entries = 0;        ///< 0: not given
  std::string map_type = "hash";   ///< with --max-entries
  bool no_common_lru = false;      ///< BPF_F_NO_COMMON_LRU, with --max-entries
  int possible_cpus = 0;           ///< 0: this machine's (only read with --no-common-lru)
  std::string seed = "0";          ///< decimal or 0x-prefixed hex u32
  int64_t bucket = -1;             ///< -1: not given
  std::string collide_with;        ///< hex key; "" when not given
  bool full_hash = false;
  uint32_t count = 1;
  std::string key_template;
  double timeout_seconds = 10;
  std::string cache_directory;     ///< "" : no cache
  bool json = false;
};

// Adds the `keys` verb to `app`; parsing stores the options in *options.
CLI::App* add_keys_command(CLI::App& app, KeysOptions* options);

// Runs `mapsim keys` with parsed options; returns the exit status.
int run_keys_command(const KeysOptions& options);

}  // namespace mapsim::cli
