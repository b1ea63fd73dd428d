#include "synth/key_cache.h"

#include <z3++.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "impl/assert.h"
#include "synth/key_hex.h"

namespace mapsim::synth {
namespace {

using nlohmann::json;

json canonical_request(const KeyRequest& request) {
  std::string error;
  const std::optional<ValidKeyRequest> valid = validate_key_request(request, &error);
  MAPSIM_ASSERT(valid.has_value(), "only a valid request has a cache entry");
  json target = json::object();
  if (request.bucket) {
    target["bucket"] = *request.bucket;
  } else {
    target["collide_with"] = hex_from_bytes(*request.collide_with);
    target["full_hash"] = request.full_hash;
  }
  // nlohmann's json objects are ordered maps: dump() writes the keys sorted.
  return json{{"key_size", request.key_size}, {"n_buckets", request.n_buckets},
              {"seed", request.seed},         {"count", request.count},
              {"target", target},             {"template", valid->key_template.text()}};
}

// FNV-1a, 64 bits: stable across compilers and runs, unlike std::hash.
uint64_t fnv1a64(const std::string& text) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char byte : text) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::optional<json> read_json_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::stringstream text;
  text << file.rdbuf();
  json parsed = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

// The "keys" array of an entry as bytes; nullopt when it is not an array of hex strings.
std::optional<std::vector<Bytes>> keys_of_entry(const json& entry) {
  if (!entry.is_object() || !entry.contains("keys") || !entry["keys"].is_array()) {
    return std::nullopt;
  }
  std::vector<Bytes> keys;
  for (const json& text : entry["keys"]) {
    if (!text.is_string()) return std::nullopt;
    std::optional<Bytes> key = bytes_from_hex(text.get<std::string>());
    if (!key) return std::nullopt;
    keys.push_back(std::move(*key));
  }
  return keys;
}

}  // namespace

std::string canonical_request_text(const KeyRequest& request) {
  return canonical_request(request).dump();
}

std::filesystem::path KeyCache::file_for(const KeyRequest& request) const {
  char name[40];
  std::snprintf(name, sizeof(name), "keys-%016llx.json",
                static_cast<unsigned long long>(fnv1a64(canonical_request_text(request))));
  return directory_ / name;
}

std::optional<std::vector<Bytes>> KeyCache::load(const KeyRequest& request,
                                                 std::string* note) const {
  const std::filesystem::path path = file_for(request);
  std::error_code ignored;
  if (!std::filesystem::exists(path, ignored)) return std::nullopt;
  const std::optional<json> entry = read_json_file(path);
  if (!entry || !entry->is_object() || !entry->contains("request")) {
    *note = "cache entry " + path.string() + " is not a key cache entry";
    return std::nullopt;
  }
  if ((*entry)["request"] != canonical_request(request)) {
    *note = "cache entry " + path.string() + " belongs to another request";
    return std::nullopt;
  }
  std::optional<std::vector<Bytes>> keys = keys_of_entry(*entry);
  const std::string why = keys ? check_key_answer(request, *keys) : "keys are not hex strings";
  if (!why.empty()) {
    *note = "cache entry " + path.string() + " is not a valid answer: " + why;
    return std::nullopt;
  }
  return keys;
}

bool KeyCache::store(const KeyRequest& request, const KeySearchResult& result,
                     std::string* error) const {
  MAPSIM_ASSERT(result.status == KeySearchStatus::kFound, "only answers are cached");
  json keys = json::array();
  json hashes = json::array();
  for (const FoundKey& found : result.keys) {
    keys.push_back(hex_from_bytes(found.key));
    hashes.push_back(found.hash);
  }
  const json entry{{"request", canonical_request(request)}, {"keys", keys}, {"hashes", hashes},
                   {"encoding", result.encoding}, {"z3_version", Z3_get_full_version()}};
  std::error_code code;
  std::filesystem::create_directories(directory_, code);
  const std::filesystem::path path = file_for(request);
  const std::filesystem::path temporary =
      path.string() + ".tmp-" + std::to_string(static_cast<long>(::getpid()));
  {
    std::ofstream file(temporary, std::ios::trunc);
    file << entry.dump(2) << "\n";
    if (!file.flush()) {
      *error = "cannot write " + temporary.string();
      return false;
    }
  }
  std::filesystem::rename(temporary, path, code);
  if (code) {
    *error = "cannot rename " + temporary.string() + " to " + path.string() + ": " +
             code.message();
    std::filesystem::remove(temporary, code);
    return false;
  }
  return true;
}

KeySearchResult find_colliding_keys_cached(const KeyRequest& request, const KeyCache& cache) {
  std::string error;
  if (!validate_key_request(request, &error)) return find_colliding_keys(request);
  std::string note;
  if (std::optional<std::vector<Bytes>> keys = cache.load(request, &note)) {
    KeySearchResult result;
    result.status = KeySearchStatus::kFound;
    for (const Bytes& key : *keys) result.keys.push_back(describe_key(request, key));
    result.bucket = result.keys.front().bucket;
    result.from_cache = true;
    return result;
  }
  KeySearchResult result = find_colliding_keys(request);
  result.cache_note = note;
  if (result.status == KeySearchStatus::kFound && !cache.store(request, result, &error)) {
    result.cache_note += (note.empty() ? "" : "; ") + error;
  }
  return result;
}

}  // namespace mapsim::synth
