// Differential test: seeded random op scripts (scenarios/random_op_script.h) run through the
// simulated backend and through the live kernel must print identical output, line for line.
//
// Scenario: for each of HASH, PERCPU_HASH, ARRAY, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH
// (LRU with and without BPF_F_NO_COMMON_LRU, chosen by the generator), DEVMAP, DEVMAP_HASH,
// BLOOM_FILTER, LPM_TRIE,
// and for scripts mixing all of them, run MAPSIM_DIFF_SCRIPTS / (types + 1) scripts (default
// 350 in all) with seeds
// MAPSIM_DIFF_SEED + 0, 1, ... (default 1) on this machine's possible CPUs.
//   => every output line of the simulated backend equals the kernel's.
// A type the simulated backend does not create yet (create_map returns kENOSYS) is skipped
// with a message; everything is skipped where bpf() is not permitted.
//
// On a mismatch the test prints SEED=..., the first differing line of both outputs, writes the
// script to MAPSIM_DIFF_DIR (default: the test temp dir) and prints the `mapsim exec` commands
// that reproduce each side. It stops after MAPSIM_DIFF_MISMATCHES_MAX (default 3) mismatches.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <variant>
#include <string>
#include <vector>

#include "tests/support/env_number.h"
#include "tests/support/forwarding_backend_map.h"
#include "tests/support/text_lines.h"
#include "tests/support/wrapping_backend.h"
#include "impl/uapi.h"
#include "model/kernel/kernel_backend.h"
#include "scenarios/bpf_names.h"
#include "scenarios/op_runner.h"
#include "scenarios/op_script.h"
#include "scenarios/random_op_script.h"
#include "scenarios/simulated_backend.h"

namespace mapsim {
namespace {

constexpr uint32_t kTypes[] = {bpf::kMapHash,        bpf::kMapPercpuHash, bpf::kMapArray,
                               bpf::kMapPercpuArray, bpf::kMapLruHash,    bpf::kMapLruPercpuHash,
                               bpf::kMapDevmap,      bpf::kMapDevmapHash,  bpf::kMapBloomFilter,
                               bpf::kMapLpmTrie};
constexpr int kTestCount = std::size(kTypes) + 1;  // one per type, one mixing all types

bool is_hash_type(uint32_t type) {
  return type == bpf::kMapHash || type == bpf::kMapPercpuHash || type == bpf::kMapLruHash ||
         type == bpf::kMapLruPercpuHash;
}

using testing::env_number;
using testing::split_lines;

// The output of one backend, or what it threw.
struct RunOutput {
  std::vector<std::string> lines;
  std::string exception;
};

RunOutput run_script(const std::string& script, OpBackend& backend) {
  RunOutput result;
  std::istringstream in(script);
  std::ostringstream out;
  try {
    run_op_script(in, out, backend);
  } catch (const std::exception& error) {
    result.exception = error.what();
  }
  result.lines = split_lines(out.str());
  return result;
}

// Both backends' outputs for one script, and where they first differ.
struct Comparison {
  RunOutput kernel;
  RunOutput sim;
  bool differs = false;
  size_t first_differing_line = 0;  ///< output line index (== counted input line index)
  std::string description;          ///< the first difference, for the failure message
};

// Runs `script` on the live kernel and on `model` (the simulated backend, or a canary mutant).
Comparison compare_with(const std::string& script, OpBackend& model) {
  Comparison comparison;
  KernelBackend kernel;
  comparison.kernel = run_script(script, kernel);
  comparison.sim = run_script(script, model);
  const RunOutput& left = comparison.kernel;
  const RunOutput& right = comparison.sim;
  if (left.exception != right.exception) {
    comparison.differs = true;
    comparison.first_differing_line = std::min(left.lines.size(), right.lines.size());
    comparison.description =
        "kernel threw: '" + left.exception + "'\n   sim threw: '" + right.exception + "'";
    return comparison;
  }
  size_t count = std::max(left.lines.size(), right.lines.size());
  for (size_t index = 0; index < count; ++index) {
    std::string kernel_line = index < left.lines.size() ? left.lines[index] : "<none>";
    std::string sim_line = index < right.lines.size() ? right.lines[index] : "<none>";
    if (kernel_line == sim_line) continue;
    comparison.differs = true;
    comparison.first_differing_line = index;
    comparison.description = "first differing output line " + std::to_string(index) +
                             ":\n  kernel: " + kernel_line + "\n     sim: " + sim_line;
    return comparison;
  }
  return comparison;
}

Comparison compare(const std::string& script, int cpus) {
  SimulatedBackend sim(cpus);
  return compare_with(script, sim);
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// The script up to and including the counted line that produced output line `output_line`:
// ops run one after another, so later lines cannot matter to that difference.
std::vector<std::string> prefix_through(const std::string& script, size_t output_line) {
  std::vector<std::string> prefix;
  size_t counted = 0;
  for (const std::string& line : split_lines(script)) {
    prefix.push_back(line);
    if (std::holds_alternative<SkippedLine>(parse_script_line(line))) continue;
    if (counted++ == output_line) break;
  }
  return prefix;
}

// Greedy delta debugging: drop chunks of lines (halving the chunk size down to single lines)
// as long as the two backends still disagree somewhere. The work is bounded by the number of
// script lines run in total, so minimizing stays deterministic and takes seconds at most.
std::string minimize(const std::string& script, size_t output_line, int cpus) {
  constexpr size_t kLinesRunMax = 100'000;
  std::vector<std::string> lines = prefix_through(script, output_line);
  size_t lines_run = 0;
  for (size_t chunk = std::max<size_t>(1, lines.size() / 2); lines_run < kLinesRunMax;) {
    bool removed = false;
    for (size_t start = 0; start < lines.size() && lines_run < kLinesRunMax;) {
      std::vector<std::string> candidate(lines.begin(), lines.begin() + start);
      candidate.insert(candidate.end(),
                       lines.begin() + std::min(lines.size(), start + chunk), lines.end());
      lines_run += candidate.size();
      if (compare(join_lines(candidate), cpus).differs) {
        lines = std::move(candidate);
        removed = true;
      } else {
        start += chunk;
      }
    }
    if (chunk == 1 && !removed) break;
    chunk = std::max<size_t>(1, chunk / 2);
  }
  return join_lines(lines);
}

std::string write_script(const std::string& script, const std::string& name) {
  const char* directory = std::getenv("MAPSIM_DIFF_DIR");
  std::string path = (directory != nullptr && *directory != '\0')
                         ? std::string(directory) + "/"
                         : ::testing::TempDir();
  path += name;
  std::ofstream(path) << script;
  return path;
}

class DifferentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (KernelBackend::probe(&why) != 0) GTEST_SKIP() << "bpf() not usable here: " << why;
    cpus_ = KernelBackend().possible_cpus();
  }

  // Whether the simulated backend creates maps of `type` (kENOSYS: not modelled yet).
  bool sim_models(uint32_t type) const {
    MapAttr attr;
    attr.map_type = type;
    attr.key_size = 4;
    attr.value_size = 8;
    attr.max_entries = 4;
    SimulatedBackend sim(cpus_);  // outlives the map, which uses its platform
    std::unique_ptr<BackendMap> map;
    return sim.create_map(0, attr, &map) != bpf::kENOSYS;
  }

  // The first of kCanarySeeds random scripts on maps of `type` whose output through the
  // simulated backend with every map wrapped in `Mutant` differs from the kernel's; 0 when
  // none does. Prints it: a canary caught only by a late seed is close to being missed.
  static constexpr uint64_t kCanarySeeds = 200;
  template <class Mutant>
  uint64_t first_seed_catching(uint32_t type, const std::string& mutant_name) const {
    RandomScriptOptions options;
    options.map_types = {type};
    options.possible_cpus = cpus_;
    uint64_t caught_at = 0;
    for (uint64_t seed = 1; seed <= kCanarySeeds && caught_at == 0; ++seed) {
      testing::WrappingBackend<Mutant> mutant(mutant_name,
                                              std::make_unique<SimulatedBackend>(cpus_));
      if (compare_with(random_op_script(seed, options), mutant).differs) caught_at = seed;
    }
    std::cout << "[ CANARY   ] caught by seed " << caught_at << std::endl;
    return caught_at;
  }

  // Runs the scripts for `types`; fails with a reproducer on the first few mismatches.
  void run_scripts(const std::vector<uint32_t>& types, const std::string& label);
  // Writes the script and its prefix through the first difference; minimizes it further when
  // `minimize_script` (the first mismatch of a test: minimizing costs seconds).
  void report_mismatch(uint64_t seed, const std::string& label, const std::string& script,
                       const Comparison& comparison, bool minimize_script) const;

  int cpus_ = 1;
};

void DifferentialTest::report_mismatch(uint64_t seed, const std::string& label,
                                       const std::string& script,
                                       const Comparison& comparison,
                                       bool minimize_script) const {
  const std::string stem = "mapsim-diff-" + label + "-seed" + std::to_string(seed);
  const std::string path = write_script(script, stem + ".jsonl");
  const std::string reduced =
      minimize_script ? minimize(script, comparison.first_differing_line, cpus_)
                      : join_lines(prefix_through(script, comparison.first_differing_line));
  const std::string reduced_path = write_script(reduced, stem + "-min.jsonl");
  const size_t reduced_lines = split_lines(reduced).size();
  constexpr size_t kPrintedLinesMax = 60;
  ADD_FAILURE() << "SEED=" << seed << " types=" << label << " possible_cpus=" << cpus_ << "\n"
                << comparison.description << "\nscript: " << path
                << "\n" << (minimize_script ? "minimized" : "prefix through the difference")
                << " (" << reduced_lines << " lines): " << reduced_path << "\n"
                << compare(reduced, cpus_).description << "\n"
                << (reduced_lines <= kPrintedLinesMax ? reduced : "")
                << "reproduce: mapsim exec --backend kernel " << reduced_path
                << "\n           mapsim exec --backend sim --possible-cpus " << cpus_ << " "
                << reduced_path << "\n(or MAPSIM_DIFF_SEED=" << seed
                << " MAPSIM_DIFF_SCRIPTS=" << kTestCount << ")";
}

void DifferentialTest::run_scripts(const std::vector<uint32_t>& types,
                                   const std::string& label) {
  RandomScriptOptions options;
  options.map_types = types;
  options.possible_cpus = cpus_;
  const uint64_t scripts = std::max<uint64_t>(1, env_number("MAPSIM_DIFF_SCRIPTS", 350) /
                                                     kTestCount);
  const uint64_t first_seed = env_number("MAPSIM_DIFF_SEED", 1);
  const uint64_t mismatches_reported_max = env_number("MAPSIM_DIFF_MISMATCHES_MAX", 3);
  uint64_t mismatches = 0;
  uint64_t kernel_successes = 0;
  std::cout << "[ SEED     ] MAPSIM_DIFF_SEED=" << first_seed << " scripts=" << scripts
            << " types=" << label << " possible_cpus=" << cpus_ << std::endl;
  for (uint64_t seed = first_seed; seed < first_seed + scripts; ++seed) {
    std::string script = random_op_script(seed, options);
    Comparison comparison = compare(script, cpus_);
    for (const std::string& line : comparison.kernel.lines) {
      kernel_successes += line.find("\"rc\":0") != std::string::npos;
      // Generated ops always fit their map: an input error line means a generator bug (or a
      // program the kernel refused), which would make both sides agree for nothing.
      EXPECT_EQ(line.find("\"error\""), std::string::npos) << "SEED=" << seed << ": " << line;
    }
    if (!comparison.differs) continue;
    report_mismatch(seed, label, script, comparison, mismatches == 0);
    if (++mismatches == mismatches_reported_max) break;
  }
  // A generator whose every op failed would make agreement meaningless.
  EXPECT_GT(kernel_successes, scripts) << "the scripts hardly ever succeed on the kernel";
}

class DifferentialTypeTest : public DifferentialTest,
                             public ::testing::WithParamInterface<uint32_t> {};

TEST_P(DifferentialTypeTest, KernelAndSimulationAgree) {
  const uint32_t type = GetParam();
  if (!sim_models(type)) {
    GTEST_SKIP() << "the simulated backend does not create " << map_type_name(type)
                 << " maps yet (kENOSYS)";
  }
  run_scripts({type}, std::string(map_type_name(type)));
}

// "lru_percpu_hash" -> "LruPercpuHash": test names have no underscores.
std::string camel_type_name(const ::testing::TestParamInfo<uint32_t>& info) {
  std::string camel;
  bool upper = true;
  for (char c : map_type_name(info.param)) {
    if (c == '_') {
      upper = true;
    } else {
      camel += upper ? static_cast<char>(c - 'a' + 'A') : c;
      upper = false;
    }
  }
  return camel;
}

INSTANTIATE_TEST_SUITE_P(AllTypes, DifferentialTypeTest, ::testing::ValuesIn(kTypes),
                         camel_type_name);

TEST_F(DifferentialTest, MixedTypesAgree) {
  std::vector<uint32_t> modelled;
  std::string skipped;
  for (uint32_t type : kTypes) {
    if (sim_models(type)) {
      modelled.push_back(type);
    } else {
      skipped += " " + std::string(map_type_name(type));
    }
  }
  if (modelled.empty()) GTEST_SKIP() << "the simulated backend creates none of the six types";
  if (!skipped.empty()) std::cout << "[ NOTE ] not modelled yet, left out:" << skipped << "\n";
  run_scripts(modelled, "mixed");
}

// The generator alone (no kernel needed): one seed, one script; every line is well-formed; the
// simulated backend runs every op without an input error; maps meant to be created with a hash
// type carry BPF_F_ZERO_SEED, so hash order is comparable.
TEST(RandomOpScriptTest, SameSeedGivesTheSameScript) {
  RandomScriptOptions options;
  options.map_types = {kTypes, kTypes + std::size(kTypes)};
  options.possible_cpus = 2;
  EXPECT_EQ(random_op_script(7, options), random_op_script(7, options));
  EXPECT_NE(random_op_script(7, options), random_op_script(8, options));
}

TEST(RandomOpScriptTest, ScriptsAreWellFormedAndRunWithoutInputErrors) {
  RandomScriptOptions options;
  options.map_types = {kTypes, kTypes + std::size(kTypes)};
  options.possible_cpus = 2;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    std::string script = random_op_script(seed, options);
    for (const std::string& line : split_lines(script)) {
      ScriptLine parsed = parse_script_line(line);
      ASSERT_FALSE(std::holds_alternative<InputError>(parsed)) << "SEED=" << seed << ": " << line;
      const auto* map = std::get_if<MapLine>(&parsed);
      if (map == nullptr || map->id.value_or("").rfind("bad", 0) == 0) continue;
      // Bucket order of hash maps, and bit positions (false positives) of bloom filters.
      if (!is_hash_type(map->attr.map_type) && map->attr.map_type != bpf::kMapBloomFilter) {
        continue;
      }
      EXPECT_TRUE(map->attr.map_flags & bpf::kFZeroSeed) << "SEED=" << seed << ": " << line;
    }
    SimulatedBackend sim(options.possible_cpus);
    for (const std::string& line : run_script(script, sim).lines) {
      EXPECT_EQ(line.find("\"error\""), std::string::npos) << "SEED=" << seed << ": " << line;
    }
  }
}

// Canary (STYLE G11): a simulated backend whose program lookups on LRU_HASH maps act like
// syscall lookups, so they never set the reference bit. The generated scripts must catch it,
// or the differential test could not see the one thing program lookups exist for.
class NoReferenceBitMap : public testing::ForwardingBackendMap {
 public:
  using ForwardingBackendMap::ForwardingBackendMap;
  int lookup(Via, int cpu, const Bytes& key, uint64_t flags, Bytes* value) override {
    return inner().lookup(Via::kSyscall, cpu, key, flags, value);
  }
};

TEST_F(DifferentialTest, CanaryWithoutReferenceBitIsCaught) {
  if (!sim_models(bpf::kMapLruHash)) GTEST_SKIP() << "no simulated LRU_HASH yet";
  EXPECT_NE(first_seed_catching<NoReferenceBitMap>(bpf::kMapLruHash, "sim-without-reference-bit"),
            0u)
      << "no LRU_HASH script among " << kCanarySeeds
      << " tells a program lookup from a syscall lookup";
}

// Canary: a bloom filter whose bit positions are not the kernel's. Every item is hashed with
// its first byte flipped, for pushes and peeks alike, so pushed items are still found and only
// the false positives move: the generated scripts must tell, or "false positives identical to
// the kernel's" would be an untested claim.
class OtherBitsBloomMap : public testing::ForwardingBackendMap {
 public:
  using ForwardingBackendMap::ForwardingBackendMap;
  int lookup(Via via, int cpu, const Bytes& key, uint64_t flags, Bytes* value) override {
    if (!value->empty()) (*value)[0] ^= 1;
    return inner().lookup(via, cpu, key, flags, value);
  }
  int update(Via via, int cpu, const Bytes& key, const Bytes& value, uint64_t flags) override {
    Bytes flipped = value;
    flipped[0] ^= 1;
    return inner().update(via, cpu, key, flipped, flags);
  }
};

TEST_F(DifferentialTest, CanaryBloomWithOtherBitPositionsIsCaught) {
  EXPECT_NE(first_seed_catching<OtherBitsBloomMap>(bpf::kMapBloomFilter,
                                                   "sim-with-other-bloom-bits"),
            0u)
      << "no BLOOM_FILTER script among " << kCanarySeeds
      << " tells the kernel's false positives from others";
}

// Every minimized reproducer kept in tests/data/diff (one per mismatch the differential test
// found) must agree too: they are the regression tests of the simulated maps' fixes.
TEST_F(DifferentialTest, RecordedReproducersAgree) {
  const std::filesystem::path directory =
      std::filesystem::path(MAPSIM_SOURCE_DIR) / "tests" / "data" / "diff";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty()) << "no reproducers in " << directory;
  for (const std::filesystem::path& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    Comparison comparison = compare(text.str(), cpus_);
    EXPECT_FALSE(comparison.differs) << file.filename().string() << ": "
                                     << comparison.description;
  }
}

}  // namespace
}  // namespace mapsim
