// KeyRequest: "give me `count` distinct keys that land in bucket B of this map" (or "... in the
// bucket of this key", or "... with this key's whole 32-bit hash"), and its validation.
//
// The map is described by what decides a key's bucket: key_size (which picks jhash2 or jhash,
// fact sheet 3.3), the seed (the map's hashrnd; 0 with BPF_F_ZERO_SEED, the default for
// mapsim scenarios) and n_buckets (htab_bucket_count() in synth/map_bucket_count.h turns a
// map's type, max_entries and flags into it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "synth/hash_target.h"
#include "synth/key_template.h"

namespace mapsim::synth {

// The largest key a hash map accepts: key_size + value_size <= 4194255 on x86_64 (fact sheet
// 3.1 step 7) with value_size >= 1.
inline constexpr uint32_t kKeySizeMax = 4194254;
// Bucket counts the kernel can create: roundup_pow_of_two(max_entries) <= 2^27 (3.1 step 11).
inline constexpr uint32_t kBucketCountMax = 1u << 27;
inline constexpr uint32_t kDefaultTimeoutMs = 10000;

struct KeyRequest {
  uint32_t key_size = 0;               ///< bytes, 1..kKeySizeMax
  uint32_t n_buckets = 0;              ///< a power of two, 1..kBucketCountMax
  uint32_t seed = 0;                   ///< the map's hashrnd (0: BPF_F_ZERO_SEED)
  uint32_t count = 1;                  ///< distinct keys wanted, >= 1
  std::optional<uint32_t> bucket;      ///< target: keys in this bucket, or ...
  std::optional<Bytes> collide_with;   ///< ... keys in this key's bucket (never the key itself)
  bool full_hash = false;              ///< with collide_with: the same 32-bit hash, not only
                                       ///< the same bucket
  std::string key_template;            ///< KeyTemplate text; "" leaves every byte free
  uint32_t timeout_ms = kDefaultTimeoutMs;  ///< solver budget for the whole request, >= 1
};

// A request that passed validation, with its parts resolved.
struct ValidKeyRequest {
  KeyTemplate key_template;
  HashTarget target;
  uint32_t bucket = 0;             ///< the bucket every answer lands in
  std::optional<Bytes> excluded;   ///< collide_with: an answer must differ from it
};

// Checks everything that needs no solving: sizes, ranges, exactly one target, the template and
// the collide key. On failure returns nullopt and says why in *error, in words a user can act on
// ("bucket 16 is out of range: the map has 16 buckets (0..15)").
std::optional<ValidKeyRequest> validate_key_request(const KeyRequest& request,
                                                    std::string* error);

}  // namespace mapsim::synth
