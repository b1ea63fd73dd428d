// Colliding keys by Z3 (synth/): the symbolic hash against impl's jhash, the inverse rounds,
// bucket and collision requests for many key sizes and seeds, templates, impossible and
// timed-out requests, the cache, and proof in real maps: keys found land in one bucket of a
// mapsim HASH map and of the live kernel's (adjacent in get_next_key order, newest first).
//
// Every answer is checked here by hashing it with impl's htab_key_hash, independently of the
// checks synth/ makes itself. Requests use few keys and small bucket counts: the forward
// encoding's cost doubles with every target bit.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "impl/jhash.h"
#include "impl/uapi.h"
#include "model/kernel/kernel_backend.h"
#include "synth/colliding_keys.h"
#include "synth/key_cache.h"
#include "synth/key_encoding.h"
#include "synth/key_hex.h"
#include "synth/lookup3_steps.h"
#include "synth/map_bucket_count.h"
#include "synth/symbolic_jhash.h"
#include "tests/support/map_fixture.h"

namespace mapsim::synth {
namespace {

// A fixed generator: the "random" seeds and keys are the same on every run (and printed).
std::mt19937& random_source() {
  static std::mt19937 source(20250611);
  return source;
}

Bytes random_key(size_t size) {
  Bytes key(size);
  for (unsigned char& byte : key) byte = static_cast<unsigned char>(random_source()());
  return key;
}

KeyRequest bucket_request(uint32_t key_size, uint32_t n_buckets, uint32_t bucket,
                          uint32_t count, uint32_t seed = 0) {
  KeyRequest request;
  request.key_size = key_size;
  request.n_buckets = n_buckets;
  request.bucket = bucket;
  request.count = count;
  request.seed = seed;
  return request;
}

KeyRequest collide_request(const Bytes& key, uint32_t n_buckets, uint32_t count,
                           bool full_hash = false) {
  KeyRequest request;
  request.key_size = static_cast<uint32_t>(key.size());
  request.n_buckets = n_buckets;
  request.collide_with = key;
  request.full_hash = full_hash;
  request.count = count;
  return request;
}

// Hashes every key the way the kernel does and checks it against the request by hand.
void expect_keys_hit(const KeyRequest& request, const KeySearchResult& result,
                     uint32_t bucket) {
  ASSERT_EQ(result.status, KeySearchStatus::kFound) << result.message;
  ASSERT_EQ(result.keys.size(), request.count);
  std::set<Bytes> distinct;
  for (const FoundKey& found : result.keys) {
    ASSERT_EQ(found.key.size(), request.key_size);
    const uint32_t hash = htab_key_hash(found.key.data(), request.key_size, request.seed);
    EXPECT_EQ(hash & (request.n_buckets - 1), bucket) << hex_from_bytes(found.key);
    EXPECT_EQ(found.hash, hash);
    EXPECT_EQ(found.bucket, bucket);
    EXPECT_TRUE(distinct.insert(found.key).second) << "repeated " << hex_from_bytes(found.key);
    if (request.collide_with) {
      EXPECT_NE(found.key, *request.collide_with);
    }
  }
  EXPECT_EQ(result.bucket, bucket);
}

std::vector<Bytes> keys_of(const KeySearchResult& result) {
  std::vector<Bytes> keys;
  for (const FoundKey& found : result.keys) keys.push_back(found.key);
  return keys;
}

// ---- the encoding ----

TEST(SymbolicJhashTest, ConstantKeysFoldToTheKernelHash) {
  for (size_t size = 1; size <= 70; ++size) {
    const Bytes key = random_key(size);
    const uint32_t seed = size % 3 == 0 ? 0 : static_cast<uint32_t>(random_source()());
    std::vector<SymbolicByte> symbolic(size);
    for (size_t index = 0; index < size; ++index) symbolic[index].constant = key[index];
    const SymbolicWord hash = symbolic_jhash(symbolic, seed);
    ASSERT_TRUE(hash.is_constant());
    EXPECT_EQ(hash.constant(), htab_key_hash(key.data(), static_cast<uint32_t>(size), seed))
        << "size " << size << " seed " << seed;
  }
}

TEST(Lookup3StepsTest, UnmixAndUnfinalUndoTheRounds) {
  for (int round = 0; round < 1000; ++round) {
    const uint32_t a = random_source()(), b = random_source()(), c = random_source()();
    Lookup3State<uint32_t> mixed{a, b, c};
    lookup3_mix(mixed);
    Lookup3State<uint32_t> back = mixed;
    lookup3_unmix(back);
    EXPECT_TRUE(back.a == a && back.b == b && back.c == c);
    EXPECT_FALSE(mixed.a == a && mixed.b == b && mixed.c == c);
    Lookup3State<uint32_t> finished{a, b, c};
    lookup3_final(finished);
    lookup3_unfinal(finished);
    EXPECT_TRUE(finished.a == a && finished.b == b && finished.c == c);
  }
}

// The backward encoding: fixing the final state (a, b, c) must give a key whose hash is c.
TEST(KeyEncodingTest, BackwardKeysHashToTheChosenFinalState) {
  const std::vector<std::pair<uint32_t, std::string>> layouts = {
      {12, ""}, {13, ""}, {28, "0a0b"}, {24, ""}, {25, "ffxxff"}, {64, ""}, {100, "0102"}};
  for (const auto& [key_size, text] : layouts) {
    std::string error;
    const std::optional<KeyTemplate> key_template = KeyTemplate::parse(text, key_size, &error);
    ASSERT_TRUE(key_template) << error;
    const uint32_t seed = static_cast<uint32_t>(random_source()());
    z3::context context;
    const KeyEncoding encoding = encode_key_hash(context, *key_template, seed);
    ASSERT_EQ(encoding.direction, EncodingDirection::kBackward) << key_size;
    EXPECT_EQ(encoding.varied_bytes.size(), 12u);
    z3::solver solver(context);
    const uint32_t wanted_c = random_source()();
    solver.add(context.bv_const("final_a", 32) == context.bv_val(random_source()(), 32));
    solver.add(context.bv_const("final_b", 32) == context.bv_val(random_source()(), 32));
    solver.add(context.bv_const("final_c", 32) == context.bv_val(wanted_c, 32));
    ASSERT_EQ(solver.check(), z3::sat);
    Bytes key(key_size);
    for (size_t index = 0; index < key_size; ++index) {
      const SymbolicByte& byte = encoding.key[index];
      key[index] = byte.term ? static_cast<unsigned char>(
                                   solver.get_model().eval(*byte.term, true).get_numeral_uint())
                             : byte.constant;
    }
    EXPECT_TRUE(key_template->matches(key)) << hex_from_bytes(key);
    EXPECT_EQ(htab_key_hash(key.data(), key_size, seed), wanted_c) << "key size " << key_size;
  }
}

TEST(KeyEncodingTest, ShortKeysAndBlockedTemplatesEncodeForward) {
  z3::context context;
  for (uint32_t key_size : {1u, 4u, 8u, 11u}) {
    const KeyEncoding encoding = encode_key_hash(context, KeyTemplate(key_size), 0);
    EXPECT_EQ(encoding.direction, EncodingDirection::kForward) << key_size;
    EXPECT_EQ(encoding.varied_bytes.size(), key_size);
  }
  std::string error;
  // A fixed byte in the only 12-byte block of a 16-byte key leaves no block free.
  const std::optional<KeyTemplate> blocked = KeyTemplate::parse("00", 16, &error);
  ASSERT_TRUE(blocked);
  const KeyEncoding encoding = encode_key_hash(context, *blocked, 0);
  EXPECT_EQ(encoding.direction, EncodingDirection::kForward);
  EXPECT_EQ(encoding.varied_bytes.size(), 15u);
}

// ---- templates and bucket counts ----

TEST(KeyTemplateTest, ParsesFixedAndFreeBytesAndPrefixes) {
  std::string error;
  const std::optional<KeyTemplate> parsed = KeyTemplate::parse("0aXXff", 5, &error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(parsed->text(), "0axxffxxxx");
  EXPECT_EQ(parsed->free_byte_count(), 3u);
  EXPECT_TRUE(parsed->matches(Bytes{0x0a, 1, 0xff, 2, 3}));
  EXPECT_FALSE(parsed->matches(Bytes{0x0b, 1, 0xff, 2, 3}));
  EXPECT_FALSE(parsed->matches(Bytes{0x0a, 1, 0xff, 2}));
  EXPECT_FALSE(KeyTemplate::parse("0a0", 5, &error));
  EXPECT_NE(error.find("odd"), std::string::npos) << error;
  EXPECT_FALSE(KeyTemplate::parse("0a0b0c", 2, &error));
  EXPECT_NE(error.find("more than the key size"), std::string::npos) << error;
  EXPECT_FALSE(KeyTemplate::parse("0g", 2, &error));
  EXPECT_NE(error.find("'0g'"), std::string::npos) << error;
}

TEST(MapBucketCountTest, FollowsTheKernelSizing) {
  uint32_t buckets = 0;
  std::string error;
  EXPECT_EQ(htab_bucket_count(bpf::kMapHash, 3, 0, 1, &buckets, &error), 0);
  EXPECT_EQ(buckets, 4u);
  EXPECT_EQ(htab_bucket_count(bpf::kMapLruHash, 1024, 0, 1, &buckets, &error), 0);
  EXPECT_EQ(buckets, 1024u);
  // NO_COMMON_LRU rounds 17 up to 18 with 2 CPUs, and 18 to 32 buckets; 16 stays 16.
  EXPECT_EQ(htab_bucket_count(bpf::kMapLruHash, 17, bpf::kFNoCommonLru, 2, &buckets, &error), 0);
  EXPECT_EQ(buckets, 32u);
  EXPECT_EQ(htab_bucket_count(bpf::kMapLruHash, 16, bpf::kFNoCommonLru, 3, &buckets, &error), 0);
  EXPECT_EQ(buckets, 32u);  // 16 -> 18 (a multiple of 3) -> 32
  EXPECT_EQ(htab_bucket_count(bpf::kMapArray, 4, 0, 1, &buckets, &error), bpf::kEINVAL);
  EXPECT_EQ(htab_bucket_count(bpf::kMapHash, 0, 0, 1, &buckets, &error), bpf::kEINVAL);
  EXPECT_EQ(htab_bucket_count(bpf::kMapHash, 4, bpf::kFNoCommonLru, 1, &buckets, &error),
            bpf::kEINVAL);
  EXPECT_EQ(htab_bucket_count(bpf::kMapHash, (1u << 27) + 1, 0, 1, &buckets, &error),
            bpf::kE2BIG);
  EXPECT_EQ(htab_bucket_count(bpf::kMapHash, 1u << 27, 0, 1, &buckets, &error), 0);
}

// ---- requests ----

TEST(CollidingKeysTest, BucketRequestsForManyKeySizesAndSeeds) {
  for (uint32_t key_size : {1u, 2u, 3u, 4u, 5u, 8u, 13u, 16u, 64u}) {
    for (const uint32_t seed : {0u, static_cast<uint32_t>(random_source()())}) {
      const uint32_t bucket = random_source()() % 16;
      SCOPED_TRACE("key_size " + std::to_string(key_size) + " seed " + std::to_string(seed) +
                   " bucket " + std::to_string(bucket));
      const KeyRequest request = bucket_request(key_size, 16, bucket, 3, seed);
      const KeySearchResult result = find_colliding_keys(request);
      expect_keys_hit(request, result, bucket);
      EXPECT_EQ(check_key_answer(request, keys_of(result)), "");
      EXPECT_EQ(result.keys_on_target.has_value(), key_size <= 3);
    }
  }
}

TEST(CollidingKeysTest, LargerBucketCountsWithBothEncodings) {
  // 1024 buckets: ten target bits through the forward search, any number backward.
  const KeyRequest forward = bucket_request(4, 1024, 777, 2);
  expect_keys_hit(forward, find_colliding_keys(forward), 777);
  const KeyRequest backward = bucket_request(16, kBucketCountMax, 123456789, 4, 42);
  const KeySearchResult result = find_colliding_keys(backward);
  expect_keys_hit(backward, result, 123456789);
  EXPECT_NE(result.encoding.find("backward"), std::string::npos) << result.encoding;
}

TEST(CollidingKeysTest, KeysCollideWithAGivenKey) {
  const Bytes one = {1, 0, 0, 0};  // the fact sheet's vector: hash 0x72a82a9b with seed 0
  const KeyRequest request = collide_request(one, 64, 3);
  expect_keys_hit(request, find_colliding_keys(request), 0x72a82a9bu & 63);
  for (uint32_t key_size : {5u, 13u}) {
    const Bytes key = random_key(key_size);
    const KeyRequest other = collide_request(key, 32, 2);
    const uint32_t bucket = htab_key_hash(key.data(), key_size, 0) & 31;
    expect_keys_hit(other, find_colliding_keys(other), bucket);
  }
}

TEST(CollidingKeysTest, FullHashCollisionsForLongKeys) {
  for (uint32_t key_size : {12u, 16u, 40u}) {
    const Bytes key = random_key(key_size);
    const KeyRequest request = collide_request(key, 256, 3, /*full_hash=*/true);
    const KeySearchResult result = find_colliding_keys(request);
    const uint32_t hash = htab_key_hash(key.data(), key_size, 0);
    expect_keys_hit(request, result, hash & 255);
    for (const FoundKey& found : result.keys) EXPECT_EQ(found.hash, hash);
  }
}

TEST(CollidingKeysTest, TemplatesFixBytes) {
  struct Case {
    KeyRequest request;
    std::map<size_t, unsigned char> fixed;  ///< offset -> byte every answer must have
  };
  std::vector<Case> cases;
  cases.push_back({bucket_request(8, 32, 9, 3), {{0, 0x0a}, {1, 0x0b}}});
  cases.back().request.key_template = "0a0b";
  cases.push_back({bucket_request(4, 8, 5, 3), {{1, 0}, {3, 0}}});
  cases.back().request.key_template = "xx00xx00";
  cases.push_back({bucket_request(100, 64, 40, 2, 7), {{0, 0xde}, {1, 0xad}, {2, 0xbe}}});
  cases.back().request.key_template = "deadbe";
  // A fixed byte in the only 12-byte block of a 16-byte key: the forward encoding over mix().
  cases.push_back({bucket_request(16, 4, 1, 2), {{0, 0xff}}});
  cases.back().request.key_template = "ff";
  for (const Case& fixed_case : cases) {
    SCOPED_TRACE("template " + fixed_case.request.key_template);
    const KeySearchResult result = find_colliding_keys(fixed_case.request);
    expect_keys_hit(fixed_case.request, result, *fixed_case.request.bucket);
    for (const FoundKey& found : result.keys) {
      for (const auto& [offset, byte] : fixed_case.fixed) {
        EXPECT_EQ(found.key[offset], byte) << hex_from_bytes(found.key) << " @" << offset;
      }
    }
  }
}

// How many of the 256 one-byte keys land in `bucket` of 16, counted here by hand.
uint32_t one_byte_keys_in_bucket(uint32_t bucket, uint32_t seed) {
  uint32_t count = 0;
  for (unsigned value = 0; value < 256; ++value) {
    const unsigned char key = static_cast<unsigned char>(value);
    count += (htab_key_hash(&key, 1, seed) & 15) == bucket ? 1 : 0;
  }
  return count;
}

TEST(CollidingKeysTest, MoreKeysThanTheBucketHoldsIsImpossible) {
  const uint32_t seed = 5;
  const uint32_t available = one_byte_keys_in_bucket(6, seed);
  ASSERT_GT(available, 0u);
  const KeySearchResult too_many =
      find_colliding_keys(bucket_request(1, 16, 6, available + 1, seed));
  EXPECT_EQ(too_many.status, KeySearchStatus::kImpossible);
  EXPECT_NE(too_many.message.find("only " + std::to_string(available) + " of the 256"),
            std::string::npos) << too_many.message;
  // Exactly as many as there are: the solver finds every one of them.
  const KeyRequest all = bucket_request(1, 16, 6, available, seed);
  expect_keys_hit(all, find_colliding_keys(all), 6);
  // Every key of a fully fixed template is one key; a second one cannot exist.
  KeyRequest fixed = bucket_request(4, 1, 0, 2);
  fixed.key_template = "01000000";
  EXPECT_EQ(find_colliding_keys(fixed).status, KeySearchStatus::kImpossible);
}

TEST(CollidingKeysTest, BadRequestsSayWhatIsWrong) {
  struct Case {
    KeyRequest request;
    std::string expected;
  };
  std::vector<Case> cases;
  cases.push_back({bucket_request(4, 16, 16, 1), "bucket 16 is out of range"});
  cases.push_back({bucket_request(0, 16, 1, 1), "key_size 0"});
  cases.push_back({bucket_request(4, 16, 1, 0), "count 0"});
  cases.push_back({bucket_request(4, 12, 1, 1), "power of two"});
  cases.push_back({bucket_request(4, 1u << 28, 1, 1), "power of two"});
  KeyRequest both = bucket_request(4, 16, 1, 1);
  both.collide_with = Bytes(4, 0);
  cases.push_back({both, "exactly one target"});
  cases.push_back({collide_request(Bytes(3, 0), 16, 1), "not key_size"});
  cases.back().request.key_size = 4;
  KeyRequest bad_template = bucket_request(4, 16, 1, 1);
  bad_template.key_template = "zz";
  cases.push_back({bad_template, "template 'zz'"});
  KeyRequest full_bucket = bucket_request(4, 16, 1, 1);
  full_bucket.full_hash = true;
  cases.push_back({full_bucket, "full_hash needs a key"});
  for (const Case& bad : cases) {
    const KeySearchResult result = find_colliding_keys(bad.request);
    EXPECT_EQ(result.status, KeySearchStatus::kBadRequest) << bad.expected;
    EXPECT_NE(result.message.find(bad.expected), std::string::npos) << result.message;
  }
}

TEST(CollidingKeysTest, ATimeoutIsReportedAsATimeout) {
  // 27 target bits through the forward search cannot be solved in 100 ms.
  KeyRequest request = bucket_request(4, kBucketCountMax, 12345, 1);
  request.timeout_ms = 100;
  const KeySearchResult result = find_colliding_keys(request);
  EXPECT_EQ(result.status, KeySearchStatus::kTimeout);
  EXPECT_NE(result.message.find("solver timed out after 0.1 s"), std::string::npos)
      << result.message;
  EXPECT_EQ(result.message.find("impossible"), std::string::npos);
  EXPECT_EQ(result.message.find("unreachable"), std::string::npos);
  EXPECT_LT(result.solve_seconds, 5.0);
}

TEST(CollidingKeysTest, TheSameRequestGivesTheSameKeys) {
  const KeyRequest request = bucket_request(8, 64, 17, 3, 99);
  EXPECT_EQ(keys_of(find_colliding_keys(request)), keys_of(find_colliding_keys(request)));
}

// ---- the cache ----

class KeyCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::path(::testing::TempDir()) /
                 ("synth_keys_cache_" + std::to_string(::getpid()));
    std::filesystem::remove_all(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::filesystem::path directory_;
};

TEST_F(KeyCacheTest, SecondRequestIsServedFromTheCache) {
  const KeyCache cache(directory_);
  const KeyRequest request = bucket_request(4, 16, 3, 4);
  const KeySearchResult first = find_colliding_keys_cached(request, cache);
  expect_keys_hit(request, first, 3);
  EXPECT_FALSE(first.from_cache);
  EXPECT_TRUE(std::filesystem::exists(cache.file_for(request)));
  const KeySearchResult second = find_colliding_keys_cached(request, cache);
  expect_keys_hit(request, second, 3);
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(keys_of(first), keys_of(second));
  // The timeout does not identify the answer; the count does.
  KeyRequest longer = request;
  longer.timeout_ms = 60000;
  EXPECT_EQ(cache.file_for(longer), cache.file_for(request));
  KeyRequest more = request;
  more.count = 5;
  EXPECT_NE(cache.file_for(more), cache.file_for(request));
}

TEST_F(KeyCacheTest, AnInvalidEntryIsSolvedAgainAndReplaced) {
  const KeyCache cache(directory_);
  const KeyRequest request = bucket_request(4, 16, 3, 2);
  const KeySearchResult first = find_colliding_keys_cached(request, cache);
  ASSERT_EQ(first.status, KeySearchStatus::kFound);
  // Replace the first key by one from another bucket.
  std::ifstream in(cache.file_for(request));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string good = hex_from_bytes(first.keys[0].key);
  Bytes wrong = {0, 0, 0, 0};
  while ((htab_key_hash(wrong.data(), 4, 0) & 15) == 3) ++wrong[0];
  text.replace(text.find(good), good.size(), hex_from_bytes(wrong));
  std::ofstream(cache.file_for(request)) << text;
  const KeySearchResult again = find_colliding_keys_cached(request, cache);
  expect_keys_hit(request, again, 3);
  EXPECT_FALSE(again.from_cache);
  EXPECT_NE(again.cache_note.find("not a valid answer"), std::string::npos) << again.cache_note;
  EXPECT_TRUE(find_colliding_keys_cached(request, cache).from_cache);  // replaced
}

TEST_F(KeyCacheTest, AnEntryOfAnotherRequestIsNotServed) {
  const KeyCache cache(directory_);
  const KeyRequest request = bucket_request(4, 16, 3, 2);
  KeyRequest other = request;
  other.bucket = 4;
  ASSERT_EQ(find_colliding_keys_cached(other, cache).status, KeySearchStatus::kFound);
  std::filesystem::copy_file(cache.file_for(other), cache.file_for(request));
  const KeySearchResult result = find_colliding_keys_cached(request, cache);
  expect_keys_hit(request, result, 3);
  EXPECT_NE(result.cache_note.find("another request"), std::string::npos) << result.cache_note;
}

// ---- real maps ----

// The walk must show `inserted` (in insertion order) as one run, newest first: a bucket's
// chain is walked from its head, where every new element goes (fact sheet 3.4).
void expect_adjacent_newest_first(const std::vector<Bytes>& walk,
                                  const std::vector<Bytes>& inserted) {
  const auto start = std::find(walk.begin(), walk.end(), inserted.back());
  ASSERT_NE(start, walk.end());
  ASSERT_GE(static_cast<size_t>(walk.end() - start), inserted.size());
  EXPECT_TRUE(std::equal(inserted.rbegin(), inserted.rend(), start));
}

// Keys colliding in bucket 5 of 16, interleaved with filler keys of other buckets.
struct CollisionWorkload {
  std::vector<Bytes> colliding;
  std::vector<Bytes> insert_order;
};

CollisionWorkload collision_workload(uint32_t key_size) {
  const KeyRequest request = bucket_request(key_size, 16, 5, 4);
  const KeySearchResult result = find_colliding_keys(request);
  EXPECT_EQ(result.status, KeySearchStatus::kFound) << result.message;
  CollisionWorkload workload;
  workload.colliding = keys_of(result);
  for (uint32_t filler = 0, used = 0; used < 8; ++filler) {
    Bytes key(key_size, 0);
    for (size_t index = 0; index < 4 && index < key_size; ++index) {
      key[index] = static_cast<unsigned char>(filler >> (8 * index));
    }
    if ((htab_key_hash(key.data(), key_size, 0) & 15) == 5) continue;
    workload.insert_order.push_back(key);
    if (used < workload.colliding.size()) {
      workload.insert_order.push_back(workload.colliding[used]);
    }
    ++used;
  }
  return workload;
}

TEST(CollidingKeysInMapsTest, KeysShareABucketOfAMapsimHashMap) {
  for (uint32_t key_size : {4u, 13u}) {
    const CollisionWorkload workload = collision_workload(key_size);
    testing::MapFixture fixture(1);
    ASSERT_EQ(fixture.create(bpf::kMapHash, key_size, 8, 16), 0);
    const Bytes value(8, 1);
    for (const Bytes& key : workload.insert_order) {
      ASSERT_EQ(fixture.map().update_elem(key.data(), value.data(), bpf::kAny), 0);
    }
    std::vector<Bytes> walk;
    Bytes next(key_size);
    for (int rc = fixture.map().get_next_key(nullptr, next.data()); rc == 0;
         rc = fixture.map().get_next_key(walk.back().data(), next.data())) {
      walk.push_back(next);
    }
    ASSERT_EQ(walk.size(), workload.insert_order.size());
    expect_adjacent_newest_first(walk, workload.colliding);
  }
}

TEST(CollidingKeysInMapsTest, KeysShareABucketOfTheLiveKernelsHashMap) {
  std::string why;
  if (KernelBackend::probe(&why) != 0) GTEST_SKIP() << "bpf() not usable here: " << why;
  for (uint32_t key_size : {4u, 13u}) {  // jhash2 over words, and jhash over bytes
    const CollisionWorkload workload = collision_workload(key_size);
    KernelBackend backend;
    MapAttr attr;
    attr.map_type = bpf::kMapHash;
    attr.key_size = key_size;
    attr.value_size = 8;
    attr.max_entries = 16;
    attr.map_flags = bpf::kFZeroSeed;
    std::unique_ptr<BackendMap> map;
    ASSERT_EQ(backend.create_map(0, attr, &map), 0);
    for (const Bytes& key : workload.insert_order) {
      ASSERT_EQ(map->update(Via::kSyscall, 0, key, Bytes(8, 1), bpf::kAny), 0);
    }
    std::vector<Bytes> walk;
    Bytes next;
    for (int rc = map->get_next_key(0, std::nullopt, &next); rc == 0;
         rc = map->get_next_key(0, walk.back(), &next)) {
      walk.push_back(next);
    }
    ASSERT_EQ(walk.size(), workload.insert_order.size());
    expect_adjacent_newest_first(walk, workload.colliding);
  }
}

}  // namespace
}  // namespace mapsim::synth
