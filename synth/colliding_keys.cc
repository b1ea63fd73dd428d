#include "synth/colliding_keys.h"

#include <z3++.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "impl/assert.h"
#include "impl/jhash.h"
#include "synth/key_encoding.h"
#include "synth/key_hex.h"
#include "synth/key_space.h"

namespace mapsim::synth {
namespace {

using Clock = std::chrono::steady_clock;

std::string hash_text(uint32_t hash) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08x", hash);
  return text;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g s", seconds);
  return text;
}

// "1 key", "3 keys".
std::string keys_text(uint64_t count) {
  return std::to_string(count) + (count == 1 ? " key" : " keys");
}

// "bucket 3 of 16" or "hash 0x72a82a9b", for messages.
std::string target_text(const KeyRequest& request, const ValidKeyRequest& valid) {
  if (request.full_hash) return "hash " + hash_text(valid.target.value);
  return "bucket " + std::to_string(valid.bucket) + " of " + std::to_string(request.n_buckets);
}

// The solver side of one request: the encoding, the target constraint and the blocking
// clauses. Each key is solved by a fresh bit-blasting SAT solver over all constraints so far:
// measured faster than Z3's incremental solver, which falls back to its slower core once
// clauses are added after a check.
class KeySolver {
 public:
  KeySolver(const KeyRequest& request, const ValidKeyRequest& valid)
      : encoding_(encode_key_hash(context_, valid.key_template, request.seed)) {
    const unsigned bits = valid.target.bits();
    if (bits > 0) {
      const z3::expr low_bits = encoding_.hash.term(context_).extract(bits - 1, 0);
      constraints_.push_back(low_bits == context_.bv_val(valid.target.value, bits));
    }
  }

  const KeyEncoding& encoding() const { return encoding_; }

  // From now on every answer differs from `key`. A key outside the encoded space (another
  // value in a byte the encoding holds constant) differs from every answer already.
  void block(const Bytes& key) {
    const std::optional<std::vector<uint32_t>> values =
        variable_values_for_key(encoding_, key);
    if (!values) return;
    z3::expr_vector differences(context_);
    for (size_t index = 0; index < values->size(); ++index) {
      const z3::expr& variable = encoding_.variables[index];
      differences.push_back(variable !=
                            context_.bv_val((*values)[index], variable.get_sort().bv_size()));
    }
    constraints_.push_back(differences.empty() ? context_.bool_val(false)
                                               : z3::mk_or(differences));
  }

  // Solves for one more key within `timeout_ms`. On sat stores it in *key; on unknown stores
  // Z3's reason in *reason.
  z3::check_result next(unsigned timeout_ms, Bytes* key, std::string* reason) {
    const z3::tactic bit_blast_sat = z3::tactic(context_, "simplify") &
                                     z3::tactic(context_, "bit-blast") &
                                     z3::tactic(context_, "sat");
    z3::solver solver = bit_blast_sat.mk_solver();
    z3::params params(context_);
    params.set("timeout", timeout_ms);
    solver.set(params);
    for (const z3::expr& constraint : constraints_) solver.add(constraint);
    const z3::check_result outcome = solver.check();
    if (outcome == z3::unknown) *reason = solver.reason_unknown();
    if (outcome == z3::sat) *key = key_from_model(solver.get_model());
    return outcome;
  }

 private:
  Bytes key_from_model(const z3::model& model) const {
    Bytes key(encoding_.key.size());
    for (size_t index = 0; index < key.size(); ++index) {
      const SymbolicByte& byte = encoding_.key[index];
      key[index] = byte.term ? static_cast<unsigned char>(
                                   model.eval(*byte.term, true).get_numeral_uint())
                             : byte.constant;
    }
    return key;
  }

  z3::context context_;  // declared first: the encoding's terms live in it
  KeyEncoding encoding_;
  std::vector<z3::expr> constraints_;
};

// Small key spaces are counted exactly before solving. Returns false (and fills *result) when
// the request is impossible.
bool enough_keys_in_small_space(const KeyRequest& request, const ValidKeyRequest& valid,
                                KeySearchResult* result) {
  const size_t free_bytes = valid.key_template.free_byte_count();
  if (free_bytes > kEnumerableFreeBytesMax) return true;
  const uint64_t on_target =
      count_keys_on_target(valid.key_template, request.seed, valid.target, valid.excluded);
  result->keys_on_target = on_target;
  if (on_target >= request.count) return true;
  result->status = KeySearchStatus::kImpossible;
  result->message = "impossible request: asked for " + keys_text(request.count) +
                    ", but only " + std::to_string(on_target) + " of the " +
                    std::to_string(uint64_t{1} << (8 * free_bytes)) + " " +
                    std::to_string(request.key_size) + "-byte keys that fit the template " +
                    (valid.excluded ? "(other than the given key) " : "") + "land in " +
                    target_text(request, valid);
  return false;
}

// Checks a model's key concretely, as the kernel would hash it, against everything the
// request asks; the encoding promised all of it.
void check_model_key(const KeyRequest& request, const ValidKeyRequest& valid, const Bytes& key,
                     const std::vector<FoundKey>& found) {
  const uint32_t hash = htab_key_hash(key.data(), request.key_size, request.seed);
  MAPSIM_ASSERT(valid.target.hit(hash), "the solver's key must hash onto the target");
  MAPSIM_ASSERT(valid.key_template.matches(key), "the solver's key must fit the template");
  MAPSIM_ASSERT(!valid.excluded || *valid.excluded != key, "the given key is not an answer");
  for (const FoundKey& earlier : found) {
    MAPSIM_ASSERT(earlier.key != key, "blocking clauses keep the keys distinct");
  }
}

// The solving loop; fills result->keys, status and message.
void solve_keys(const KeyRequest& request, const ValidKeyRequest& valid,
                Clock::time_point deadline, KeySearchResult* result) {
  KeySolver solver(request, valid);
  result->encoding = solver.encoding().summary;
  if (valid.excluded) solver.block(*valid.excluded);
  while (result->keys.size() < request.count) {
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    Bytes key;
    std::string reason = "timeout";
    const z3::check_result outcome =
        remaining.count() <= 0
            ? z3::unknown
            : solver.next(static_cast<unsigned>(remaining.count()), &key, &reason);
    const std::string progress = "found " + std::to_string(result->keys.size()) + " of " +
                                 keys_text(request.count);
    if (outcome == z3::unsat) {
      result->status = KeySearchStatus::kImpossible;
      result->message = "impossible request: asked for " + keys_text(request.count) +
                        ", but only " + keys_text(result->keys.size()) +
                        " that fit the template land in " + target_text(request, valid) +
                        " (the solver proved there is no other; encoding " +
                        result->encoding + ")";
      return;
    }
    if (outcome == z3::unknown) {
      const bool timed_out = reason == "timeout" || reason == "canceled";
      result->status = timed_out ? KeySearchStatus::kTimeout : KeySearchStatus::kSolverFailed;
      result->message = timed_out ? "solver timed out after " +
                                        seconds_text(request.timeout_ms / 1000.0) + " (" +
                                        progress + ")"
                                  : "solver gave up: " + reason + " (" + progress + ")";
      return;
    }
    check_model_key(request, valid, key, result->keys);
    result->keys.push_back(describe_key(request, key));
    solver.block(key);
  }
  result->status = KeySearchStatus::kFound;
}

}  // namespace

std::string_view key_search_status_name(KeySearchStatus status) {
  switch (status) {
    case KeySearchStatus::kFound: return "found";
    case KeySearchStatus::kBadRequest: return "bad_request";
    case KeySearchStatus::kImpossible: return "impossible";
    case KeySearchStatus::kTimeout: return "timeout";
    case KeySearchStatus::kSolverFailed: return "solver_failed";
  }
  return "unknown";
}

FoundKey describe_key(const KeyRequest& request, const Bytes& key) {
  MAPSIM_ASSERT(key.size() == request.key_size, "a key has key_size bytes");
  const uint32_t hash = htab_key_hash(key.data(), request.key_size, request.seed);
  return FoundKey{key, hash, hash & (request.n_buckets - 1)};
}

KeySearchResult find_colliding_keys(const KeyRequest& request) {
  KeySearchResult result;
  std::string error;
  const std::optional<ValidKeyRequest> valid = validate_key_request(request, &error);
  if (!valid) {
    result.message = error;
    return result;
  }
  result.bucket = valid->bucket;
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + std::chrono::milliseconds(request.timeout_ms);
  if (enough_keys_in_small_space(request, *valid, &result)) {
    try {
      solve_keys(request, *valid, deadline, &result);
    } catch (const z3::exception& exception) {
      result.status = KeySearchStatus::kSolverFailed;
      result.message = std::string("Z3 error: ") + exception.msg();
    }
  }
  result.solve_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

std::string check_key_answer(const KeyRequest& request, const std::vector<Bytes>& keys) {
  std::string error;
  const std::optional<ValidKeyRequest> valid = validate_key_request(request, &error);
  MAPSIM_ASSERT(valid.has_value(), "only a valid request has answers");
  if (keys.size() != request.count) {
    return std::to_string(keys.size()) + " keys, not " + std::to_string(request.count);
  }
  for (size_t index = 0; index < keys.size(); ++index) {
    const Bytes& key = keys[index];
    const std::string name = "key " + std::to_string(index) + " (" + hex_from_bytes(key) + ")";
    if (key.size() != request.key_size) return name + " is not key_size bytes long";
    if (!valid->key_template.matches(key)) return name + " does not fit the template";
    if (valid->excluded && key == *valid->excluded) return name + " is the given key itself";
    const uint32_t hash = htab_key_hash(key.data(), request.key_size, request.seed);
    if (!valid->target.hit(hash)) {
      return name + " hashes to " + hash_text(hash) + ", not onto " +
             target_text(request, *valid);
    }
    if (std::find(keys.begin(), keys.begin() + index, key) != keys.begin() + index) {
      return name + " repeats an earlier key";
    }
  }
  return "";
}

}  // namespace mapsim::synth
