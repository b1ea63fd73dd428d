#include "cli/keys_command.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/exit_status.h"
#include "impl/uapi.h"
#include "scenarios/bpf_names.h"
#include "scenarios/possible_cpus.h"
#include "synth/colliding_keys.h"
#include "synth/key_cache.h"
#include "synth/key_hex.h"
#include "synth/map_bucket_count.h"

namespace mapsim::cli {
namespace {

using synth::KeyRequest;
using synth::KeySearchResult;
using synth::KeySearchStatus;

std::string hash_text(uint32_t hash) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08x", hash);
  return text;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3f s", seconds);
  return text;
}

// --n-buckets, or the kernel's sizing of --max-entries for --type. nullopt and *error when the
// map cannot be sized.
std::optional<uint32_t> bucket_count(const KeysOptions& options, std::string* error) {
  if ((options.n_buckets == 0) == (options.max_entries == 0)) {
    *error = "give the map's size: --max-entries N (sized as the kernel does) or --n-buckets N";
    return std::nullopt;
  }
  if (options.n_buckets != 0) return options.n_buckets;
  const std::optional<uint32_t> type = map_type_from_name(options.map_type);
  if (!type) {
    *error = "--type: unknown map type '" + options.map_type + "'";
    return std::nullopt;
  }
  int cpus = options.possible_cpus;
  if (options.no_common_lru && cpus == 0) {
    cpus = machine_possible_cpus(error);
    if (cpus < 0) return std::nullopt;
  }
  uint32_t n_buckets = 0;
  const uint32_t flags = options.no_common_lru ? bpf::kFNoCommonLru : 0;
  if (synth::htab_bucket_count(*type, options.max_entries, flags, cpus, &n_buckets, error) != 0) {
    return std::nullopt;
  }
  return n_buckets;
}

// The request the options describe; nullopt and *error on a usage error. What needs the
// request as a whole (ranges, templates) is checked by synth/ itself.
std::optional<KeyRequest> request_from_options(const KeysOptions& options, std::string* error) {
  KeyRequest request;
  request.key_size = options.key_size;
  request.count = options.count;
  request.key_template = options.key_template;
  request.full_hash = options.full_hash;
  const std::optional<uint32_t> n_buckets = bucket_count(options, error);
  if (!n_buckets) return std::nullopt;
  request.n_buckets = *n_buckets;
  size_t parsed = 0;
  try {
    const unsigned long long seed = std::stoull(options.seed, &parsed, 0);
    if (parsed != options.seed.size() || seed > UINT32_MAX) throw std::out_of_range("seed");
    request.seed = static_cast<uint32_t>(seed);
  } catch (const std::exception&) {
    *error = "--seed: '" + options.seed + "' is not a u32 (decimal or 0x hex)";
    return std::nullopt;
  }
  if (options.bucket > int64_t{UINT32_MAX}) {
    *error = "--bucket " + std::to_string(options.bucket) + " is out of range: the map has " +
             std::to_string(request.n_buckets) + " buckets";
    return std::nullopt;
  }
  if (options.bucket >= 0) request.bucket = static_cast<uint32_t>(options.bucket);
  if (!options.collide_with.empty()) {
    request.collide_with = synth::bytes_from_hex(options.collide_with);
    if (!request.collide_with) {
      *error = "--collide-with: '" + options.collide_with + "' is not hex bytes";
      return std::nullopt;
    }
  }
  const double milliseconds = std::round(options.timeout_seconds * 1000);
  if (!(milliseconds >= 1 && milliseconds <= UINT32_MAX)) {
    *error = "--timeout: give at least 0.001 seconds";
    return std::nullopt;
  }
  request.timeout_ms = static_cast<uint32_t>(milliseconds);
  return request;
}

void print_json(const KeyRequest& request, const KeySearchResult& result) {
  nlohmann::ordered_json keys = nlohmann::ordered_json::array();
  for (const synth::FoundKey& found : result.keys) {
    keys.push_back({{"key", synth::hex_from_bytes(found.key)},
                    {"hash", found.hash},
                    {"bucket", found.bucket}});
  }
  nlohmann::ordered_json output{
      {"status", synth::key_search_status_name(result.status)},
      {"key_size", request.key_size}, {"n_buckets", request.n_buckets},
      {"seed", request.seed},         {"count", request.count},
      {"bucket", result.bucket},      {"keys", keys},
      {"encoding", result.encoding},  {"solve_seconds", result.solve_seconds},
      {"from_cache", result.from_cache}};
  if (!result.message.empty()) output["message"] = result.message;
  if (result.keys_on_target) output["keys_on_target"] = *result.keys_on_target;
  if (!result.cache_note.empty()) output["cache_note"] = result.cache_note;
  std::cout << output.dump() << "\n";
}

void print_text(const KeyRequest& request, const KeySearchResult& result) {
  if (result.status == KeySearchStatus::kFound) {
    for (const synth::FoundKey& found : result.keys) {
      std::cout << synth::hex_from_bytes(found.key) << " hash=" << hash_text(found.hash)
                << " bucket=" << found.bucket << "\n";
    }
    std::cerr << "mapsim keys: " << result.keys.size()
              << (result.keys.size() == 1 ? " key" : " keys") << " in bucket " << result.bucket
              << " of " << request.n_buckets << " (key_size " << request.key_size << ", seed "
              << request.seed << "), "
              << (result.from_cache ? std::string("from the cache")
                                    : "solved in " + seconds_text(result.solve_seconds) +
                                          ", encoding " + result.encoding)
              << "\n";
  } else {
    std::cerr << "mapsim keys: " << result.message << "\n";
  }
  if (!result.cache_note.empty()) std::cerr << "mapsim keys: " << result.cache_note << "\n";
}

int exit_status_of(KeySearchStatus status) {
  switch (status) {
    case KeySearchStatus::kFound: return kExitOk;
    case KeySearchStatus::kBadRequest:
    case KeySearchStatus::kImpossible: return kExitUsage;
    case KeySearchStatus::kTimeout:
    case KeySearchStatus::kSolverFailed: return kExitSolverTimeout;
  }
  return kExitUsage;
}

}  // namespace

CLI::App* add_keys_command(CLI::App& app, KeysOptions* options) {
  CLI::App* keys = app.add_subcommand(
      "keys", "Find distinct keys that land in one bucket of a hash map (Z3, checked by hashing)");
  keys->add_option("--key-size", options->key_size, "key size in bytes")->required();
  CLI::Option* buckets = keys->add_option("--n-buckets", options->n_buckets,
                                          "the map's bucket count (a power of two)");
  keys->add_option("--max-entries", options->max_entries,
                   "the map's max_entries (buckets: as the kernel sizes them)")
      ->excludes(buckets);
  keys->add_option("--type", options->map_type,
                   "hash, percpu_hash, lru_hash or lru_percpu_hash (with --max-entries)")
      ->capture_default_str();
  keys->add_flag("--no-common-lru", options->no_common_lru,
                 "BPF_F_NO_COMMON_LRU: max_entries rounded up to a multiple of the CPUs");
  keys->add_option("--possible-cpus", options->possible_cpus,
                   "CPUs for --no-common-lru (default: this machine's possible CPUs)")
      ->check(CLI::Range(1, 1 << 20));
  keys->add_option("--seed", options->seed, "the map's hash seed (0: BPF_F_ZERO_SEED)")
      ->capture_default_str();
  CLI::Option* bucket = keys->add_option("--bucket", options->bucket, "the target bucket")
                            ->check(CLI::NonNegativeNumber);
  keys->add_option("--collide-with", options->collide_with,
                   "a key (hex): find others in its bucket")
      ->excludes(bucket);
  keys->add_flag("--full-hash", options->full_hash,
                 "with --collide-with: the same 32-bit hash, not only the same bucket");
  keys->add_option("--count", options->count, "how many distinct keys")->capture_default_str();
  keys->add_option("--template", options->key_template,
                   "fixed bytes: hex, xx for a free byte; shorter than the key = a prefix");
  keys->add_option("--timeout", options->timeout_seconds, "solver budget in seconds")
      ->capture_default_str();
  keys->add_option("--cache", options->cache_directory,
                   "a directory of cached answers: reused, and written on success");
  keys->add_flag("--json", options->json, "print one JSON object");
  return keys;
}

int run_keys_command(const KeysOptions& options) {
  std::string error;
  const std::optional<KeyRequest> request = request_from_options(options, &error);
  if (!request) {
    std::cerr << "mapsim keys: " << error << "\n";
    return kExitUsage;
  }
  const KeySearchResult result =
      options.cache_directory.empty()
          ? synth::find_colliding_keys(*request)
          : synth::find_colliding_keys_cached(*request, synth::KeyCache(options.cache_directory));
  if (options.json) {
    print_json(*request, result);
  } else {
    print_text(*request, result);
  }
  return exit_status_of(result.status);
}

}  // namespace mapsim::cli
