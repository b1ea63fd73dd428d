// find_colliding_keys(): distinct keys that land in one bucket of a hash map, found by Z3 and
// checked by hashing them the way the kernel does (impl/jhash.h), before anything is returned.
//
// What a scenario file's `keys: {bucket: 3, count: 4}` resolves to (through the cache,
// synth/key_cache.h), and what `mapsim keys` prints.
//
// How: the key's hash is encoded as bit-vector terms (synth/key_encoding.h), the target
// (bucket bits, or a whole 32-bit hash) becomes one constraint, and the solver is asked `count`
// times, each time with one more blocking clause (the new key must differ from every key found
// so far, and from the key to collide with). Every model is hashed concretely; a model that
// does not hit the target is a bug in the encoding and stops the program (MAPSIM_ASSERT).
//
// Outcomes are kept apart, so that nobody reads "no answer in time" as "no answer exists":
// - kBadRequest: the request itself is wrong (key_size 0, bucket out of range, ...).
// - kImpossible: proved: the template's key space has fewer keys on the target than asked
//   (counted by hashing every key when the space has at most 2^24 keys, otherwise proved by the
//   solver's "unsat").
// - kTimeout: the solver ran out of the request's time budget; keys found so far are kept.
// - kSolverFailed: Z3 gave up for another reason, or reported an error.
// Z3 is deterministic for one formula and one Z3 version: the same request gives the same keys
// on every run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synth/key_request.h"

namespace mapsim::synth {

enum class KeySearchStatus { kFound, kBadRequest, kImpossible, kTimeout, kSolverFailed };

// "found", "bad_request", "impossible", "timeout", "solver_failed".
std::string_view key_search_status_name(KeySearchStatus status);

struct FoundKey {
  Bytes key;            ///< key_size bytes, memory order
  uint32_t hash = 0;    ///< htab_key_hash(key, key_size, seed)
  uint32_t bucket = 0;  ///< hash & (n_buckets - 1)
};

struct KeySearchResult {
  KeySearchStatus status = KeySearchStatus::kBadRequest;
  std::string message;           ///< for every status but kFound: what happened, for users
  std::vector<FoundKey> keys;    ///< kFound: `count` keys in the order found; otherwise those
                                 ///< found before the search stopped
  uint32_t bucket = 0;           ///< the bucket every key lands in
  std::string encoding;          ///< KeyEncoding::summary, "" when nothing was encoded
  std::optional<uint64_t> keys_on_target;  ///< exact, when the key space was enumerated
  double solve_seconds = 0;      ///< wall time spent enumerating and solving
  bool from_cache = false;       ///< set by find_colliding_keys_cached() (key_cache.h)
  std::string cache_note;        ///< "" or what happened to the cache entry (replaced, not
                                 ///< written: the keys are still good)
};

KeySearchResult find_colliding_keys(const KeyRequest& request);

// Whether `keys` answer `request`: exactly `count` keys of key_size bytes, pairwise distinct,
// none equal to the key to collide with, each fitting the template and hitting the target when
// hashed concretely. "" when they do, else the first reason they do not. REQUIRES: the request
// is valid.
std::string check_key_answer(const KeyRequest& request, const std::vector<Bytes>& keys);

// The FoundKey for `key`: its concrete hash and bucket.
FoundKey describe_key(const KeyRequest& request, const Bytes& key);

}  // namespace mapsim::synth
