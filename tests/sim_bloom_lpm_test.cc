// BLOOM_FILTER and LPM_TRIE under the simulator: the real maps on SimPlatform, every
// interleaving DPOR explores (with injected allocation and lock failures), judged against what
// the kernel guarantees concurrent users.
//
// LPM: 10.0.0.0/8 = 8, 10.1.0.0/16 = 16, 10.1.1.0/24 = 24, 10.1.2.0/24 = 25 (the two /24s meet
// under an intermediate /22). CPU 0 deletes 10.1.1.0/24 (the intermediate node goes with it,
// 10.1.2.0/24 moves up; both freed after a grace period) and inserts it again as 26 (a new
// intermediate node). CPU 1 looks up 10.1.1.7 and 10.1.2.7 and asks for the first key.
//   => 10.1.1.7 finds 24, 16 or 26; 10.1.2.7 always finds 25; the first key is one of the
//      /24s; no freed node is read; the final trie holds what the writer's results say.
// Bloom: 64 bits, 3 hash functions, item 1 pushed in setup. CPU 0 pushes 2 and 3; CPU 1 peeks
// 1, pushes 4, peeks 2.
//   => the peek of 1 always answers 0 (no false negative, ever), and afterwards 1..4 all do.
// Canary (STYLE G11): the same LPM scenario on a platform whose deferred frees do not wait for
// a grace period must be caught reading a freed node.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "impl/create_map.h"
#include "impl/internal/lpm_trie_impl.h"
#include "impl/uapi.h"
#include "sim/explorer.h"
#include "sim/sim_platform.h"
#include "sim/strategy/dpor.h"

namespace mapsim {
extern template int create_map<SimPlatform>(SimPlatform&, const MapAttr&, std::unique_ptr<Map>*);
}  // namespace mapsim

namespace mapsim::sim {
namespace {

struct Ipv4Key {
  uint32_t prefixlen;
  unsigned char address[4];
};

constexpr Ipv4Key kSlash8{8, {10, 0, 0, 0}};
constexpr Ipv4Key kSlash16{16, {10, 1, 0, 0}};
constexpr Ipv4Key kFirst24{24, {10, 1, 1, 0}};
constexpr Ipv4Key kSecond24{24, {10, 1, 2, 0}};
constexpr Ipv4Key kFirstHost{32, {10, 1, 1, 7}};
constexpr Ipv4Key kSecondHost{32, {10, 1, 2, 7}};

bool transient_error(int64_t rc) {
  return rc == bpf::kENOMEM || rc == bpf::kEDEADLK || rc == bpf::kETIMEDOUT;
}

int64_t lpm_value(Map& map, const Ipv4Key& key) {
  uint64_t value = 0;
  const int rc = map.lookup_elem(&key, &value);
  return rc != 0 ? rc : static_cast<int64_t>(value);
}

void lpm_set(Map& map, const Ipv4Key& key, uint64_t value) {
  MAPSIM_ASSERT(map.update_elem(&key, &value, bpf::kAny) == 0, "setup update");
}

// The reader's and the writer's results, and the trie after the execution.
std::string check_lpm(Map& map, const Outcome& outcome) {
  const auto& writer = outcome.cpu_results(0);
  const auto& reader = outcome.cpu_results(1);
  const int64_t first = reader[0];
  if (first != 24 && first != 16 && first != 26) return "10.1.1.7 found " + std::to_string(first);
  if (reader[1] != 25) return "10.1.2.7 found " + std::to_string(reader[1]);
  if (reader[2] != 1 && reader[2] != 2 && reader[2] != bpf::kENOMEM) {
    return "first key: " + std::to_string(reader[2]);
  }
  for (int64_t rc : writer) {
    if (rc != 0 && !transient_error(rc)) return "writer got " + std::to_string(rc);
  }
  const int64_t expected = writer[1] == 0 ? 26 : writer[0] == 0 ? 16 : 24;
  if (lpm_value(map, kFirstHost) != expected) {
    return "final 10.1.1.7 is not " + std::to_string(expected);
  }
  if (lpm_value(map, kSecondHost) != 25) return "final 10.1.2.7 is not 25";
  if (auto* trie = dynamic_cast<internal::LpmTrieMap<SimPlatform>*>(&map)) {
    return trie->check_invariants_quiescent();
  }
  return "";
}

// The canary's platform: SimPlatform, except that a deferred free (kfree_rcu) frees at once.
class NoGracePeriodPlatform {
 public:
  explicit NoGracePeriodPlatform(SimPlatform& inner) : inner_(inner) {}
  using SpinLock = SimPlatform::SpinLock;
  using BucketLock = SimPlatform::BucketLock;
  template <class T>
  using Atomic = SimPlatform::Atomic<T>;
  template <class T>
  using Racy = SimPlatform::Racy<T>;
  template <class T>
  using Plain = SimPlatform::Plain<T>;

  int possible_cpus() const { return inner_.possible_cpus(); }
  int cpu() const { return inner_.cpu(); }
  void rcu_read_lock() { inner_.rcu_read_lock(); }
  void rcu_read_unlock() { inner_.rcu_read_unlock(); }
  void* allocate(size_t bytes) { return inner_.allocate(bytes); }
  void release(void* block) { inner_.release(block); }
  void release_after_grace_period(void* block) { inner_.release(block); }  // the bug
  uint32_t random_u32() { return inner_.random_u32(); }
  static void copy_racy(void* target, const void* source, size_t bytes) {
    SimPlatform::copy_racy(target, source, bytes);
  }
  static bool equal_racy(const void* left, const void* right, size_t bytes) {
    return SimPlatform::equal_racy(left, right, bytes);
  }
  void path_event(PathEvent event, uint64_t argument = 0) { inner_.path_event(event, argument); }

 private:
  SimPlatform& inner_;
};
static_assert(Platform<NoGracePeriodPlatform>, "the canary platform is a Platform");

// The trie of the LPM scenario, on SimPlatform or (canary) on NoGracePeriodPlatform; the
// returned state keeps the map and its platform alive.
std::shared_ptr<void> make_trie(SimPlatform& platform, bool free_at_once,
                                std::unique_ptr<Map>* out) {
  MapAttr attr;
  attr.map_type = bpf::kMapLpmTrie;
  attr.key_size = sizeof(Ipv4Key);
  attr.value_size = 8;
  attr.max_entries = 8;
  attr.map_flags = bpf::kFNoPrealloc;
  if (!free_at_once) {
    MAPSIM_ASSERT(create_map(platform, attr, out) == 0, "the trie is created");
    return nullptr;
  }
  auto canary = std::make_shared<NoGracePeriodPlatform>(platform);
  MAPSIM_ASSERT(internal::LpmTrieMap<NoGracePeriodPlatform>::create(*canary, attr, out) == 0,
                "the canary trie is created");
  return canary;
}

Scenario lpm_scenario(bool free_at_once = false) {
  Scenario scenario;
  scenario.name = free_at_once ? "lpm canary: no grace period" : "lpm delete+reinsert vs lookups";
  scenario.possible_cpus = 2;
  scenario.build = [free_at_once](SimPlatform& platform) {
    auto map = std::make_shared<std::unique_ptr<Map>>();
    std::shared_ptr<void> canary_platform = make_trie(platform, free_at_once, map.get());
    lpm_set(**map, kSlash8, 8);
    lpm_set(**map, kSlash16, 16);
    lpm_set(**map, kFirst24, 24);
    lpm_set(**map, kSecond24, 25);
    ScenarioInstance instance;
    instance.cpus.push_back({
        {"delete 10.1.1.0/24", [map] { return int64_t{(*map)->delete_elem(&kFirst24)}; }},
        {"update 10.1.1.0/24=26", [map] {
           uint64_t value = 26;
           return int64_t{(*map)->update_elem(&kFirst24, &value, bpf::kAny)};
         }},
    });
    instance.cpus.push_back({
        {"lookup 10.1.1.7", [map] { return lpm_value(**map, kFirstHost); }},
        {"lookup 10.1.2.7", [map] { return lpm_value(**map, kSecondHost); }},
        {"get_next_key null", [map] {
           Ipv4Key next{};
           const int rc = (*map)->get_next_key(nullptr, &next);
           return rc != 0 ? int64_t{rc} : int64_t{next.address[2]};
         }},
    });
    instance.check_end = [map](const Outcome& outcome) { return check_lpm(**map, outcome); };
    // The map goes first: its destructor still uses the canary's platform.
    instance.state = std::make_shared<std::pair<std::shared_ptr<void>, decltype(map)>>(
        std::move(canary_platform), map);
    return instance;
  };
  return scenario;
}

int64_t bloom_op(Map& map, uint32_t item, bool push) {
  return push ? map.update_elem(nullptr, &item, bpf::kAny) : map.lookup_elem(nullptr, &item);
}

Scenario bloom_scenario() {
  Scenario scenario;
  scenario.name = "bloom pushes vs peeks";
  scenario.possible_cpus = 2;
  scenario.build = [](SimPlatform& platform) {
    auto map = std::make_shared<std::unique_ptr<Map>>();
    MapAttr attr;
    attr.map_type = bpf::kMapBloomFilter;
    attr.value_size = 4;
    attr.max_entries = 8;  // 8 * 3 / 5 * 7 = 28 -> 64 bits, one word: every access conflicts
    attr.map_flags = bpf::kFZeroSeed;
    attr.map_extra = 3;
    MAPSIM_ASSERT(create_map(platform, attr, map.get()) == 0, "the filter is created");
    MAPSIM_ASSERT(bloom_op(**map, 1, true) == 0, "setup push");
    ScenarioInstance instance;
    instance.cpus.push_back({
        {"push 2", [map] { return bloom_op(**map, 2, true); }},
        {"push 3", [map] { return bloom_op(**map, 3, true); }},
    });
    instance.cpus.push_back({
        {"peek 1", [map] { return bloom_op(**map, 1, false); }},
        {"push 4", [map] { return bloom_op(**map, 4, true); }},
        {"peek 2", [map] { return bloom_op(**map, 2, false); }},
    });
    instance.check_end = [map](const Outcome& outcome) -> std::string {
      if (outcome.cpu_results(1)[0] != 0) return "item 1 was pushed before, yet peek missed it";
      const int64_t racing_peek = outcome.cpu_results(1)[2];
      if (racing_peek != 0 && racing_peek != bpf::kENOENT) return "peek 2 returned an error";
      for (uint32_t item = 1; item <= 4; ++item) {
        if (bloom_op(**map, item, false) != 0) return "item " + std::to_string(item) + " lost";
      }
      return "";
    };
    instance.state = map;
    return instance;
  };
  return scenario;
}

void expect_every_execution_passes(const Scenario& scenario) {
  Explorer explorer(scenario);
  DporOptions options;
  options.budget = 20000;
  DporStrategy dpor(options);
  const ExploreReport report = explorer.explore(dpor);
  ASSERT_TRUE(report.error.empty()) << report.error;
  EXPECT_TRUE(report.ok()) << scenario.name << ": " << report.failures.front().message;
  EXPECT_GT(report.executions, 1u);
  std::printf("%-32s %llu executions%s\n", scenario.name.c_str(),
              static_cast<unsigned long long>(report.executions),
              report.exhausted ? " (exhaustive)" : " (budget)");
}

TEST(SimLpmTrieTest, LookupsDuringDeleteAndReinsertSeeAConsistentTrie) {
  expect_every_execution_passes(lpm_scenario());
}

TEST(SimLpmTrieTest, CanaryFreeingNodesWithoutAGracePeriodIsCaught) {
  Explorer explorer(lpm_scenario(/*free_at_once=*/true));
  DporStrategy dpor(DporOptions{});
  const ExploreReport report = explorer.explore(dpor);
  ASSERT_TRUE(report.error.empty()) << report.error;
  ASSERT_FALSE(report.ok()) << "a reader of a node freed under it went unnoticed";
  EXPECT_NE(report.failures.front().message.find("after it was freed"), std::string::npos)
      << report.failures.front().message;
}

TEST(SimBloomFilterTest, RacingPushesNeverLoseAnItem) {
  expect_every_execution_passes(bloom_scenario());
}

}  // namespace
}  // namespace mapsim::sim
