// KeyCache: answers to key requests kept on disk, so that a scenario file asking for
// `keys: {bucket: 3, count: 4}` gets the same keys on every run, every machine and every Z3
// version (Z3 is deterministic for one version only), and does not pay for solving twice.
//
// Layout: one JSON file per request, <directory>/keys-<16 hex digits>.json, named by the 64-bit
// FNV-1a hash of the request's canonical text and holding that text too, so a file name
// collision is noticed rather than served:
//
//   {"request": {"count":4,"key_size":4,"n_buckets":16,"seed":0,"target":{"bucket":3},
//                "template":"xxxxxxxx"},
//    "keys": ["...", ...], "hashes": [...], "encoding": "...", "z3_version": "4.8.12"}
//
// A cached answer is used only after it has been checked again by hashing (check_key_answer);
// an entry that no longer answers its request (edited by hand, written by a broken version) is
// solved again and replaced. Files are written to a temporary name and renamed into place, so
// a reader never sees half an entry.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "synth/colliding_keys.h"
#include "synth/key_request.h"

namespace mapsim::synth {

// What identifies a request's answer: key_size, n_buckets, seed, count, the target and the
// template in full-length form, as compact JSON with sorted keys. The timeout is left out: it
// decides whether an answer is found in time, not which keys are right.
// REQUIRES: the request is valid.
std::string canonical_request_text(const KeyRequest& request);

class KeyCache {
 public:
  explicit KeyCache(std::filesystem::path directory) : directory_(std::move(directory)) {}

  const std::filesystem::path& directory() const { return directory_; }
  // Where `request`'s answer lives. REQUIRES: the request is valid.
  std::filesystem::path file_for(const KeyRequest& request) const;

  // The cached keys for `request`; nullopt when there is no entry, or when the entry is for
  // another request or is not a valid answer (then *note says why).
  std::optional<std::vector<Bytes>> load(const KeyRequest& request, std::string* note) const;
  // Writes `result`'s keys as `request`'s answer, creating the directory if needed. False and
  // *error when it cannot. REQUIRES: result.status == kFound.
  bool store(const KeyRequest& request, const KeySearchResult& result, std::string* error) const;

 private:
  std::filesystem::path directory_;
};

// The cached answer when there is a good one; otherwise find_colliding_keys(), and a found
// answer is stored (a failure to store is reported in cache_note, the keys are still returned).
KeySearchResult find_colliding_keys_cached(const KeyRequest& request, const KeyCache& cache);

}  // namespace mapsim::synth
