#include "synth/key_request.h"

#include <bit>

#include "impl/jhash.h"
#include "synth/key_hex.h"

namespace mapsim::synth {
namespace {

// Sizes, counts and the timeout: "" when fine.
std::string check_numbers(const KeyRequest& request) {
  if (request.key_size == 0) return "key_size 0: a hash map key has at least 1 byte";
  if (request.key_size > kKeySizeMax) {
    return "key_size " + std::to_string(request.key_size) + " exceeds " +
           std::to_string(kKeySizeMax) + ", the largest key a hash map accepts";
  }
  if (request.n_buckets == 0 || !std::has_single_bit(request.n_buckets) ||
      request.n_buckets > kBucketCountMax) {
    return "n_buckets " + std::to_string(request.n_buckets) +
           ": a hash map has a power of two buckets, 1.." + std::to_string(kBucketCountMax);
  }
  if (request.count == 0) return "count 0: ask for at least one key";
  if (request.timeout_ms == 0) return "timeout 0: give the solver some time";
  return "";
}

// The target: "" when fine, and *valid filled.
std::string resolve_target(const KeyRequest& request, ValidKeyRequest* valid) {
  if (request.bucket.has_value() == request.collide_with.has_value()) {
    return "give exactly one target: a bucket, or a key to collide with";
  }
  const uint32_t bucket_mask = request.n_buckets - 1;
  if (request.bucket) {
    if (request.full_hash) return "full_hash needs a key to collide with, not a bucket";
    if (*request.bucket >= request.n_buckets) {
      return "bucket " + std::to_string(*request.bucket) + " is out of range: the map has " +
             std::to_string(request.n_buckets) + " buckets (0.." +
             std::to_string(bucket_mask) + ")";
    }
    valid->target = HashTarget{bucket_mask, *request.bucket};
    valid->bucket = *request.bucket;
    return "";
  }
  const Bytes& key = *request.collide_with;
  if (key.size() != request.key_size) {
    return "the key to collide with (" + hex_from_bytes(key) + ") has " +
           std::to_string(key.size()) + " bytes, not key_size " +
           std::to_string(request.key_size);
  }
  const uint32_t hash = htab_key_hash(key.data(), request.key_size, request.seed);
  valid->target = HashTarget{request.full_hash ? ~0u : bucket_mask,
                             request.full_hash ? hash : hash & bucket_mask};
  valid->bucket = hash & bucket_mask;
  valid->excluded = key;
  return "";
}

}  // namespace

std::optional<ValidKeyRequest> validate_key_request(const KeyRequest& request,
                                                    std::string* error) {
  *error = check_numbers(request);
  if (!error->empty()) return std::nullopt;
  std::string why;
  std::optional<KeyTemplate> key_template =
      KeyTemplate::parse(request.key_template, request.key_size, &why);
  if (!key_template) {
    *error = "template '" + request.key_template + "' " + why;
    return std::nullopt;
  }
  ValidKeyRequest valid{*key_template, HashTarget{}, 0, std::nullopt};
  *error = resolve_target(request, &valid);
  if (!error->empty()) return std::nullopt;
  return valid;
}

}  // namespace mapsim::synth
