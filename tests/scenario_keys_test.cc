// The `keys:` section of scenario files (scenarios/scenario_keys.h): requests solved when the
// file is loaded, references replaced, answers checked by hashing, bad requests reported with
// file:line:column, impossible requests told apart from timeouts, answers cached.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "scenarios/scenario_keys.h"
#include "scenarios/scenario_yaml.h"
#include "synth/colliding_keys.h"

namespace mapsim::scenario {
namespace {

std::string scenario_with(const std::string& keys, const std::string& program,
                          const std::string& flags = "[BPF_F_ZERO_SEED]",
                          const std::string& key_size = "4") {
  return "map: {type: hash, key_size: " + key_size + ", value_size: 8, max_entries: 16, flags: " +
         flags + "}\nkeys:\n" + keys + "cpu0: " + program + "\n";
}

uint32_t bucket_of(const Bytes& key, uint32_t n_buckets) {
  synth::KeyRequest request;
  request.key_size = static_cast<uint32_t>(key.size());
  request.n_buckets = n_buckets;
  request.bucket = 0;
  return synth::describe_key(request, key).bucket;
}

TEST(ScenarioKeys, BucketRequestsBecomeKeysInThatBucket) {
  const std::string text = scenario_with("  hot: {bucket: 3, count: 4}\n",
                                         "[update $hot.0 1, update $hot.1 2, update $hot.3 3]");
  const ScenarioParse parse = parse_scenario_yaml(text, "hot.yaml");
  ASSERT_TRUE(parse.ok()) << parse.errors.front();
  ASSERT_EQ(parse.spec.cpus.at(0).steps.size(), 3u);
  std::vector<Bytes> keys;
  for (const StepSpec& step : parse.spec.cpus[0].steps) {
    ASSERT_TRUE(step.key.has_value());
    EXPECT_EQ(bucket_of(*step.key, 16), 3u);
    keys.push_back(*step.key);
  }
  EXPECT_NE(keys[0], keys[1]);
  EXPECT_NE(keys[1], keys[2]);
  // Deterministic: loading again gives the same keys.
  const ScenarioParse again = parse_scenario_yaml(text, "hot.yaml");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.spec.cpus[0].steps[2].key, keys[2]);
}

TEST(ScenarioKeys, CollideWithGivesAnotherKeyOfTheSameBucket) {
  const ScenarioParse parse = parse_scenario_yaml(
      scenario_with("  twin: {collide_with: 7, count: 2}\n", "[update 7 1, update $twin.1 2]"),
      "twin.yaml");
  ASSERT_TRUE(parse.ok()) << parse.errors.front();
  const Bytes seven = {7, 0, 0, 0};
  const Bytes& twin = *parse.spec.cpus.at(0).steps.at(1).key;
  EXPECT_NE(twin, seven);
  EXPECT_EQ(bucket_of(twin, 16), bucket_of(seven, 16));
}

TEST(ScenarioKeys, ResolvedTextKeepsLinesAndComments) {
  const KeyResolution resolved = resolve_scenario_keys(
      scenario_with("  a: {bucket: 0}\n", "[update $a.0 1]  # not $a.5 in a comment"), "f.yaml",
      "");
  ASSERT_TRUE(resolved.errors.empty()) << resolved.errors.front();
  EXPECT_EQ(resolved.requests, 1);
  EXPECT_EQ(resolved.text.find("$a.0"), std::string::npos);
  EXPECT_NE(resolved.text.find("# not $a.5 in a comment"), std::string::npos);
}

TEST(ScenarioKeys, BadRequestsNameFileLineColumnAndField) {
  auto first_error = [](const std::string& text) {
    const ScenarioParse parse = parse_scenario_yaml(text, "bad.yaml");
    EXPECT_FALSE(parse.ok());
    return parse.errors.empty() ? std::string() : parse.errors.front();
  };
  EXPECT_EQ(first_error(scenario_with("  a: {bucket: 0}\n", "[update $b.0 1]")),
            "bad.yaml:4:15: unknown key reference $b.0: keys: has no request 'b'");
  EXPECT_EQ(first_error(scenario_with("  a: {bucket: 0, count: 2}\n", "[update $a.2 1]")),
            "bad.yaml:4:15: $a.2: keys.a has 2 key(s) ($a.0 to $a.1)");
  const std::string range = first_error(scenario_with("  a: {bucket: 16}\n", "[update $a.0 1]"));
  EXPECT_NE(range.find("bad.yaml:3:6: keys.a: "), std::string::npos) << range;
  EXPECT_NE(range.find("out of range"), std::string::npos) << range;
  // One-byte keys: 256 in all, about 16 per bucket of 16; 40 cannot exist.
  const std::string impossible = first_error(
      scenario_with("  a: {bucket: 1, count: 40}\n", "[update $a.0 1]", "[BPF_F_ZERO_SEED]", "1"));
  EXPECT_NE(impossible.find("keys.a: impossible: "), std::string::npos) << impossible;
  const std::string seed = first_error(scenario_with("  a: {bucket: 1}\n", "[update $a.0 1]", "[]"));
  EXPECT_NE(seed.find("BPF_F_ZERO_SEED"), std::string::npos) << seed;
  const std::string field =
      first_error(scenario_with("  a: {bucket: 1, count: 0}\n", "[update $a.0 1]"));
  EXPECT_NE(field.find("keys.a.count"), std::string::npos) << field;
}

TEST(ScenarioKeys, AnswersAreCached) {
  const std::filesystem::path cache =
      std::filesystem::temp_directory_path() / "mapsim_scenario_keys_test_cache";
  std::filesystem::remove_all(cache);
  const std::string text = scenario_with("  a: {bucket: 5, count: 3}\n", "[update $a.2 1]");
  const KeyResolution first = resolve_scenario_keys(text, "c.yaml", cache.string());
  ASSERT_TRUE(first.errors.empty());
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(cache)) ++entries;
  EXPECT_EQ(entries, 1u);
  const KeyResolution second = resolve_scenario_keys(text, "c.yaml", cache.string());
  EXPECT_EQ(second.text, first.text);
  std::filesystem::remove_all(cache);
}

}  // namespace
}  // namespace mapsim::scenario
